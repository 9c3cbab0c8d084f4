import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import { configureFromServer, installWebSocket, subscribe } from '../support/amplify.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';
import { join, newPass } from './staff-support.ts';

/**
 * A helper revoked on instance A is refused on instance B within a second, sockets included
 * (two instances need one PostgreSQL database: DATABASE_URL). B has just accepted the token,
 * so the refusal proves the bus's signal, not B's memory running out.
 */
describe.skipIf(withoutPostgres('staff-instances: revocation on two instances'))('a helper revoked on another instance (needs DATABASE_URL)', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({}, { testDb: a.testDb });
    installWebSocket({ plainHttp: true });
    await configureFromServer(b.url);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('revoked on A: refused on B within a second, their socket on B ends, their refresh fails on B', async () => {
    const admin = await adminToken(a);
    const helper = await join(b, (await newPass(a, admin)).secret, 'Remy');
    const status = async () => (await api(b, 'GET', '/api/admin/orders', { token: helper.access_token })).status;
    expect(await status()).toBe(200);
    const live = await subscribe(ADMIN_ORDER_UPDATES, helper.access_token);
    try {
      await live.ready;
      expect((await api(a, 'POST', `/api/admin/staff/${helper.staff.staff_key}/revoke`, { token: admin })).status).toBe(200);
      await expect.poll(status, { timeout: 1_000, interval: 50 }).toBe(401);
      await expect.poll(() => live.errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    } finally {
      await live.close().catch(() => undefined);
    }
    expect((await api(b, 'POST', '/api/auth/refresh', { body: { refresh_token: helper.refresh_token } })).status).toBe(401);
  });
});
