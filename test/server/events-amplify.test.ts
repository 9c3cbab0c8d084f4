import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES, MENU_CHANNEL } from '../../shared/channels.ts';
import { configureFromServer, installWebSocket, post, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { TEST_ADMIN, adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The real aws-amplify Events client (events.connect / subscribe / post) against barback's
 * own AppSync Events endpoint over plain http, with the ws:// shim the app uses on a LAN.
 */
let server: TestServer;
let admin: string;
let drinkId: string;
let ana: TestGuest;
let ben: TestGuest;
const open: LiveChannel[] = [];
/** Every WebSocket the server upgraded, so a test can cut them as a network drop would. */
const upgraded = new Set<Duplex>();

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
  ana = await createGuestDirect(server, 'Ana');
  ben = await createGuestDirect(server, 'Ben');
  server.server.on('upgrade', (_req: unknown, socket: Duplex) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
});
afterAll(async () => {
  for (const live of open) await live.close().catch(() => undefined);
  await server?.stop();
});

async function listen<E = Record<string, unknown>>(channel: string, token: string): Promise<LiveChannel<E>> {
  const live = await subscribe<E>(channel, token);
  open.push(live as LiveChannel);
  return live;
}

/** The host's HTTP publish (POST /event), as any AppSync publisher sends it. */
async function publishAsHost(channel: string, event: unknown): Promise<void> {
  const res = await fetch(`${server.url}/event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: admin },
    body: JSON.stringify({ channel, events: [JSON.stringify(event)] }),
  });
  expect(res.status).toBe(200);
}

async function placeOrder(guest: TestGuest, notes?: string) {
  const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId, notes } });
  expect(res.status).toBe(201);
  return res.body.order as { id: string; version: string; drink_name: string };
}

describe('the channel table, with the real Amplify client', () => {
  const rows: [string, () => string, () => string, boolean][] = [
    ['a guest on their own orders channel', () => `/orders/${ana.user_key}`, () => ana.access_token, true],
    ["a guest on another guest's orders channel", () => `/orders/${ben.user_key}`, () => ana.access_token, false],
    ['a guest on every orders channel (wildcard)', () => '/orders/*', () => ana.access_token, false],
    ['a guest on /admin/new-orders', () => ADMIN_NEW_ORDERS, () => ana.access_token, false],
    ['a guest on /admin/order-updates', () => ADMIN_ORDER_UPDATES, () => ana.access_token, false],
    ['a guest on /admin/*', () => '/admin/*', () => ana.access_token, false],
    ['a guest on the menu channel', () => MENU_CHANNEL, () => ana.access_token, true],
    ['the host on a guest orders channel', () => `/orders/${ben.user_key}`, () => admin, true],
    ['the host on /orders/*', () => '/orders/*', () => admin, true],
    ['the host on /admin/new-orders', () => ADMIN_NEW_ORDERS, () => admin, true],
    ['the host on /admin/order-updates', () => ADMIN_ORDER_UPDATES, () => admin, true],
    ['the host on /admin/*', () => '/admin/*', () => admin, true],
    ['a forged token anywhere', () => `/orders/${ana.user_key}`, () => `${ana.access_token.slice(0, -4)}AAAA`, false],
  ];
  for (const [name, channel, token, allowed] of rows) {
    it(`${name}: ${allowed ? 'subscribes' : 'is refused'}`, async () => {
      const live = await listen(channel(), token());
      if (allowed) {
        await expect(live.ready).resolves.toMatchObject({ subscriptionId: expect.any(String) });
      } else {
        await expect(live.ready).rejects.toThrow(/UnauthorizedException/);
      }
    });
  }
});

describe('what subscribers receive', () => {
  it('a new order reaches the host on /admin/new-orders with the documented shape', async () => {
    const live = await listen(ADMIN_NEW_ORDERS, admin);
    await live.ready;
    const order = await placeOrder(ana, 'no ice');
    const event = await live.next((e) => e.order_id === order.id);
    expect(event).toEqual({
      type: 'NEW_ORDER',
      order_id: order.id,
      user_key: ana.user_key,
      username: 'Ana',
      drink_id: drinkId,
      drink_name: order.drink_name,
      notes: 'no ice',
      status: 'pending',
      created_at: expect.any(String),
      version: order.version,
      options: [],
    });
  });

  it('a status change reaches the guest (without user fields) and the host (with them)', async () => {
    const guestLive = await listen(`/orders/${ana.user_key}`, ana.access_token);
    const hostLive = await listen('/admin/*', admin);
    await Promise.all([guestLive.ready, hostLive.ready]);
    const order = await placeOrder(ana);
    const res = await api(server, 'PATCH', `/api/admin/orders/${order.id}`, { token: admin, body: { status: 'ready' } });
    expect(res.status).toBe(200);
    const expected = {
      type: 'ORDER_STATUS_CHANGED',
      order_id: order.id,
      drink_name: order.drink_name,
      status: 'ready',
      previous_status: 'pending',
      updated_at: res.body.order.updated_at,
      version: res.body.order.version,
      // Ready: out of the line (issue 17).
      queue_ticket: null,
      queue_position: null,
      eta_seconds: null,
    };
    expect(await guestLive.next((e) => e.order_id === order.id)).toEqual(expected);
    expect(await hostLive.next((e) => e.order_id === order.id && e.type === 'ORDER_STATUS_CHANGED')).toEqual({
      ...expected,
      user_key: ana.user_key,
      username: 'Ana',
      changed_by: { role: 'admin', name: TEST_ADMIN.email },
    });
  });

  it("a guest never hears another guest's orders", async () => {
    const anaLive = await listen(`/orders/${ana.user_key}`, ana.access_token);
    await anaLive.ready;
    const bens = await placeOrder(ben);
    const anas = await placeOrder(ana);
    await api(server, 'PATCH', `/api/admin/orders/${bens.id}`, { token: admin, body: { status: 'preparing' } });
    await api(server, 'PATCH', `/api/admin/orders/${anas.id}`, { token: admin, body: { status: 'preparing' } });
    await anaLive.next((e) => e.order_id === anas.id);
    expect(anaLive.received.map((e) => e.order_id)).not.toContain(bens.id);
  });

  it('a menu change reaches a guest on the menu channel', async () => {
    const live = await listen(MENU_CHANNEL, ben.access_token);
    await live.ready;
    const res = await api(server, 'POST', '/api/admin/sections', { token: admin, body: { name: 'Late night' } });
    expect(res.status).toBe(201);
    expect(await live.next()).toMatchObject({ type: 'MENU_CHANGED', updated_at: expect.any(String) });
  });

  it('a change that is rolled back is never announced', async () => {
    const live = await listen(`/orders/${ana.user_key}`, ana.access_token);
    await live.ready;
    const doomed = await placeOrder(ana);
    const fine = await placeOrder(ana);
    // A fault at the database: writing this one order's event fails, so its change rolls back.
    await server.db.query(`
      CREATE OR REPLACE FUNCTION test_fail_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.order_id = '${doomed.id}' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`);
    await server.db.query('CREATE TRIGGER test_fail_event BEFORE INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION test_fail_event()');
    try {
      const failed = await api(server, 'PATCH', `/api/admin/orders/${doomed.id}`, { token: admin, body: { status: 'ready' } });
      expect(failed.status).toBe(500);
      const ok = await api(server, 'PATCH', `/api/admin/orders/${fine.id}`, { token: admin, body: { status: 'ready' } });
      expect(ok.status).toBe(200);
      // Events arrive in order: once the later change is here, the failed one would have been too.
      await live.next((e) => e.order_id === fine.id);
      expect(live.received.filter((e) => e.order_id === doomed.id)).toEqual([]);
      expect((await api(server, 'GET', `/api/orders/${doomed.id}`, { token: ana.access_token })).body.order.status).toBe('pending');
    } finally {
      await server.db.query('DROP TRIGGER test_fail_event ON order_events');
    }
  });
});

describe('publishing over HTTP with events.post', () => {
  it('the host publishes: subscribers receive each event, in order', async () => {
    const live = await listen(`/orders/${ben.user_key}`, ben.access_token);
    await live.ready;
    const failed = await post(`/orders/${ben.user_key}`, [{ n: 1 }, { n: 2 }, { text: 'héllo' }], admin);
    expect(failed).toBeUndefined();
    await live.next((e) => e.text === 'héllo');
    expect(live.received.filter((e) => 'n' in e || 'text' in e)).toEqual([{ n: 1 }, { n: 2 }, { text: 'héllo' }]);
  });

  it('a guest may not publish, not even on their own channel', async () => {
    await expect(post(`/orders/${ana.user_key}`, { type: 'ORDER_STATUS_CHANGED', status: 'ready' }, ana.access_token)).rejects.toThrow();
    const raw = await fetch(`${server.url}/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: ana.access_token },
      body: JSON.stringify({ channel: `/orders/${ana.user_key}`, events: ['{}'] }),
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }] });
  });

  it('the answer has the AppSync shape', async () => {
    const res = await fetch(`${server.url}/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: admin },
      body: JSON.stringify({ channel: 'orders/x', events: ['{"a":1}', '2'] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      successful: [
        { identifier: expect.any(String), index: 0 },
        { identifier: expect.any(String), index: 1 },
      ],
      failed: [],
    });
  });
});

describe('connections that break', () => {
  it('after the server drops the socket, Amplify re-subscribes with the same ids and hears later events', async () => {
    const live = await listen(`/orders/${ana.user_key}`, ana.access_token);
    await live.ready;
    // Cut from outside the product code, as a lost network would: every socket upgraded so far.
    expect(upgraded.size).toBeGreaterThan(0);
    for (const socket of upgraded) socket.destroy();
    const realtime = server.ctx.live.realtime;
    await expect.poll(() => realtime.connectionCount, { timeout: 15_000 }).toBe(0);
    // Amplify waits about 5 s, reconnects and sends every subscription again under its old id:
    // a marker the host publishes on the channel reaches it once it has.
    const marker = randomUUID();
    await expect
      .poll(
        async () => {
          await publishAsHost(`/orders/${ana.user_key}`, { marker });
          return live.received.some((e) => e.marker === marker);
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);
    const order = await placeOrder(ana);
    await api(server, 'PATCH', `/api/admin/orders/${order.id}`, { token: admin, body: { status: 'preparing' } });
    expect(await live.next((e) => e.order_id === order.id)).toMatchObject({ status: 'preparing' });
  }, 40_000);

  it('a revoked guest is cut off and hears nothing more', async () => {
    const cara = await createGuestDirect(server, 'Cara');
    const live = await listen(`/orders/${cara.user_key}`, cara.access_token);
    await live.ready;
    const res = await api(server, 'POST', `/api/admin/guests/${cara.user_key}/revoke`, { token: admin });
    expect(res.status).toBeLessThan(300);
    await expect.poll(() => live.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(JSON.stringify(live.errors)).toMatch(/UnauthorizedException/);
    // Nothing more reaches Cara: a host listening on her channel hears a marker she does not.
    const control = await listen(`/orders/${cara.user_key}`, admin);
    await control.ready;
    const marker = randomUUID();
    await publishAsHost(`/orders/${cara.user_key}`, { marker });
    await control.next((e) => e.marker === marker);
    expect(live.received.some((e) => e.marker === marker)).toBe(false);
    // Subscribing again with the revoked guest's (unexpired) token is refused: by the subscribe
    // when Amplify reuses a socket another token opened, or by connection_error when it must open
    // a new one (the revocation closed the socket Cara's token had opened).
    const again = listen(`/orders/${cara.user_key}`, cara.access_token).then((live) => live.ready);
    await expect(again).rejects.toThrow(/UnauthorizedException/);
  }, 30_000);
});
