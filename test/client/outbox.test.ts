import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../client/lib/db.ts';
import { saveSession } from '../../client/lib/session.ts';
import { drainOutbox, enqueueOrder } from '../../client/guest/outbox.ts';
import { createTestDatabase } from '../support/database.ts';
import { freePort } from '../support/net.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { createCode, register, type Registered } from '../server/guests-support.ts';
import { serveAppFrom, type SentRequest } from './app-origin.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * The phone's outbox (client/guest/outbox.ts) against a real barback: the app's own modules run
 * against fake-indexeddb, and every answer comes from the server. Only the network is played
 * with: an address where nothing listens, or a proxy that loses an answer.
 */
const MAX_ACTIVE = 3;
let server: TestServer;
let admin: string;
let code: string;
let drink: { id: string; name: string };
let switchedOff: { id: string; name: string };
let origin: string;
let sent: SentRequest[];
let guest: Registered;

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: String(MAX_ACTIVE) });
  admin = await adminToken(server);
  code = await createCode(server, admin, { max_uses: 1000 });
  drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
  const section = (await api(server, 'GET', '/api/sections')).body.sections[0];
  const off = await api(server, 'POST', '/api/admin/drinks', { token: admin, body: { section_id: section.id, name: 'Retired Punch', ingredients: ['Rum'], is_active: false } });
  expect(off.status).toBe(201);
  switchedOff = off.body.drink;
});
afterAll(async () => {
  await server?.stop();
});

/** A fresh guest, signed in on a fresh phone. */
async function signIn(target: TestServer = server, inviteCode = code): Promise<Registered> {
  const res = await register(target, inviteCode, 'Outbox Olly');
  expect(res.status).toBe(201);
  const joined = res.body as Registered;
  await Promise.all(db.tables.map((table) => table.clear()));
  await saveSession(joined, joined.user);
  return joined;
}

beforeEach(async () => {
  origin = server.url;
  sent = serveAppFrom(() => origin);
  guest = await signIn();
});
afterEach(() => vi.unstubAllGlobals());

const orderPosts = () => sent.filter((r) => r.method === 'POST' && r.path === '/api/orders');

async function serverOrders(userKey: string): Promise<{ id: string; drink_id: string; notes: string | null }[]> {
  const { rows } = await server.db.query<{ id: string; drink_id: string; notes: string | null }>('SELECT id, drink_id, notes FROM orders WHERE user_key = $1', [userKey]);
  return rows;
}

