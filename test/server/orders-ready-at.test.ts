import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createGuestDirect } from '../support/guests.ts';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

describe('ready_at on the host’s orders', () => {
  it('is null until the order is ready, then keeps that moment after it is served; guests never see it', async () => {
    const guest = await createGuestDirect(server, 'Timer');
    const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
    const created = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drink.id } });
    const id = created.body.order.id;
    const find = async () =>
      (await api(server, 'GET', '/api/admin/orders', { token: admin })).body.orders.find((o: { id: string }) => o.id === id);

    expect((await find()).ready_at).toBeNull();
    await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status: 'preparing' } });
    expect((await find()).ready_at).toBeNull();
    const ready = await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status: 'ready' } });
    expect(ready.body.order.ready_at).toBe(ready.body.order.updated_at);
    const served = await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status: 'served' } });
    const after = await find();
    expect(after.ready_at).toBe(ready.body.order.updated_at);
    expect(after.completed_at).toBe(served.body.order.updated_at);
    expect(Date.parse(after.ready_at)).toBeGreaterThanOrEqual(Date.parse(after.created_at));

    const mine = await api(server, 'GET', `/api/orders/${id}`, { token: guest.access_token });
    expect(mine.body.order).not.toHaveProperty('ready_at');
    expect(mine.body.order.status).toBe('served');
  });
});
