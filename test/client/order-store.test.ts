import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db, getMeta } from '../../client/lib/db.ts';
import { saveSession } from '../../client/lib/session.ts';
import { CURSOR_KEY, applyStatusEvent, catchUp, mergeServerOrders } from '../../client/guest/order-store.ts';
import type { GuestOrderStatusChangedEvent } from '../../shared/events.ts';
import { onChannelEvents } from '../../server/events/projection.ts';
import type { Order } from '../../shared/schemas/orders.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { serveAppFrom, type SentRequest } from './app-origin.ts';

/**
 * The phone's copy of the guest's orders (client/guest/order-store.ts) against a real barback:
 * catch-ups ask the server, and the snapshots and live events merged here are the ones the
 * server produced (events taken from its event bus as it publishes them to the guest's channel).
 */
let server: TestServer;
let admin: string;
let drinkId: string;
let guest: TestGuest;
let sent: SentRequest[];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
});
afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  guest = await createGuestDirect(server, 'Store Sasha');
  await saveSession({ access_token: guest.access_token, refresh_token: 'not-used-here', expires_in: 3600 }, { user_key: guest.user_key, username: guest.username });
  sent = serveAppFrom(() => server.url);
});
afterEach(() => vi.unstubAllGlobals());

async function place(): Promise<Order> {
  const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinkId } });
  expect(res.status).toBe(201);
  return res.body.order;
}

async function snapshot(id: string): Promise<Order> {
  const res = await api(server, 'GET', `/api/orders/${id}`, { token: guest.access_token });
  expect(res.status).toBe(200);
  return res.body.order;
}

/** Moves an order on as the host does; resolves with the live event the guest's channel got. */
async function hostSets(id: string, status: string): Promise<GuestOrderStatusChangedEvent> {
  const published = new Promise<GuestOrderStatusChangedEvent>((resolve) => {
    const stop = onChannelEvents(server.ctx.events, (event) => {
      const payload = event.payload as GuestOrderStatusChangedEvent;
      if (event.channel !== `/orders/${guest.user_key}` || payload.order_id !== id || payload.status !== status) return;
      stop();
      resolve(payload);
    });
  });
  expect((await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status } })).status).toBe(200);
  return published;
}

describe('catching up on orders', () => {
  it('never lets an older answer undo a newer status, comparing versions as integers (9 < 10)', async () => {
    // An order whose version is all nines, so its next change has one digit more: as text,
    // "9" sorts after "10". First in the file, on a fresh database, that is a few orders.
    let order = await place();
    for (let placed = 1; !/^9+$/.test(order.version); placed++) {
      expect(placed, 'orders placed to reach a version of nines').toBeLessThan(100);
      order = await place();
    }
    const older = await snapshot(order.id);
    await hostSets(order.id, 'ready');
    const newer = await snapshot(order.id);
    expect(newer.version.length).toBeGreaterThan(older.version.length);
    expect(newer.version > older.version).toBe(false);

    await mergeServerOrders([newer]);
    await mergeServerOrders([older]);
    expect(await db.orders.get(order.id)).toEqual(newer);
  });

  it('asks for everything first, then only what changed since the cursor the server returned', async () => {
    const [a, b] = [await place(), await place()];
    const first = await catchUp();
    expect(first.map((c) => c.order.id).sort()).toEqual([a.id, b.id].sort());
    const cursor = await getMeta<string>(CURSOR_KEY);
    expect(cursor).toBe((await api(server, 'GET', '/api/orders', { token: guest.access_token })).body.cursor);

    await hostSets(a.id, 'ready');
    const second = await catchUp();
    expect(sent.map((r) => r.path)).toEqual(['/api/orders', `/api/orders?since=${cursor}`]);
    expect(second).toEqual([{ order: await snapshot(a.id), previous: 'pending' }]);
    expect(await db.orders.get(a.id)).toEqual(await snapshot(a.id));
    expect(await db.orders.get(b.id)).toEqual(b);
    expect(BigInt((await getMeta<string>(CURSOR_KEY))!)).toBeGreaterThanOrEqual(BigInt((await snapshot(a.id)).version));
  });

  it('applies a live event that follows what the phone knows', async () => {
    const order = await place();
    await mergeServerOrders([await snapshot(order.id)]);
    const event = await hostSets(order.id, 'preparing');
    expect(await applyStatusEvent(event)).toBe('applied');
    const now = await snapshot(order.id);
    expect(await db.orders.get(order.id)).toMatchObject({ status: 'preparing', version: now.version, updated_at: now.updated_at });
  });

  it('reports a gap when an event skips a status the phone never saw, or names an unknown order', async () => {
    const order = await place();
    await mergeServerOrders([await snapshot(order.id)]);
    await hostSets(order.id, 'preparing'); // missed by the phone
    const ready = await hostSets(order.id, 'ready');
    expect(await applyStatusEvent(ready)).toBe('gap');
    expect((await db.orders.get(order.id))?.status).toBe('pending');

    const unknown = await place(); // placed on another device, never seen here
    expect(await applyStatusEvent(await hostSets(unknown.id, 'preparing'))).toBe('gap');
    expect(await db.orders.get(unknown.id)).toBeUndefined();
  });

  it('ignores an event older than the stored order (it arrived after a catch-up)', async () => {
    const order = await place();
    const late = await hostSets(order.id, 'preparing');
    await hostSets(order.id, 'ready');
    await catchUp();
    expect(await applyStatusEvent(late)).toBe('stale');
    expect((await db.orders.get(order.id))?.status).toBe('ready');
  });
});