describe('the outbox', () => {
  it('saves an order as queued on the phone before anything is sent, and keeps it while the server is unreachable', async () => {
    origin = `http://127.0.0.1:${await freePort()}`;
    const id = await enqueueOrder(drink, 'no ice');
    expect(sent).toHaveLength(0);
    expect(await db.outbox.get(id)).toMatchObject({ drink_id: drink.id, notes: 'no ice' });
    expect(await db.orders.get(id)).toMatchObject({ status: 'queued', version: null });

    expect((await drainOutbox()).outcome).toBe('unreachable');
    expect(orderPosts()).toHaveLength(1);
    expect(await db.outbox.count()).toBe(1);
    expect((await db.orders.get(id))?.status).toBe('queued');

    // The server comes back: the same order goes out, with its note.
    origin = server.url;
    expect(await drainOutbox()).toMatchObject({ outcome: 'done', sent: 1 });
    expect(await serverOrders(guest.user.user_key)).toEqual([{ id, drink_id: drink.id, notes: 'no ice' }]);
  });

  it('replaces a queued order with the server order once accepted, sending the client id', async () => {
    const id = await enqueueOrder(drink, null);
    expect(await drainOutbox()).toMatchObject({ outcome: 'done', sent: 1 });
    expect(orderPosts()).toEqual([{ method: 'POST', path: '/api/orders', body: { id, drink_id: drink.id }, authorization: `Bearer ${guest.access_token}` }]);
    expect(await db.outbox.count()).toBe(0);
    const onServer = await api(server, 'GET', `/api/orders/${id}`, { token: guest.access_token });
    expect(onServer.status).toBe(200);
    expect(await db.orders.get(id)).toEqual(onServer.body.order);
    expect(onServer.body.order).toMatchObject({ status: 'pending', drink_name: drink.name });
  });

  it('sends each order once when several drainers in one context start together (page and worker: the browser suite)', async () => {
    const ids = [await enqueueOrder(drink, null), await enqueueOrder(drink, 'two'), await enqueueOrder(drink, 'three')];
    const results = await Promise.all([drainOutbox(), drainOutbox(), drainOutbox()]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(3);
    expect(orderPosts().map((r) => (r.body as { id: string }).id).sort()).toEqual([...ids].sort());
    expect((await serverOrders(guest.user.user_key)).map((o) => o.id).sort()).toEqual([...ids].sort());
    expect(await db.outbox.count()).toBe(0);
  });

  it('turns a refusal into a failed order with the server’s reason, and never retries it', async () => {
    const id = await enqueueOrder(switchedOff, null);
    expect(await drainOutbox()).toMatchObject({ outcome: 'done', failed: 1 });
    expect(await db.orders.get(id)).toMatchObject({ status: 'failed', failure: { code: 'drink_unavailable', message: expect.any(String) } });
    expect(await db.outbox.count()).toBe(0);
    await drainOutbox();
    expect(orderPosts()).toHaveLength(1);
    expect(await serverOrders(guest.user.user_key)).toEqual([]);
  });

  it('treats an idempotency conflict and too many active orders as failures too', async () => {
    const conflicting = await enqueueOrder(drink, 'mine');
    const oneTooMany = await enqueueOrder(drink, null);
    // Meanwhile the same id was used with other content, and the guest's open orders filled up.
    const taken = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: conflicting, drink_id: drink.id, notes: 'other' } });
    expect(taken.status).toBe(201);
    for (let i = 1; i < MAX_ACTIVE; i++) {
      expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drink.id } })).status).toBe(201);
    }
    expect(await drainOutbox()).toMatchObject({ outcome: 'done', sent: 0, failed: 2 });
    expect((await db.orders.get(conflicting))?.failure?.code).toBe('idempotency_conflict');
    expect((await db.orders.get(oneTooMany))?.failure?.code).toBe('too_many_active_orders');
  });

  it('refreshes a token the server refuses (it expired while the phone slept) and sends again', async () => {
    const expired = await server.ctx.tokens.signGuest(guest.user.user_key, guest.user.username, -60);
    await saveSession({ access_token: expired, refresh_token: guest.refresh_token, expires_in: 3600 }, guest.user);
    const id = await enqueueOrder(drink, null);
    expect((await drainOutbox()).outcome).toBe('done');
    expect(sent.map((r) => r.path)).toEqual(['/api/orders', '/api/auth/refresh', '/api/orders']);
    expect(sent[0]!.authorization).toBe(`Bearer ${expired}`);
    expect(sent[2]!.authorization).not.toBe(`Bearer ${expired}`);
    expect((await db.orders.get(id))?.status).toBe('pending');
    expect((await serverOrders(guest.user.user_key)).map((o) => o.id)).toEqual([id]);
  });

  it('a resend after a lost answer finds the same order (the server answers 200) and stores it once', async () => {
    const target = new URL(server.url);
    const lossy = new TcpProxy(target.hostname, Number(target.port));
    origin = `http://127.0.0.1:${await lossy.start()}`;
    try {
      const id = await enqueueOrder(drink, null);
      lossy.loseNextAnswer();
      expect((await drainOutbox()).outcome).toBe('unreachable');
      // The order did reach the server; only its answer was lost.
      expect((await serverOrders(guest.user.user_key)).map((o) => o.id)).toEqual([id]);
      expect((await db.orders.get(id))?.status).toBe('queued');
      expect((await drainOutbox()).outcome).toBe('done');
      expect(orderPosts()).toHaveLength(2);
      expect((await serverOrders(guest.user.user_key)).map((o) => o.id)).toEqual([id]);
      expect(await db.orders.where('id').equals(id).count()).toBe(1);
      expect((await db.orders.get(id))?.status).toBe('pending');
    } finally {
      await lossy.stop();
    }
  });
});

// The server answers 503 when its database is unreachable; only a PostgreSQL reached through a
// proxy can be cut away from a running server (the embedded one lives inside the process).
describe.skipIf(withoutPostgres('outbox: a 503 from a server whose database is unreachable'))('the outbox while the server’s database is down (PostgreSQL)', () => {
  it('keeps the order queued when the server answers 503, and stops the drain to back off', async () => {
    const testDb = await createTestDatabase();
    const target = new URL(testDb.databaseUrl!);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(testDb.databaseUrl!);
    viaProxy.host = `127.0.0.1:${await proxy.start()}`;
    const struggling = await startTestServer({ DATABASE_URL: viaProxy.toString() }, { testDb });
    try {
      origin = struggling.url;
      const joined = await signIn(struggling, await createCode(struggling, await adminToken(struggling), { max_uses: 1 }));
      const itsDrink = (await api(struggling, 'GET', '/api/drinks')).body.drinks[0];
      sent.length = 0;
      const ids = [await enqueueOrder(itsDrink, null), await enqueueOrder(itsDrink, 'second')];
      proxy.cut();
      expect((await drainOutbox()).outcome).toBe('retry');
      // One attempt, answered 503; the drain stopped there instead of trying the next order.
      expect(orderPosts()).toHaveLength(1);
      const tried = (await db.outbox.toArray()).filter((item) => item.attempts > 0);
      expect(tried).toEqual([expect.objectContaining({ attempts: 1, last_error: 'service_unavailable' })]);
      for (const id of ids) expect((await db.orders.get(id))?.status).toBe('queued');
      expect(await db.outbox.count()).toBe(2);

      proxy.restore();
      expect(await drainOutbox()).toMatchObject({ outcome: 'done', sent: 2 });
      const { rows } = await struggling.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_key = $1', [joined.user.user_key]);
      expect(rows[0]!.n).toBe(2);
    } finally {
      await struggling.stop();
      await proxy.stop();
      await testDb.drop();
    }
  });
});
