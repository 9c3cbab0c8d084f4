import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import { adminOrderResponse } from '../../shared/schemas/orders.ts';
import { onChannelEvents, type ChannelEvent } from '../../server/events/projection.ts';
import { computeNumbers } from '../../client/admin/numbers.ts';
import { closeAll, configureFromServer, installWebSocket, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { startPushService, type PushService } from '../support/push-service.ts';
import { adminToken, api, startTestServer, TEST_ADMIN, type TestServer } from '../support/server.ts';
import { join, newPass } from './staff-support.ts';

/**
 * Walk-ups (issue 17 item 5): the host or a bartender takes an order for someone without a
 * phone. The same queue, board, events and numbers as a guest's order, no guest account, and
 * never a word on a guest's channel or phone.
 */
let server: TestServer;
let admin: string;
let bartender: string;
let inbox: PushService;
let negroniId: string;
let mojitoId: string;
let plainId: string;
const published: ChannelEvent[] = [];
const open: LiveChannel[] = [];

beforeAll(async () => {
  inbox = await startPushService();
  // A guest may hold one open order; walk-ups are not a guest's and have no such limit.
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1', PUSH_ENDPOINT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: inbox.caFile });
  admin = await adminToken(server);
  bartender = (await join(server, (await newPass(server, admin)).secret, 'Robin')).access_token;
  const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks as { id: string; name: string }[];
  negroniId = drinks.find((drink) => drink.name === 'Negroni')!.id;
  mojitoId = drinks.find((drink) => drink.name === 'Mojito')!.id;
  plainId = drinks.find((drink) => drink.name === 'Margarita')!.id;
  const groups = [
    { name: 'Ice', default: 'Normal', choices: [{ name: 'None' }, { name: 'Normal' }] },
    { name: 'Size', required: true, choices: [{ name: 'Single' }, { name: 'Double' }] },
  ];
  expect((await api(server, 'PUT', `/api/admin/drinks/${negroniId}`, { token: admin, body: { options: groups } })).status).toBe(200);
  onChannelEvents(server.ctx.events, (event) => published.push(event));
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
});
afterAll(async () => {
  for (const live of open) await live.close().catch(() => undefined);
  await closeAll().catch(() => undefined);
  await server?.stop();
  await inbox?.close();
});

const walkup = (body: Record<string, unknown>, token = admin) => api(server, 'POST', '/api/admin/orders', { token, body });
const patch = (id: string, status: string, token = admin) => api(server, 'PATCH', `/api/admin/orders/${id}`, { token, body: { status } });

async function guestCount(): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_users');
  return rows[0]!.n;
}
async function rowsWithId(id: string): Promise<{ orders: number; events: { type: string; user_key: string | null }[] }> {
  const orders = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE id = $1', [id]);
  const events = await server.db.query<{ type: string; user_key: string | null }>('SELECT type, user_key FROM order_events WHERE order_id = $1 ORDER BY id', [id]);
  return { orders: orders.rows[0]!.n, events: events.rows };
}
async function live<E>(channel: string, token = admin): Promise<LiveChannel<E>> {
  const channelLive = await subscribe<E>(channel, token);
  open.push(channelLive as LiveChannel);
  await channelLive.ready;
  return channelLive;
}

