import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

let server: TestServer;
let admin: string;
let drinkId: string;

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
});
afterAll(async () => {
  await server?.stop();
});

async function place(guest: TestGuest) {
  const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
  expect(res.status).toBe(201);
  return res.body.order as { id: string; version: string; created_at: string };
}

async function hostSets(orderId: string, status: string) {
  const res = await api(server, 'PATCH', `/api/admin/orders/${orderId}`, { token: admin, body: { status } });
  expect(res.status).toBe(200);
  return res.body.order;
}

async function sync(guest: TestGuest, since?: string) {
  const res = await api(server, 'GET', `/api/orders${since === undefined ? '' : `?since=${since}`}`, { token: guest.access_token });
  expect(res.status).toBe(200);
  expect(res.body.cursor).toMatch(/^\d+$/);
  return res.body as { orders: { id: string; version: string; status: string; created_at: string }[]; cursor: string };
}

describe('GET /api/orders and the sync cursor', () => {
  it('without since: all of the guest’s orders, newest first', async () => {
    const guest = await createGuestDirect(server);
    const a = await place(guest);
    const b = await place(guest);
    const c = await place(guest);
    const { orders, cursor } = await sync(guest);
    expect(orders.map((o) => o.id)).toEqual([c.id, b.id, a.id]);
    expect(BigInt(cursor)).toBeGreaterThanOrEqual(BigInt(c.version));
  });

  it('returns exactly the orders changed since the cursor while other guests and the host change orders in between', async () => {
    const ann = await createGuestDirect(server, 'Ann');
    const ben = await createGuestDirect(server, 'Ben');
    const cat = await createGuestDirect(server, 'Cat');
    const annOld = await place(ann);
    const annUntouched = await place(ann);
    const annCancelled = await place(ann);
    const benOrder = await place(ben);
    const { cursor: start } = await sync(ann);

    await place(ben);
    await hostSets(annOld.id, 'preparing');
    await place(cat);
    const annNew = await place(ann);
    await hostSets(benOrder.id, 'ready');
    expect((await api(server, 'POST', `/api/orders/${annCancelled.id}/cancel`, { token: ann.access_token })).status).toBe(200);
    await hostSets(annOld.id, 'ready');
    await hostSets(annOld.id, 'ready'); // a no-op: not a change

    const changed = await sync(ann, start);
    expect(changed.orders.map((o) => o.id).sort()).toEqual([annOld.id, annNew.id, annCancelled.id].sort());
    expect(changed.orders.find((o) => o.id === annOld.id)!.status).toBe('ready');
    expect(changed.orders.map((o) => o.id)).not.toContain(annUntouched.id);
    for (const o of changed.orders) expect(BigInt(o.version)).toBeGreaterThan(BigInt(start));
    expect(BigInt(changed.cursor)).toBeGreaterThanOrEqual(BigInt(changed.orders.reduce((m, o) => (BigInt(o.version) > BigInt(m) ? o.version : m), '0')));

    const again = await sync(ann, changed.cursor);
    expect(again.orders).toEqual([]);
    expect(again.cursor).toBe(changed.cursor);

    // A version is a valid cursor: resuming from the newest event seen.
    const fromVersion = await sync(ann, annNew.version);
    expect(fromVersion.orders.map((o) => o.id).sort()).toEqual([annOld.id, annCancelled.id].sort());
  });

  it('a cursor that is not a decimal integer that fits 64 bits is 400 invalid_cursor', async () => {
    const guest = await createGuestDirect(server);
    const bad = ['', 'abc', '-1', '1.5', '1e3', '0x10', ' 1', '99999999999999999999', '9223372036854775808', '١٢'];
    for (const since of bad) {
      const res = await api(server, 'GET', `/api/orders?since=${encodeURIComponent(since)}`, { token: guest.access_token });
      expect([since, res.status, res.body.error?.code]).toEqual([since, 400, 'invalid_cursor']);
    }
    const twice = await api(server, 'GET', '/api/orders?since=1&since=2', { token: guest.access_token });
    expect([twice.status, twice.body.error.code]).toEqual([400, 'invalid_cursor']);
    const max = await api(server, 'GET', '/api/orders?since=9223372036854775807', { token: guest.access_token });
    expect([max.status, max.body.orders]).toEqual([200, []]);
    const zero = await api(server, 'GET', '/api/orders?since=0', { token: guest.access_token });
    expect(zero.status).toBe(200);
    expect((await api(server, 'GET', '/api/orders?since=1')).status).toBe(401);
    expect((await api(server, 'GET', '/api/orders', { token: admin })).status).toBe(403);
  });

  // PGlite is a single session: a second transaction cannot be open at the same time there.
  it.skipIf(withoutPostgres('orders-cursor: a version committed late is never skipped'))(
    'a version committed late is never skipped: the cursor stays below a version still in flight',
    async () => {
      const guest = await createGuestDirect(server, 'Late');
      await place(guest);
      const { cursor: start } = await sync(guest);

      const slow = new pg.Client({ connectionString: server.testDb.databaseUrl });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        const lateId = randomUUID();
        const { rows } = await slow.query<{ v: string }>('SELECT take_order_version() AS v');
        const lateVersion = rows[0]!.v;
        await slow.query(
          `INSERT INTO orders (id, drink_id, user_key, notes, status, version) VALUES ($1, $2, $3, NULL, 'pending', $4)`,
          [lateId, drinkId, guest.user_key, lateVersion],
        );

        // A faster writer commits a higher version while the slow one is still open.
        const fast = await place(guest);
        expect(BigInt(fast.version)).toBeGreaterThan(BigInt(lateVersion));

        const during = await sync(guest, start);
        expect(during.orders.map((o) => o.id)).toEqual([fast.id]);
        expect(BigInt(during.cursor)).toBeLessThan(BigInt(lateVersion));

        await slow.query('COMMIT');
        const after = await sync(guest, during.cursor);
        expect(after.orders.map((o) => o.id)).toContain(lateId);
        expect(BigInt(after.cursor)).toBeGreaterThanOrEqual(BigInt(fast.version));
      } finally {
        await slow.query('ROLLBACK').catch(() => undefined);
        await slow.end();
      }
    },
  );
});
