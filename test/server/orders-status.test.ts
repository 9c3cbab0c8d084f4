import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_STATUSES, isInLine, type OrderStatus } from '../../shared/order-status.ts';
import { adminOrderSchema } from '../../shared/schemas/orders.ts';
import { onChannelEvents, type ChannelEvent } from '../../server/events/projection.ts';
import type { GuestOrderStatusChangedEvent } from '../../shared/events.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { TEST_ADMIN, adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: string;
let drinkId: string;
const published: ChannelEvent[] = [];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
  onChannelEvents(server.ctx.events, (event) => published.push(event));
});
afterAll(async () => {
  await server?.stop();
});

async function eventRows(orderId: string) {
  const { rows } = await server.db.query<{ type: string; version: string; payload: Record<string, unknown> }>(
    'SELECT type, version, payload FROM order_events WHERE order_id = $1 ORDER BY id',
    [orderId],
  );
  return rows;
}

async function placeOrder(guest: TestGuest) {
  const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
  expect(res.status).toBe(201);
  return res.body.order;
}

/** An order of `guest` in status `status` (every status is one host step from pending). */
async function orderIn(guest: TestGuest, status: OrderStatus) {
  const order = await placeOrder(guest);
  if (status === 'pending') return order;
  const res = await api(server, 'PATCH', `/api/admin/orders/${order.id}`, { token: admin, body: { status } });
  expect(res.status).toBe(200);
  return res.body.order;
}

// The specification, written out rather than derived from shared/order-status.ts.
const HOST_ALLOWED = new Set([
  'pending>preparing', 'pending>ready', 'pending>served', 'pending>cancelled',
  'preparing>ready', 'preparing>served', 'preparing>cancelled',
  'ready>served',
  // Recalls: one step back within 15 minutes of the change (each order here was changed just now,
  // by the host, from pending).
  'ready>preparing', 'preparing>pending', 'served>ready', 'cancelled>pending',
]);
const GUEST_ALLOWED = new Set(['pending>cancelled']);

const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as [OrderStatus, OrderStatus]));