describe('POST /api/admin/orders: taking a walk-up', () => {
  it('the host takes one: 201, the host view with no guest and the name, on the board list and live as NEW_ORDER; no guest account', async () => {
    const board = await live<Record<string, unknown>>(ADMIN_NEW_ORDERS);
    const guestsBefore = await guestCount();
    const id = randomUUID();
    const res = await walkup({ id, drink_id: negroniId, name: '  Jo  ', notes: 'by the door', options: { size: 'double' } });
    expect(res.status).toBe(201);
    const order = adminOrderResponse.parse(res.body).order;
    const options = [
      { group_id: 'ice', group: 'Ice', choice_id: 'normal', choice: 'Normal' },
      { group_id: 'size', group: 'Size', choice_id: 'double', choice: 'Double' },
    ];
    expect(order).toMatchObject({ id, drink_id: negroniId, drink_name: 'Negroni', user_key: null, username: 'Jo', notes: 'by the door', status: 'pending', options, calls: 0, changed_by: null });
    expect(await guestCount()).toBe(guestsBefore);

    const queue = (await api(server, 'GET', '/api/admin/orders?status=pending', { token: admin })).body.orders as { id: string }[];
    expect(queue.find((candidate) => candidate.id === id)).toEqual(order);
    const heard = await board.next((event) => event.order_id === id);
    expect(heard).toEqual({
      type: 'NEW_ORDER',
      order_id: id,
      user_key: null,
      username: 'Jo',
      drink_id: negroniId,
      drink_name: 'Negroni',
      notes: 'by the door',
      status: 'pending',
      created_at: order.created_at,
      version: order.version,
      options,
    });
    // Its NEW_ORDER is in the event log like a guest's, with no guest.
    expect(await rowsWithId(id)).toEqual({ orders: 1, events: [{ type: 'NEW_ORDER', user_key: null }] });
  });

  it('a bartender (staff pass) takes one too; a guest token is 403, no token or a bad one 401', async () => {
    const byBartender = await walkup({ drink_id: plainId, name: 'Table 4' }, bartender);
    expect(byBartender.status).toBe(201);
    expect(byBartender.body.order).toMatchObject({ user_key: null, username: 'Table 4', drink_id: plainId });
    const guest = await createGuestDirect(server, 'Gus');
    const asGuest = await walkup({ drink_id: plainId, name: 'Sneaky' }, guest.access_token);
    expect([asGuest.status, asGuest.body.error.code]).toEqual([403, 'forbidden']);
    const anonymous = await api(server, 'POST', '/api/admin/orders', { body: { drink_id: plainId, name: 'Nobody' } });
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'unauthorized']);
    const forged = await walkup({ drink_id: plainId, name: 'Nobody' }, 'not.a.token');
    expect([forged.status, forged.body.error.code]).toEqual([401, 'unauthorized']);
  });

  it('a guest’s limit of open orders is not a walk-up’s: the bar takes as many as it likes', async () => {
    for (let i = 0; i < 3; i++) expect((await walkup({ drink_id: plainId, name: `Friend ${i}` })).status).toBe(201);
  });

  it('refuses bad input with a clear 4xx: the drink, the name, the notes, the options, the shape', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ drink_id: randomUUID(), name: 'Jo' }, 404, 'drink_not_found'],
      [{ drink_id: 'negroni', name: 'Jo' }, 400, 'validation_failed'],
      [{ name: 'Jo' }, 400, 'validation_failed'],
      [{ drink_id: plainId }, 400, 'validation_failed'],
      [{ drink_id: plainId, name: 7 }, 400, 'validation_failed'],
      [{ drink_id: plainId, name: '' }, 400, 'invalid_name'],
      [{ drink_id: plainId, name: '   ' }, 400, 'invalid_name'],
      [{ drink_id: plainId, name: 'x'.repeat(51) }, 400, 'invalid_name'],
      [{ drink_id: plainId, name: 'J\u0007o' }, 400, 'invalid_name'],
      [{ drink_id: plainId, name: 'J\u0000o' }, 400, 'invalid_name'],
      [{ drink_id: plainId, name: 'J\uD800o' }, 400, 'invalid_name'],
      [{ drink_id: plainId, name: 'x'.repeat(1001) }, 400, 'validation_failed'],
      [{ drink_id: plainId, name: 'Jo', notes: 'n'.repeat(201) }, 400, 'validation_failed'],
      [{ drink_id: plainId, name: 'Jo', notes: 'a\u0000b' }, 400, 'validation_failed'],
      [{ drink_id: plainId, name: 'Jo', guest: 'x' }, 400, 'validation_failed'],
      [{ id: 'one', drink_id: plainId, name: 'Jo' }, 400, 'validation_failed'],
      [{ drink_id: negroniId, name: 'Jo' }, 400, 'invalid_options'],
      [{ drink_id: negroniId, name: 'Jo', options: { size: 'triple' } }, 400, 'invalid_options'],
      [{ drink_id: negroniId, name: 'Jo', options: { size: 'single', garnish: 'olive' } }, 400, 'invalid_options'],
      [{ drink_id: plainId, name: 'Jo', options: { ice: 'none' } }, 400, 'invalid_options'],
      [{ drink_id: plainId, name: 'Jo', options: 'double' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await walkup(body);
      expect([res.status, res.body.error?.code], JSON.stringify(body).slice(0, 80)).toEqual([status, code]);
    }
    const nonObject = await api(server, 'POST', '/api/admin/orders', { token: admin, raw: '[1]', headers: { 'content-type': 'application/json' } });
    expect([nonObject.status, nonObject.body.error.code]).toEqual([400, 'validation_failed']);
    // The edges that are allowed: one character, fifty, a 200-character note.
    expect((await walkup({ drink_id: plainId, name: 'J', notes: 'n'.repeat(200) })).status).toBe(201);
    expect((await walkup({ drink_id: plainId, name: 'é'.repeat(50) })).body.order.username).toBe('é'.repeat(50));
  });
});

