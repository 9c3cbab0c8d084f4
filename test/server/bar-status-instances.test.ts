import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuestDirect } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * The bar closed on instance A refuses orders on instance B at once (B remembers the state for
 * a few seconds, so this proves the BAR_STATUS_CHANGED event crossed over). Needs DATABASE_URL.
 */
describe.skipIf(withoutPostgres('bar-status-instances: closing on two instances'))('closing the bar on another instance (needs DATABASE_URL)', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer({ MAX_ACTIVE_ORDERS: '100' });
    b = await startTestServer({ MAX_ACTIVE_ORDERS: '100' }, { testDb: a.testDb });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('closed on A: B refuses new orders within a second and answers GET /api/bar closed; reopened on A: B takes orders again', async () => {
    const admin = await adminToken(a);
    const guest = await createGuestDirect(b, 'Bea');
    const drinkId = (await api(b, 'GET', '/api/drinks')).body.drinks[0].id;
    const order = () => api(b, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
    expect((await order()).status).toBe(201);
    expect((await api(a, 'PUT', '/api/admin/bar', { token: admin, body: { status: 'closed' } })).status).toBe(200);
    await expect.poll(async () => (await order()).status, { timeout: 1_000, interval: 50 }).toBe(409);
    expect((await api(b, 'GET', '/api/bar')).body.bar.status).toBe('closed');
    expect((await api(a, 'PUT', '/api/admin/bar', { token: admin, body: { status: 'open' } })).status).toBe(200);
    await expect.poll(async () => (await order()).status, { timeout: 1_000, interval: 50 }).toBe(201);
  });
});
