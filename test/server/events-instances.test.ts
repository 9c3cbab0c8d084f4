import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import { configureFromServer, installWebSocket, post, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * Two barback instances on one PostgreSQL database: a subscriber on either hears what
 * happens on both (LISTEN/NOTIFY). The embedded database cannot carry NOTIFY between
 * processes, so this needs DATABASE_URL.
 */
describe.skipIf(withoutPostgres('events-instances: two instances on one database'))('two instances on one PostgreSQL database (needs DATABASE_URL)', () => {
  let a: TestServer;
  let b: TestServer;
  let adminA: string;
  let adminB: string;
  let guest: TestGuest;
  const open: LiveChannel[] = [];

  beforeAll(async () => {
    a = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
    b = await startTestServer({}, { testDb: a.testDb });
    adminA = await adminToken(a);
    adminB = await adminToken(b);
    guest = await createGuestDirect(a, 'Dee');
    installWebSocket({ plainHttp: true });
    await configureFromServer(b.url);
  });
  afterAll(async () => {
    for (const live of open) await live.close().catch(() => undefined);
    await b?.stop();
    await a?.stop();
  });

  async function listen(channel: string, token: string) {
    const live = await subscribe<Record<string, unknown>>(channel, token);
    open.push(live as LiveChannel);
    await live.ready;
    return live;
  }

  it('a status change on instance A reaches the guest and the host listening on instance B', async () => {
    const guestLive = await listen(`/orders/${guest.user_key}`, guest.access_token);
    const hostLive = await listen(ADMIN_ORDER_UPDATES, adminB);
    const drinkId = (await api(a, 'GET', '/api/drinks')).body.drinks[0].id;
    const placed = await api(a, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
    const changed = await api(a, 'PATCH', `/api/admin/orders/${placed.body.order.id}`, { token: adminA, body: { status: 'ready' } });
    expect(changed.status).toBe(200);
    expect(await guestLive.next((e) => e.order_id === placed.body.order.id)).toMatchObject({ status: 'ready', version: changed.body.order.version });
    expect(await hostLive.next((e) => e.order_id === placed.body.order.id)).toMatchObject({ user_key: guest.user_key, status: 'ready' });
  });

  it('events the host publishes on A, even ones far over the 8,000-byte NOTIFY limit, reach B', async () => {
    const live = await listen(`/orders/${guest.user_key}`, guest.access_token);
    const big = { note: 'z'.repeat(200_000), emoji: '🍹'.repeat(1000) };
    await post(`/orders/${guest.user_key}`, [{ small: 1 }, big, { small: 2 }], adminA);
    await live.next((e) => e.small === 2);
    expect(live.received.filter((e) => 'small' in e || 'note' in e)).toEqual([{ small: 1 }, big, { small: 2 }]);
  });

  it('a guest revoked on A is cut off on B', async () => {
    const eve = await createGuestDirect(a, 'Eve');
    const live = await listen(`/orders/${eve.user_key}`, eve.access_token);
    const res = await api(a, 'POST', `/api/admin/guests/${eve.user_key}/revoke`, { token: adminA });
    expect(res.status).toBeLessThan(300);
    await expect.poll(() => live.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(JSON.stringify(live.errors)).toMatch(/UnauthorizedException/);
  });
});