describe('a walk-up at the bar', () => {
  it('goes through every status, a recall and call again on the host channels; no guest channel or phone hears of it', async () => {
    const guest: TestGuest = await createGuestDirect(server, 'Noor');
    const phone = await inbox.subscribe(server, guest.access_token);
    const guestLive = await live<Record<string, unknown>>(`/orders/${guest.user_key}`, guest.access_token);
    const everyGuest = await live<Record<string, unknown>>('/orders/*');
    const updates = await live<Record<string, unknown>>(ADMIN_ORDER_UPDATES, bartender);
    const id = (await walkup({ drink_id: plainId, name: 'Kim' }, bartender)).body.order.id as string;

    expect((await patch(id, 'preparing', bartender)).body.order).toMatchObject({ status: 'preparing', changed_by: { role: 'bartender', name: 'Robin' } });
    const ready = (await patch(id, 'ready')).body.order;
    expect(ready).toMatchObject({ status: 'ready', ready_at: expect.any(String), user_key: null, username: 'Kim' });
    expect(await updates.next((event) => event.order_id === id && event.status === 'ready')).toMatchObject({
      type: 'ORDER_STATUS_CHANGED',
      previous_status: 'preparing',
      user_key: null,
      username: 'Kim',
      changed_by: { role: 'admin', name: TEST_ADMIN.email },
    });
    // Recall (one step back) and forward again.
    expect((await patch(id, 'preparing')).body.order.status).toBe('preparing');
    expect((await patch(id, 'ready')).body.order.status).toBe('ready');
    // Call again: nobody's phone to ring, and it still works (the bar calls the name out).
    const called = await api(server, 'POST', `/api/admin/orders/${id}/call`, { token: bartender });
    expect(called.status).toBe(200);
    expect(called.body.order).toMatchObject({ calls: 1, called_at: expect.any(String), user_key: null });
    expect(await updates.next((event) => event.order_id === id && event.type === 'ORDER_CALLED')).toMatchObject({ calls: 1, user_key: null, username: 'Kim' });
    expect((await patch(id, 'served', bartender)).body.order).toMatchObject({ status: 'served', completed_at: expect.any(String) });
    await updates.next((event) => event.order_id === id && event.status === 'served');
    await server.ctx.push!.idle();

    // Nothing on any guest's channel (the projection's own output, and what subscribers got), no push.
    const aboutIt = published.filter((event) => (event.payload as { order_id?: string }).order_id === id);
    const changed = '/admin/order-updates ORDER_STATUS_CHANGED';
    expect(aboutIt.map((event) => `${event.channel} ${event.type}`)).toEqual([
      '/admin/new-orders NEW_ORDER',
      ...[changed, changed, changed, changed], // preparing, ready, back to preparing, ready
      '/admin/order-updates ORDER_CALLED',
      changed, // served
    ]);
    expect(guestLive.received.filter((event) => event.order_id === id)).toEqual([]);
    expect(everyGuest.received.filter((event) => event.order_id === id)).toEqual([]);
    expect(inbox.messages(phone)).toEqual([]);
    const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM order_events WHERE order_id = $1 AND user_key IS NOT NULL', [id]);
    expect(rows[0]!.n).toBe(0);
  });

  it('is in no guest’s orders, catch-up or reach: list, since, read and cancel', async () => {
    const guest = await createGuestDirect(server, 'Ada');
    const { cursor } = (await api(server, 'GET', '/api/orders', { token: guest.access_token })).body as { cursor: string };
    const id = (await walkup({ drink_id: plainId, name: 'Ada' })).body.order.id as string;
    await patch(id, 'preparing');
    expect((await api(server, 'GET', '/api/orders', { token: guest.access_token })).body.orders).toEqual([]);
    expect((await api(server, 'GET', `/api/orders?since=${cursor}`, { token: guest.access_token })).body.orders).toEqual([]);
    expect((await api(server, 'GET', `/api/orders/${id}`, { token: guest.access_token })).status).toBe(404);
    expect((await api(server, 'POST', `/api/orders/${id}/cancel`, { token: guest.access_token })).status).toBe(404);
    // The guest's own orders still work beside it.
    expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: plainId } })).status).toBe(201);
    expect((await api(server, 'GET', `/api/orders?since=${cursor}`, { token: guest.access_token })).body.orders).toHaveLength(1);
  });

  it('stands in the line like any order: a guest behind a walk-up moves up when it is made', async () => {
    const walkupId = (await walkup({ drink_id: plainId, name: 'Max' })).body.order.id as string;
    const guest = await createGuestDirect(server, 'Behind');
    const placed = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: plainId } });
    expect(placed.status).toBe(201);
    const place = async () => (await api(server, 'GET', `/api/orders/${placed.body.order.id}`, { token: guest.access_token })).body.order.queue_position as number;
    const before = await place();
    expect(before).toBeGreaterThan(1);
    expect((await patch(walkupId, 'ready')).status).toBe(200);
    await expect.poll(place).toBe(before - 1);
  });

  it('counts in tonight’s numbers like any order (the host’s list the numbers page reads)', async () => {
    const before = computeNumbers((await api(server, 'GET', '/api/admin/orders', { token: admin })).body.orders, Date.now());
    const id = (await walkup({ drink_id: mojitoId, name: 'Lou' })).body.order.id as string;
    await patch(id, 'ready');
    const after = computeNumbers((await api(server, 'GET', '/api/admin/orders', { token: admin })).body.orders, Date.now());
    expect(after.total).toBe(before.total + 1);
    expect(after.readySamples).toBe(before.readySamples + 1);
    expect(after.topDrinks.find((drink) => drink.name === 'Mojito')?.count).toBe((before.topDrinks.find((drink) => drink.name === 'Mojito')?.count ?? 0) + 1);
  });
});

