import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../server/events/event-bus.ts';
import { project } from '../../server/events/projection.ts';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES, BAR_CHANNEL, MENU_CHANNEL, QUEUE_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import { NOT_IN_LINE } from '../../shared/queue.ts';
import { configureFromServer, installWebSocket, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Services announce what happened (domain events); one projection decides what each channel
 * hears. Subscribers here are the real Amplify client: what they receive must be exactly the
 * projection of the domain events the services emitted, nothing more, nothing built elsewhere.
 */
let server: TestServer;
let admin: string;
let guest: TestGuest;
let drink: { id: string; name: string };
const emitted: DomainEvent[] = [];
const open: LiveChannel[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
  drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
  guest = await createGuestDirect(server, 'Noor');
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
  server.ctx.events.onAny((event) => emitted.push(event));
});
afterAll(async () => {
  for (const live of open) await live.close().catch(() => undefined);
  await server?.stop();
});

async function listen(channel: string, token: string): Promise<LiveChannel<Record<string, unknown>>> {
  const live = await subscribe<Record<string, unknown>>(channel, token);
  open.push(live as LiveChannel);
  await live.ready;
  return live;
}

describe('domain events and their projection to channels', () => {
  it('an order placed, moved and served: each channel hears exactly the projection of the domain events', async () => {
    const newOrders = await listen(ADMIN_NEW_ORDERS, admin);
    const updates = await listen(ADMIN_ORDER_UPDATES, admin);
    const mine = await listen(guestOrdersChannel(guest.user_key), guest.access_token);

    const id = randomUUID();
    const placed = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drink.id, notes: 'lime' } });
    expect(placed.status).toBe(201);
    for (const status of ['preparing', 'ready', 'served']) {
      expect((await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status } })).status).toBe(200);
    }
    await updates.next((e) => e.order_id === id && e.status === 'served');
    await mine.next((e) => e.order_id === id && e.status === 'served');
    await newOrders.next((e) => e.order_id === id);

    const forOrder = emitted.filter((e) => (e.name === 'order.placed' || e.name === 'order.status_changed') && e.data.order.id === id);
    expect(forOrder.map((e) => e.name)).toEqual(['order.placed', 'order.status_changed', 'order.status_changed', 'order.status_changed']);
    // The domain event carries the host's full view of the order, ready_at included.
    const served = forOrder[3]!;
    expect(served.name === 'order.status_changed' && served.data).toMatchObject({ previous_status: 'ready', order: { id, status: 'served', username: 'Noor' } });
    expect(served.name === 'order.status_changed' && served.data.order.ready_at).toMatch(/Z$/);

    const projected = forOrder.flatMap(project);
    const on = (channel: string) => projected.filter((e) => e.channel === channel).map((e) => e.payload);
    expect(newOrders.received.filter((e) => e.order_id === id)).toEqual(on(ADMIN_NEW_ORDERS));
    expect(updates.received.filter((e) => e.order_id === id)).toEqual(on(ADMIN_ORDER_UPDATES));
    expect(mine.received.filter((e) => e.order_id === id)).toEqual(on(guestOrdersChannel(guest.user_key)));
  }, 30_000);

  it('NEW_ORDER names the drink by id, so the board never guesses it from the name', async () => {
    const newOrders = await listen(ADMIN_NEW_ORDERS, admin);
    const id = randomUUID();
    await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drink.id } });
    expect(await newOrders.next((e) => e.order_id === id)).toMatchObject({ type: 'NEW_ORDER', drink_id: drink.id, drink_name: drink.name });
    await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status: 'cancelled' } });
  }, 20_000);

  it('the guest’s channel carries no field about who placed the order; the host’s carries both', async () => {
    const order = {
      id: randomUUID(),
      drink_id: drink.id,
      drink_name: drink.name,
      notes: null,
      status: 'ready' as const,
      created_at: '2026-12-02T09:00:00.000Z',
      updated_at: '2026-12-02T09:05:00.000Z',
      completed_at: null,
      version: '42',
      options: [{ group_id: 'ice', group: 'Ice', choice_id: 'none', choice: 'None' }],
      user_key: guest.user_key,
      username: 'Noor',
      ready_at: '2026-12-02T09:05:00.000Z',
      calls: 0,
      called_at: null,
      changed_by: { role: 'bartender' as const, name: 'Sam' },
    };
    const [toGuest, toHost] = project({ name: 'order.status_changed', data: { order, previous_status: 'preparing', place: NOT_IN_LINE } });
    expect(toGuest).toEqual({
      channel: guestOrdersChannel(guest.user_key),
      type: 'ORDER_STATUS_CHANGED',
      payload: {
        type: 'ORDER_STATUS_CHANGED',
        order_id: order.id,
        drink_name: drink.name,
        status: 'ready',
        previous_status: 'preparing',
        updated_at: order.updated_at,
        version: '42',
        queue_ticket: null,
        queue_position: null,
        eta_seconds: null,
      },
    });
    // Back in line (a recall): the guest's event says where.
    const place = { queue_ticket: 7, queue_position: 2, eta_seconds: 180 };
    const [recalled] = project({ name: 'order.status_changed', data: { order: { ...order, status: 'preparing' }, previous_status: 'ready', place } });
    expect(recalled!.payload).toMatchObject({ status: 'preparing', ...place });
    // The line goes to /queue, as it was read: tickets and the wait, no order, guest or drink.
    const queue = { version: '42', first: 5, waiting: 'Dw==', length: 4, prep_seconds: 90, bartenders: 2 };
    expect(project({ name: 'queue.changed', data: { queue } })).toEqual([{ channel: QUEUE_CHANNEL, type: 'QUEUE_CHANGED', payload: { type: 'QUEUE_CHANGED', ...queue } }]);
    expect(toHost).toEqual({ channel: ADMIN_ORDER_UPDATES, type: 'ORDER_STATUS_CHANGED', payload: { ...toGuest!.payload, user_key: guest.user_key, username: 'Noor', changed_by: { role: 'bartender', name: 'Sam' } } });

    // Call again: the guest hears the count, the host also who placed the order.
    const called = { ...order, calls: 2, called_at: '2026-12-02T09:09:00.000Z' };
    expect(project({ name: 'order.called', data: { order: called } })).toEqual([
      {
        channel: guestOrdersChannel(guest.user_key),
        type: 'ORDER_CALLED',
        payload: { type: 'ORDER_CALLED', order_id: order.id, drink_name: drink.name, calls: 2, called_at: called.called_at },
      },
      {
        channel: ADMIN_ORDER_UPDATES,
        type: 'ORDER_CALLED',
        payload: { type: 'ORDER_CALLED', order_id: order.id, drink_name: drink.name, calls: 2, called_at: called.called_at, user_key: guest.user_key, username: 'Noor' },
      },
    ]);
    // The bar's state goes to everyone on /bar.
    const bar = { status: 'last_call' as const, message: 'Last orders', closes_at: null };
    expect(project({ name: 'bar.status_changed', data: { bar, previous_status: 'open', updated_at: '2026-12-02T09:10:00.000Z' } })).toEqual([
      {
        channel: BAR_CHANNEL,
        type: 'BAR_STATUS_CHANGED',
        payload: { type: 'BAR_STATUS_CHANGED', ...bar, previous_status: 'open', updated_at: '2026-12-02T09:10:00.000Z' },
      },
    ]);
  });

  it('a menu change is one domain event, heard on the menu channel; revocations reach no channel', async () => {
    const menu = await listen(MENU_CHANNEL, guest.access_token);
    const res = await api(server, 'POST', '/api/admin/sections', { token: admin, body: { name: `Late ${randomUUID().slice(0, 6)}` } });
    expect(res.status).toBe(201);
    const heard = await menu.next();
    const change = emitted.find((e) => e.name === 'menu.changed');
    expect(change).toBeDefined();
    expect(heard).toEqual(project(change!)[0]!.payload);
    expect(project({ name: 'guest.revoked', data: { user_key: guest.user_key } })).toEqual([]);
    expect(project({ name: 'tokens.revoked', data: { subject: 'admin:x' } })).toEqual([]);
  }, 20_000);
});