describe('the status machine, every (from, to) pair', () => {
  let guest: TestGuest;
  beforeAll(async () => {
    guest = await createGuestDirect(server, 'Table');
  });

  async function expectOutcome(
    before: { id: string; version: string; status: OrderStatus },
    to: OrderStatus,
    res: { status: number; body: any },
    allowed: boolean,
    hostView: boolean,
  ) {
    const events = await eventRows(before.id);
    const stored = (await server.db.query<{ status: string; version: string }>('SELECT status, version FROM orders WHERE id = $1', [before.id])).rows[0]!;
    if (before.status === to) {
      // The same status again: a no-op, no version, no event.
      expect(res.status).toBe(200);
      expect(res.body.order.version).toBe(before.version);
      expect(stored).toEqual({ status: to, version: before.version });
      expect(events.filter((e) => BigInt(e.version) > BigInt(before.version))).toEqual([]);
      return;
    }
    if (!allowed) {
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: { code: 'invalid_transition', message: expect.any(String) } });
      expect(stored).toEqual({ status: before.status, version: before.version });
      expect(events.filter((e) => BigInt(e.version) > BigInt(before.version))).toEqual([]);
      return;
    }
    expect(res.status).toBe(200);
    const order = res.body.order;
    expect(order.status).toBe(to);
    expect(BigInt(order.version)).toBeGreaterThan(BigInt(before.version));
    expect(order.completed_at === null).toBe(to !== 'served');
    expect(stored).toEqual({ status: to, version: order.version });
    if (hostView) expect(adminOrderSchema.parse(order)).toEqual(order);
    else expect(order.user_key).toBeUndefined();
    const hostEvent = {
      type: 'ORDER_STATUS_CHANGED',
      order_id: before.id,
      drink_name: order.drink_name,
      status: to,
      previous_status: before.status,
      updated_at: order.updated_at,
      version: order.version,
      user_key: guest.user_key,
      username: 'Table',
      changed_by: hostView ? { role: 'admin', name: TEST_ADMIN.email } : { role: 'guest', name: 'Table' },
    };
    const changes = events.filter((e) => BigInt(e.version) > BigInt(before.version));
    // The log records the order row as the change left it, like NEW_ORDER's (the wire events are built in TypeScript).
    const changedRow = {
      id: before.id,
      user_key: guest.user_key,
      status: to,
      previous_status: before.status,
      version: Number(order.version),
      changed_by_role: hostEvent.changed_by.role,
      changed_by_name: hostEvent.changed_by.name,
    };
    expect(changes).toEqual([{ type: 'ORDER_STATUS_CHANGED', version: order.version, payload: expect.objectContaining(changedRow) }]);
    expect(Date.parse(changes[0]!.payload.updated_at as string)).toBe(Date.parse(order.updated_at));
    const { user_key: _k, username: _u, changed_by: _by, ...guestEvent } = hostEvent;
    // The events add the order's place in line after the change (issue 17): a number while it
    // is pending or preparing, nulls once it left the line. The wait depends on the whole line.
    const inLine = isInLine(to);
    const place = { queue_ticket: inLine ? expect.any(Number) : null, queue_position: inLine ? expect.any(Number) : null };
    const withoutWait = (payload: object) => {
      const { eta_seconds: eta, ...rest } = payload as GuestOrderStatusChangedEvent;
      expect(inLine ? eta === null || Number.isInteger(eta) : eta === null).toBe(true);
      return rest;
    };
    await expect
      .poll(() =>
        published
          .filter((e) => e.type === 'ORDER_STATUS_CHANGED' && (e.payload as GuestOrderStatusChangedEvent).version === order.version)
          .map((e) => ({ ...e, payload: withoutWait(e.payload) })),
      )
      .toEqual([
        { channel: `/orders/${guest.user_key}`, type: 'ORDER_STATUS_CHANGED', payload: { ...guestEvent, ...place } },
        { channel: '/admin/order-updates', type: 'ORDER_STATUS_CHANGED', payload: { ...hostEvent, ...place } },
      ]);
  }

  it.each(pairs)('host: %s → %s', async (from, to) => {
    const before = await orderIn(guest, from);
    const res = await api(server, 'PATCH', `/api/admin/orders/${before.id}`, { token: admin, body: { status: to } });
    await expectOutcome(before, to, res, HOST_ALLOWED.has(`${from}>${to}`), true);
  });

  it.each(pairs.filter(([, to]) => to === 'cancelled'))('guest: %s → %s', async (from, to) => {
    const before = await orderIn(guest, from);
    const res = await api(server, 'POST', `/api/orders/${before.id}/cancel`, { token: guest.access_token });
    await expectOutcome(before, to, res, GUEST_ALLOWED.has(`${from}>${to}`), false);
  });

  it('a change that fails inside its transaction is rolled back: old status, no event, nothing published', async () => {
    const before = await placeOrder(guest);
    await server.db.query(`CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await server.db.query(`CREATE TRIGGER refuse_event BEFORE INSERT ON order_events FOR EACH ROW
      WHEN (NEW.order_id = '${before.id}') EXECUTE FUNCTION refuse_event()`);
    const seen = published.length;
    try {
      const res = await api(server, 'PATCH', `/api/admin/orders/${before.id}`, { token: admin, body: { status: 'ready' } });
      expect(res.status).toBe(500);
    } finally {
      await server.db.query('DROP TRIGGER refuse_event ON order_events');
      await server.db.query('DROP FUNCTION refuse_event()');
    }
    const stored = await api(server, 'GET', `/api/orders/${before.id}`, { token: guest.access_token });
    expect(stored.body.order).toEqual(before);
    expect((await eventRows(before.id)).map((e) => e.type)).toEqual(['NEW_ORDER']);
    expect(published.slice(seen).filter((e) => e.type === 'ORDER_STATUS_CHANGED')).toEqual([]);
  });
});

describe('guests see only their own orders', () => {
  it("another guest's order is 404 order_not_found to read or cancel, and absent from their list", async () => {
    const alice = await createGuestDirect(server, 'Alice');
    const mallory = await createGuestDirect(server, 'Mallory');
    const order = await placeOrder(alice);
    for (const [method, path] of [['GET', `/api/orders/${order.id}`], ['POST', `/api/orders/${order.id}/cancel`]]) {
      const res = await api(server, method!, path!, { token: mallory.access_token });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'order_not_found', message: expect.any(String) } });
    }
    const list = await api(server, 'GET', '/api/orders', { token: mallory.access_token });
    expect(list.body.orders).toEqual([]);
    const still = await api(server, 'GET', `/api/orders/${order.id}`, { token: alice.access_token });
    expect(still.body.order).toEqual(order);
  });

  it('unknown and malformed ids are 404 order_not_found', async () => {
    const guest = await createGuestDirect(server);
    for (const id of [randomUUID(), 'not-a-uuid', "1'; DROP TABLE orders; --"]) {
      const path = `/api/orders/${encodeURIComponent(id)}`;
      expect((await api(server, 'GET', path, { token: guest.access_token })).body.error.code).toBe('order_not_found');
      expect((await api(server, 'POST', `${path}/cancel`, { token: guest.access_token })).status).toBe(404);
      const patch = await api(server, 'PATCH', `/api/admin/orders/${encodeURIComponent(id)}`, { token: admin, body: { status: 'ready' } });
      expect([patch.status, patch.body.error.code]).toEqual([404, 'order_not_found']);
    }
  });
});

describe("the host's queue", () => {
  it('lists orders oldest first with user_key, username and drink name, filtered by status', async () => {
    const guest = await createGuestDirect(server, 'Queue');
    const first = await placeOrder(guest);
    const second = await orderIn(guest, 'ready');
    const third = await orderIn(guest, 'served');
    const all = await api(server, 'GET', '/api/admin/orders', { token: admin });
    const mine = all.body.orders.filter((o: { user_key: string }) => o.user_key === guest.user_key);
    expect(mine.map((o: { id: string }) => o.id)).toEqual([first.id, second.id, third.id]);
    // The host's view has no place in line (the board shows the line itself).
    const { queue_ticket: _t, queue_position: _p, eta_seconds: _e, ...firstOrder } = first as typeof first & { queue_ticket: unknown; queue_position: unknown; eta_seconds: unknown };
    expect(mine[0]).toEqual({ ...firstOrder, user_key: guest.user_key, username: 'Queue', ready_at: null, calls: 0, called_at: null, changed_by: null });

    const open = await api(server, 'GET', '/api/admin/orders?status=pending,ready', { token: admin });
    const openMine = open.body.orders.filter((o: { user_key: string }) => o.user_key === guest.user_key);
    expect(openMine.map((o: { id: string }) => o.id)).toEqual([first.id, second.id]);
    for (const o of open.body.orders) expect(['pending', 'ready']).toContain(o.status);
    const createdAt = open.body.orders.map((o: { created_at: string }) => o.created_at);
    expect(createdAt).toEqual([...createdAt].sort());
  });

  it('past orders keep the name of a drink deleted since', async () => {
    const guest = await createGuestDirect(server);
    const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks;
    const drink = drinks[drinks.length - 1];
    const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drink.id } });
    expect((await api(server, 'DELETE', `/api/admin/drinks/${drink.id}`, { token: admin })).status).toBe(204);
    const queue = await api(server, 'GET', '/api/admin/orders?status=pending', { token: admin });
    expect(queue.body.orders.find((o: { id: string }) => o.id === res.body.order.id).drink_name).toBe(drink.name);
    const served = await api(server, 'PATCH', `/api/admin/orders/${res.body.order.id}`, { token: admin, body: { status: 'served' } });
    expect(served.body.order.drink_name).toBe(drink.name);
  });

  it('bad input gets the envelope and a 4xx', async () => {
    const guest = await createGuestDirect(server);
    const order = await placeOrder(guest);
    const path = `/api/admin/orders/${order.id}`;
    const cases: [unknown, number, string][] = [
      [{ status: 'shaken' }, 400, 'validation_failed'],
      [{}, 400, 'validation_failed'],
      [{ status: 'ready', extra: 1 }, 400, 'validation_failed'],
      [['ready'], 400, 'validation_failed'],
      [{ status: null }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api(server, 'PATCH', path, { token: admin, body });
      expect([res.status, res.body.error.code]).toEqual([status, code]);
    }
    const asGuest = await api(server, 'PATCH', path, { token: guest.access_token, body: { status: 'ready' } });
    expect([asGuest.status, asGuest.body.error.code]).toEqual([403, 'forbidden']);
    const queueAsGuest = await api(server, 'GET', '/api/admin/orders', { token: guest.access_token });
    expect(queueAsGuest.status).toBe(403);
    for (const query of ['status=bogus', 'status=pending,bogus', 'status=', 'status=pending,']) {
      const res = await api(server, 'GET', `/api/admin/orders?${query}`, { token: admin });
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
    }
    expect((await api(server, 'GET', '/api/admin/orders?status=ready&status=served', { token: admin })).status).toBe(200);
    expect((await api(server, 'POST', `/api/orders/${order.id}/cancel`)).status).toBe(401);
  });
});
