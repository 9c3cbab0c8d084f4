import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import { configureFromServer, installWebSocket, subscribe } from '../support/amplify.ts';
import { TEST_ADMIN, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * The host's sign-outs across two instances on one PostgreSQL database (the embedded
 * database is one process, so this needs DATABASE_URL). Instance B has just checked the
 * token (and may remember the answer for 5 s), so a refusal within a second proves the
 * bus's tokens_revoked signal, not the memory running out.
 */

describe.skipIf(withoutPostgres('host-sessions-instances: sign-outs on two instances'))('host sign-outs on two instances (needs DATABASE_URL)', () => {
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

  const tokenFrom = async (server: TestServer, password = TEST_ADMIN.password) => {
    const res = await api(server, 'POST', '/api/admin/login', { body: { email: TEST_ADMIN.email, password } });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const status = async (server: TestServer, token: string) => (await api(server, 'GET', '/api/admin/sections', { token })).status;
  const refusedWithinASecond = (server: TestServer, token: string) => expect.poll(() => status(server, token), { timeout: 1_000, interval: 50 }).toBe(401);

  it('a token signed out on A is refused on B within a second; the host\'s other token still works on B', async () => {
    const leaving = await tokenFrom(a);
    const staying = await tokenFrom(b);
    expect(await status(b, leaving)).toBe(200);
    expect((await api(a, 'POST', '/api/admin/logout', { token: leaving })).status).toBe(204);
    await refusedWithinASecond(b, leaving);
    expect(await status(b, staying)).toBe(200);
  });

  it('sign out everywhere on A refuses on B, within a second, every host token issued before it, and ends their live subscriptions there', async () => {
    const onA = await tokenFrom(a);
    const onB = await tokenFrom(b);
    expect(await status(b, onA)).toBe(200);
    expect(await status(b, onB)).toBe(200);
    const live = await subscribe(ADMIN_ORDER_UPDATES, onB);
    try {
      await live.ready;
      expect((await api(a, 'POST', '/api/admin/logout-all', { token: onA })).status).toBe(204);
      await refusedWithinASecond(b, onB);
      await refusedWithinASecond(b, onA);
      await expect.poll(() => live.errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(JSON.stringify(live.errors)).toMatch(/UnauthorizedException|revoked/);
    } finally {
      await live.close().catch(() => undefined);
    }
    expect(await status(b, await tokenFrom(a))).toBe(200);
  });

  it('a password changed on A refuses the host\'s other tokens on B within a second, while the token that changed it works on both', async () => {
    const asking = await tokenFrom(a);
    const other = await tokenFrom(b);
    expect(await status(b, other)).toBe(200);
    expect(await status(b, asking)).toBe(200);
    const res = await api(a, 'PUT', '/api/admin/password', {
      token: asking,
      body: { current_password: TEST_ADMIN.password, new_password: 'changed on instance A' },
    });
    expect(res.status).toBe(204);
    await refusedWithinASecond(b, other);
    expect(await status(b, asking)).toBe(200);
    expect(await status(a, asking)).toBe(200);
    expect((await api(b, 'POST', '/api/admin/login', { body: TEST_ADMIN })).status).toBe(401);
    await tokenFrom(b, 'changed on instance A');
    // Put it back for whoever runs next.
    await api(a, 'PUT', '/api/admin/password', { token: asking, body: { current_password: 'changed on instance A', new_password: TEST_ADMIN.password } });
  });
});
