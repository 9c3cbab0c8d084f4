import 'fake-indexeddb/auto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../client/lib/db.ts';
import { loadSession, saveSession } from '../../client/lib/session.ts';
import { drainOutbox, enqueueOrder, type DrainResult } from '../../client/guest/outbox.ts';
import { serveAppFrom } from '../client/app-origin.ts';
import { adminLogin, sleep, startBarback, waitFor, type BarbackProcess } from './support.ts';

/*
 * The other fault cases drive barback with OutboxGuest, a stand-in that behaves like the app.
 * This one runs the app's own outbox (client/guest/outbox.ts, its Dexie store on
 * fake-indexeddb, its session and request code) against a barback process that gets SIGKILL
 * while the outbox drains, then comes back on the same port and folder. Drains are retried the
 * way the app's scheduler and the worker's Background Sync retry them: after a pause, again.
 */

const ORDERS = 40;

describe('kill -9 of the server while the real app drains its outbox (embedded database)', () => {
  let dataDir: string;
  let server: BarbackProcess;
  let url = '';
  const env = () => ({ DATA_DIR: dataDir, MAX_ACTIVE_ORDERS: '1000' });

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-app-drain-'));
    server = await startBarback(env());
    url = server.url;
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await server?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('every order the phone saved reaches the server exactly once, and the phone ends with the server’s view', async () => {
    const admin = await adminLogin(url);
    const invite = await (await fetch(`${url}/api/admin/registration-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ max_uses: 1 }),
    })).json() as { code: string };
    const joined = await (await fetch(`${url}/api/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-registration-code': invite.code },
      body: JSON.stringify({ username: 'Real App Ria' }),
    })).json() as { user: { user_key: string; username: string }; access_token: string; refresh_token: string; expires_in: number };
    const drinks = ((await (await fetch(`${url}/api/drinks`)).json()) as { drinks: { id: string; name: string }[] }).drinks;

    serveAppFrom(() => url);
    await saveSession(joined, joined.user);
    const ids: string[] = [];
    for (let i = 0; i < ORDERS; i++) ids.push(await enqueueOrder(drinks[i % drinks.length]!, `round ${i}`));

    const outcomes: DrainResult['outcome'][] = [];
    const drained = (async () => {
      const deadline = Date.now() + 90_000;
      while ((await db.outbox.count()) > 0) {
        if (Date.now() > deadline) throw new Error(`outbox still holds ${await db.outbox.count()} orders at the deadline`);
        const result = await drainOutbox();
        outcomes.push(result.outcome);
        if (result.outcome !== 'done') await sleep(100);
      }
    })();

    const accepted = async () => (await db.orders.toArray()).filter((o) => o.version !== null).map((o) => o.id);
    await waitFor('a third of the outbox to be accepted', async () => ((await accepted()).length >= ORDERS / 3 ? true : undefined), 60_000, 5);
    await server.kill9();
    const acceptedBeforeKill = await accepted();
    server = await startBarback(env(), server.port);
    url = server.url;
    await drained;

    // The kill landed mid-drain: orders were still waiting, and the app met the dead server.
    expect(acceptedBeforeKill.length).toBeLessThan(ORDERS);
    expect(outcomes).toContain('unreachable');

    const res = await fetch(`${url}/api/orders`, { headers: { authorization: `Bearer ${(await loadSession())!.access_token}` } });
    const onServer = ((await res.json()) as { orders: { id: string; status: string; version: string }[] }).orders;
    const serverIds = onServer.map((o) => o.id);
    expect(new Set(serverIds).size, 'no order twice').toBe(serverIds.length);
    expect([...serverIds].sort()).toEqual([...ids].sort());
    for (const id of acceptedBeforeKill) expect(serverIds).toContain(id);

    expect(await db.outbox.count()).toBe(0);
    const onPhone = new Map((await db.orders.toArray()).map((o) => [o.id, o]));
    for (const order of onServer) expect(onPhone.get(order.id), order.id).toMatchObject({ status: order.status, version: order.version });
  });
});