describe('refusals and retries', () => {
  it('while the bar is closed: 409 bar_closed, except the replay of a walk-up taken before', async () => {
    const id = randomUUID();
    const body = { id, drink_id: plainId, name: 'Max' };
    expect((await walkup(body)).status).toBe(201);
    expect((await api(server, 'PUT', '/api/admin/bar', { token: admin, body: { status: 'closed' } })).status).toBe(200);
    try {
      for (const token of [admin, bartender]) {
        const refused = await walkup({ id: randomUUID(), drink_id: plainId, name: 'Late' }, token);
        expect([refused.status, refused.body.error.code]).toEqual([409, 'bar_closed']);
      }
      const replay = await walkup(body);
      expect([replay.status, replay.body.order.id]).toEqual([200, id]);
      expect((await walkup({ ...body, name: 'Other' })).body.error.code).toBe('idempotency_conflict');
    } finally {
      await api(server, 'PUT', '/api/admin/bar', { token: admin, body: { status: 'open' } });
    }
    expect((await walkup({ drink_id: plainId, name: 'Late' })).status).toBe(201);
  });

  it('a drink switched off or short of an ingredient: 409 drink_unavailable (the shelf names it)', async () => {
    expect((await api(server, 'PUT', '/api/admin/ingredients/Mint', { token: admin, body: { in_stock: false } })).status).toBe(200);
    try {
      const short = await walkup({ drink_id: mojitoId, name: 'Sam' });
      expect([short.status, short.body.error.code, short.body.error.details]).toEqual([409, 'drink_unavailable', { reason: 'Mint' }]);
    } finally {
      await api(server, 'PUT', '/api/admin/ingredients/Mint', { token: admin, body: { in_stock: true } });
    }
    expect((await api(server, 'PUT', `/api/admin/drinks/${mojitoId}`, { token: admin, body: { is_active: false } })).status).toBe(200);
    try {
      const off = await walkup({ drink_id: mojitoId, name: 'Sam' });
      expect([off.status, off.body.error.code]).toEqual([409, 'drink_unavailable']);
    } finally {
      await api(server, 'PUT', `/api/admin/drinks/${mojitoId}`, { token: admin, body: { is_active: true } });
    }
    expect((await walkup({ drink_id: mojitoId, name: 'Sam' })).status).toBe(201);
  });

  it('the same id again is the same order (200, one row, one NEW_ORDER); other content under it is 409 idempotency_conflict', async () => {
    const id = randomUUID();
    const body = { id, drink_id: negroniId, name: 'Pat', notes: 'no ice', options: { size: 'single' } };
    const first = await walkup(body);
    expect(first.status).toBe(201);
    const again = await walkup(body, bartender);
    expect([again.status, again.body.order]).toEqual([200, first.body.order]);
    // The defaults filled in are the same order: leaving them out or naming them is one body.
    expect((await walkup({ ...body, options: { size: 'single', ice: 'normal' } })).status).toBe(200);
    for (const other of [
      { ...body, name: 'Pam' },
      { ...body, notes: null },
      { ...body, options: { size: 'double' } },
      { ...body, drink_id: plainId, options: undefined },
    ]) {
      const res = await walkup(other);
      expect([res.status, res.body.error?.code], JSON.stringify(other)).toEqual([409, 'idempotency_conflict']);
    }
    expect(await rowsWithId(id)).toEqual({ orders: 1, events: [{ type: 'NEW_ORDER', user_key: null }] });
    expect(published.filter((event) => event.type === 'NEW_ORDER' && event.payload.order_id === id)).toHaveLength(1);
  });

  it('a double tap: the same walk-up sent five times at once makes one order, answered 201 once and 200 four times', async () => {
    const id = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => walkup({ id, drink_id: plainId, name: 'Quick' })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((answer) => answer.body.order.version)).size).toBe(1);
    expect(await rowsWithId(id)).toEqual({ orders: 1, events: [{ type: 'NEW_ORDER', user_key: null }] });
  });

  it('ids are one space: a guest’s order id is not a walk-up’s, nor the other way round', async () => {
    const guest = await createGuestDirect(server, 'Ivy');
    const guestOrder = (await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: plainId } })).body.order;
    const taken = await walkup({ id: guestOrder.id, drink_id: plainId, name: 'Ivy' });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'idempotency_conflict']);
    await patch(guestOrder.id, 'served');
    const walkupId = (await walkup({ drink_id: plainId, name: 'Ivy' })).body.order.id as string;
    const reused = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: walkupId, drink_id: plainId } });
    expect([reused.status, reused.body.error.code]).toEqual([409, 'idempotency_conflict']);
    expect((await api(server, 'GET', `/api/admin/orders`, { token: admin })).body.orders.find((o: { id: string }) => o.id === walkupId).username).toBe('Ivy');
  });
});
