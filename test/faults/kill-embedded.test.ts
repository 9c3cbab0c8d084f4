import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherParty, startBarback, waitFor, type BarbackProcess, type Party } from './support.ts';

/*
 * The embedded database (PGlite in DATA_DIR, no DATABASE_URL) when the server process is
 * killed with SIGKILL mid-burst: after a restart on the same folder, every order the server
 * answered 2xx for is still there, and the retries complete the rest exactly once.
 */

const GUESTS = 8;
const ORDERS_EACH = 5;

describe('kill -9 of a server on the embedded database', () => {
  let dataDir: string;
  let server: BarbackProcess;
  let party: Party;
  const env = () => ({ DATA_DIR: dataDir, MAX_ACTIVE_ORDERS: '1000' });

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-embedded-kill-'));
    server = await startBarback(env());
    party = await gatherParty(server.url, GUESTS);
  });
  afterAll(async () => {
    await server?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged order and duplicates none', async () => {
    party.guests.forEach((guest, g) => {
      for (let i = 0; i < ORDERS_EACH; i++) guest.want(party.drinks[(g + i) % party.drinks.length]!.id, `embedded ${i}`);
    });
    const total = GUESTS * ORDERS_EACH;
    let url = server.url;
    const burst = Promise.all(party.guests.map((guest) => guest.drain(() => url, { thinkMs: 40, deadline: Date.now() + 120_000 })));
    const acked = () => party.guests.reduce((n, g) => n + g.acknowledged.size, 0);
    await waitFor('part of the burst to be acknowledged', () => (acked() >= total / 3 ? true : undefined), 60_000, 5);
    await server.kill9();
    const ackedBeforeKill = party.guests.flatMap((g) => [...g.acknowledged]);
    server = await startBarback(env(), server.port);
    url = server.url;
    await burst;
    expect(ackedBeforeKill.length).toBeLessThan(total);

    // Read back through the host's API: the embedded database belongs to the server process.
    const login = await fetch(`${url}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'faults@barback.test', password: 'fault-tolerant host' }),
    });
    const { access_token: admin } = (await login.json()) as { access_token: string };
    const res = await fetch(`${url}/api/admin/orders`, { headers: { authorization: `Bearer ${admin}` } });
    const orders = ((await res.json()) as { orders: { id: string; user_key: string }[] }).orders;
    const ids = orders.map((o) => o.id);
    expect(new Set(ids).size, 'no order twice').toBe(ids.length);
    for (const guest of party.guests) {
      expect(guest.refused).toEqual([]);
      expect(orders.filter((o) => o.user_key === guest.userKey).map((o) => o.id).sort()).toEqual(guest.intended.map((o) => o.id).sort());
    }
    for (const id of ackedBeforeKill) expect(ids).toContain(id);
  });
});
