import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import { subscribe } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import type { PushService } from '../support/push-service.ts';
import { startLiveBar, type LiveBar } from '../support/live-bar.ts';
import { api, type TestServer } from '../support/server.ts';

let bar: LiveBar;
let server: TestServer;
let admin: string;
let drink: { id: string; name: string };
let inbox: PushService;

beforeAll(async () => {
  bar = await startLiveBar({ MAX_ACTIVE_ORDERS: '1000' });
  ({ server, admin, inbox } = bar);
  drink = bar.drink;
});
afterAll(() => bar?.stop());

async function orderIn(guest: TestGuest, status: OrderStatus) {
  const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drink.id } });
  expect(res.status).toBe(201);
  if (status !== 'pending') expect((await api(server, 'PATCH', `/api/admin/orders/${res.body.order.id}`, { token: admin, body: { status } })).status).toBe(200);
  return res.body.order as { id: string; version: string };
}
const call = (id: string, token = admin) => api(server, 'POST', `/api/admin/orders/${id}/call`, { token });

describe('POST /api/admin/orders/:id/call', () => {
  it('calls a ready order again: the host view counts the calls, the guest hears ORDER_CALLED live and on the phone each time', async () => {
    const guest = await createGuestDirect(server, 'Noor');
    const phone = await inbox.subscribe(server, guest.access_token);
    const live = await subscribe<Record<string, unknown>>(`/orders/${guest.user_key}`, guest.access_token);
    const board = await subscribe<Record<string, unknown>>(ADMIN_ORDER_UPDATES, admin);
    await Promise.all([live.ready, board.ready]);
    const order = await orderIn(guest, 'ready');
    await server.ctx.push!.idle();

    const first = await call(order.id);
    expect(first.status).toBe(200);
    await server.ctx.push!.idle();
    expect(first.body.order).toMatchObject({ id: order.id, status: 'ready', calls: 1, called_at: expect.any(String), ready_at: expect.any(String) });
    const second = await call(order.id);
    expect(second.body.order.calls).toBe(2);
    // A call changes nothing the guest's order list shows: no new version.
    expect(second.body.order.version).toBe(first.body.order.version);

    const heard = await live.next((e) => e.type === 'ORDER_CALLED' && e.calls === 2);
    expect(heard).toEqual({ type: 'ORDER_CALLED', order_id: order.id, drink_name: drink.name, calls: 2, called_at: second.body.order.called_at });
    expect(await board.next((e) => e.type === 'ORDER_CALLED' && e.calls === 2)).toEqual({ ...heard, user_key: guest.user_key, username: 'Noor' });

    await server.ctx.push!.idle();
    const [ready, ...calls] = inbox.messages(phone);
    // The ready drink's push is the declarative one (push-payload.ts); calls are the worker's own.
    expect(ready).toMatchObject({ web_push: 8030, type: 'ORDER_READY', order_id: order.id, drink_name: drink.name });
    expect(calls).toEqual([
      { type: 'ORDER_CALLED', order_id: order.id, drink_name: drink.name, calls: 1 },
      { type: 'ORDER_CALLED', order_id: order.id, drink_name: drink.name, calls: 2 },
    ]);
    const listed = (await api(server, 'GET', '/api/admin/orders?status=ready', { token: admin })).body.orders.find((o: { id: string }) => o.id === order.id);
    expect(listed).toMatchObject({ calls: 2, called_at: second.body.order.called_at });
    const guestView = (await api(server, 'GET', `/api/orders/${order.id}`, { token: guest.access_token })).body.order;
    expect(guestView).not.toHaveProperty('calls');
    await live.close();
    await board.close();
  });

  it('only a ready order can be called: 409 invalid_transition otherwise; unknown ids 404; guests 403', async () => {
    const guest = await createGuestDirect(server);
    for (const status of ['pending', 'preparing', 'served', 'cancelled'] as const) {
      const order = await orderIn(guest, status);
      const res = await call(order.id);
      expect([res.status, res.body.error.code], status).toEqual([409, 'invalid_transition']);
    }
    for (const id of [randomUUID(), 'nope']) expect((await call(id)).body.error.code).toBe('order_not_found');
    const ready = await orderIn(guest, 'ready');
    expect((await call(ready.id, guest.access_token)).status).toBe(403);
    expect((await api(server, 'POST', `/api/admin/orders/${ready.id}/call`)).status).toBe(401);
    const { rows } = await server.db.query('SELECT calls FROM orders WHERE id = $1', [ready.id]);
    expect(rows[0]).toEqual({ calls: 0 });
  });

  it('ten calls at once count ten', async () => {
    const order = await orderIn(await createGuestDirect(server), 'ready');
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(order.id)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.map((a) => a.body.order.calls).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
