import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_NEW_ORDERS } from '../../shared/channels.ts';
import { issueSetupToken } from '../../server/admin/host-account.service.ts';
import { configureFromServer, installWebSocket, subscribe } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import { TEST_ADMIN, api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The host's own account: sign out, sign out everywhere, a new password, and the reset link
 * `npm run host -- reset-password` prints (the command itself: host-cli.test.ts). Runs on
 * PGlite and PostgreSQL; across instances: host-sessions-instances.test.ts.
 */

let server: TestServer;
let password = TEST_ADMIN.password;

const login = async (pw = password) => api(server, 'POST', '/api/admin/login', { body: { email: TEST_ADMIN.email, password: pw } });
const freshToken = async () => {
  const res = await login();
  expect(res.status).toBe(200);
  return res.body.access_token as string;
};
/** Any host-only call: 200 while the token is good. */
const probe = async (token: string) => (await api(server, 'GET', '/api/admin/sections', { token })).status;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('sign out', () => {
  it('POST /api/admin/logout answers 204 and that token is refused from then on; other host tokens keep working', async () => {
    const leaving = await freshToken();
    const staying = await freshToken();
    expect(await probe(leaving)).toBe(200);
    const res = await api(server, 'POST', '/api/admin/logout', { token: leaving });
    expect(res.status).toBe(204);
    const after = await api(server, 'GET', '/api/admin/sections', { token: leaving });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    expect((await api(server, 'POST', '/api/admin/logout', { token: leaving })).status).toBe(401);
    expect(await probe(staying)).toBe(200);
  });

  it('needs a host token: none is 401, a guest token 403', async () => {
    expect((await api(server, 'POST', '/api/admin/logout')).status).toBe(401);
    const guest = await createGuestDirect(server, 'Nosy');
    const res = await api(server, 'POST', '/api/admin/logout-all', { token: guest.access_token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await api(server, 'PUT', '/api/admin/password', { token: guest.access_token, body: { current_password: 'x', new_password: 'y'.repeat(12) } })).status).toBe(403);
  });

  it("ends the signed-out token's live subscriptions", async () => {
    const token = await freshToken();
    installWebSocket({ plainHttp: true });
    await configureFromServer(server.url);
    const live = await subscribe(ADMIN_NEW_ORDERS, token);
    try {
      await live.ready;
      expect((await api(server, 'POST', '/api/admin/logout', { token })).status).toBe(204);
      await expect.poll(() => live.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(JSON.stringify(live.errors)).toMatch(/UnauthorizedException|revoked/);
    } finally {
      await live.close().catch(() => undefined);
    }
  });
});

describe('sign out everywhere', () => {
  it('refuses every host token issued before it, the asking one included, while a sign-in right after works at once', async () => {
    const tokens = [await freshToken(), await freshToken(), await freshToken()];
    for (const token of tokens) expect(await probe(token)).toBe(200);
    expect((await api(server, 'POST', '/api/admin/logout-all', { token: tokens[1] })).status).toBe(204);
    for (const token of tokens) expect(await probe(token)).toBe(401);
    // The same second as the sign-out: an epoch, not a clock, decides.
    const next = await freshToken();
    expect(await probe(next)).toBe(200);
  });

  it('a token from before this version (no session_epoch claim) works until the host signs out everywhere', async () => {
    const key = server.ctx.keys.signingKey();
    const hostId = decodeJwt(await freshToken()).sub!;
    const now = Math.floor(Date.now() / 1000);
    const legacy = await new SignJWT({ token_type: 'access', role: 'admin', email: TEST_ADMIN.email })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer('barback')
      .setAudience('barback')
      .setSubject(hostId)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti(crypto.randomUUID())
      .sign(key.privateKey);
    const { rows } = await server.db.query<{ epoch: number }>('SELECT epoch FROM token_epochs WHERE subject = $1', [`admin:${hostId}`]);
    // Earlier tests raised the epoch already: start this one from a host whose epoch is 0.
    if ((rows[0]?.epoch ?? 0) !== 0) await server.db.query('DELETE FROM token_epochs WHERE subject = $1', [`admin:${hostId}`]);
    server.ctx.revocations.forget(`admin:${hostId}`);
    expect(await probe(legacy)).toBe(200);
    const current = await freshToken();
    expect((await api(server, 'POST', '/api/admin/logout-all', { token: current })).status).toBe(204);
    expect(await probe(legacy)).toBe(401);
  });

  it('holds for an instance that starts after it (the record is in the database)', async () => {
    const before = await freshToken();
    expect((await api(server, 'POST', '/api/admin/logout-all', { token: before })).status).toBe(204);
    const late = await startTestServer({}, { testDb: server.testDb, db: server.db });
    try {
      expect((await api(late, 'GET', '/api/admin/sections', { token: before })).status).toBe(401);
      const after = (await api(late, 'POST', '/api/admin/login', { body: { email: TEST_ADMIN.email, password } })).body.access_token;
      expect((await api(late, 'GET', '/api/admin/sections', { token: after })).status).toBe(200);
      expect(await probe(after)).toBe(200);
    } finally {
      await late.stop();
    }
  });
});

describe('change password', () => {
  it('answers 204, keeps the asking token, refuses every other host token and the old password', async () => {
    const asking = await freshToken();
    const other = await freshToken();
    const next = 'a brand new passphrase';
    const res = await api(server, 'PUT', '/api/admin/password', { token: asking, body: { current_password: password, new_password: next } });
    expect(res.status).toBe(204);
    expect(await probe(asking)).toBe(200);
    expect(await probe(other)).toBe(401);
    expect((await login(password)).status).toBe(401);
    const old = password;
    password = next;
    expect((await login()).status).toBe(200);
    // Changing it back with the kept token works too, and the stored hash moved with it.
    expect((await api(server, 'PUT', '/api/admin/password', { token: asking, body: { current_password: next, new_password: old } })).status).toBe(204);
    password = old;
    const { rows } = await server.db.query<{ password_hash: string }>('SELECT password_hash FROM host_accounts');
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
    expect(rows[0]!.password_hash).not.toContain(old);
  });

  it('a wrong current password is 401 invalid_credentials and changes nothing', async () => {
    const token = await freshToken();
    const res = await api(server, 'PUT', '/api/admin/password', { token, body: { current_password: 'not the password', new_password: 'whatever else entirely' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    expect(await probe(token)).toBe(200);
    expect((await login()).status).toBe(200);
  });

  it('a new password under 10 characters, missing fields or extra ones are 400 validation_failed', async () => {
    const token = await freshToken();
    for (const body of [
      { current_password: password, new_password: 'short' },
      { current_password: password },
      { new_password: 'long enough password' },
      { current_password: password, new_password: 'long enough password', email: 'x@y.z' },
      { current_password: 1, new_password: 'long enough password' },
    ]) {
      const res = await api(server, 'PUT', '/api/admin/password', { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await login()).status).toBe(200);
  });

  it('a burst of wrong current passwords is counted before each is checked: at most 10 a minute are tried', async () => {
    const token = await freshToken();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api(server, 'PUT', '/api/admin/password', { token, body: { current_password: `guess number ${i}`, new_password: 'long enough password' } }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    // Checked one after another, so the 11th failure of the minute is never tried (the test
    // above already spent one): without that, all 25 would be checked and answer 401.
    const tried = statuses.filter((s) => s === 401).length;
    expect(tried).toBeGreaterThan(0);
    expect(tried).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25 - tried);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await login()).status).toBe(200);
  });
});

describe('the reset link (npm run host -- reset-password)', () => {
  it('with an account, the link sets a new password: every host token before it is refused and the host is signed in', async () => {
    const before = await freshToken();
    const { token, resetFor } = await issueSetupToken(server.db);
    expect(resetFor?.email).toBe(TEST_ADMIN.email);
    expect((await api(server, 'GET', `/api/admin/password-reset?token=${token}`)).body).toEqual({ valid: true });

    const reset = await api(server, 'POST', '/api/admin/password-reset', { body: { token, new_password: 'reset by the laptop' } });
    expect(reset.status).toBe(200);
    expect(reset.body.expires_in).toBeGreaterThan(0);
    expect(await probe(reset.body.access_token)).toBe(200);
    expect(await probe(before)).toBe(401);
    expect((await login()).status).toBe(401);
    password = 'reset by the laptop';
    expect((await login()).status).toBe(200);

    // Used up.
    expect((await api(server, 'GET', `/api/admin/password-reset?token=${token}`)).body).toEqual({ valid: false });
    const again = await api(server, 'POST', '/api/admin/password-reset', { body: { token, new_password: 'another new password' } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_setup_token');
  });

  it('a wrong, expired or replaced link is refused, and a reset link cannot create a second account', async () => {
    const { token } = await issueSetupToken(server.db);
    expect((await api(server, 'GET', '/api/admin/password-reset?token=nope')).body).toEqual({ valid: false });
    expect((await api(server, 'GET', '/api/admin/password-reset')).body).toEqual({ valid: false });
    const wrong = await api(server, 'POST', '/api/admin/password-reset', { body: { token: `${token}x`, new_password: 'long enough password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_setup_token');
    const setup = await api(server, 'POST', '/api/admin/setup', { body: { token, email: 'intruder@x.test', password: 'long enough password' } });
    expect(setup.status).toBe(401);
    expect((await server.db.query('SELECT 1 FROM host_accounts')).rowCount).toBe(1);
    const short = await api(server, 'POST', '/api/admin/password-reset', { body: { token, new_password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation_failed');

    // A newer link replaces it.
    const { token: newer } = await issueSetupToken(server.db);
    expect((await api(server, 'GET', `/api/admin/password-reset?token=${token}`)).body).toEqual({ valid: false });
    // An hour later it is stale.
    await server.db.query(
      `UPDATE server_secrets SET value = jsonb_set(value, '{expires_at}', to_jsonb((now() - interval '1 second')::text)) WHERE name = 'setup_token'`,
    );
    expect((await api(server, 'GET', `/api/admin/password-reset?token=${newer}`)).body).toEqual({ valid: false });
    const stale = await api(server, 'POST', '/api/admin/password-reset', { body: { token: newer, new_password: 'long enough password' } });
    expect(stale.status).toBe(401);
    expect((await login()).status).toBe(200);
  });

  it('guessing links is rate-limited: after 10 failures a minute from one address, 429', async () => {
    const { token } = await issueSetupToken(server.db);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await api(server, 'POST', '/api/admin/password-reset', { body: { token: `guess-${i}`, new_password: 'long enough password' } })).status);
    }
    // The tests above already spent a few of this address's failures.
    const firstLimited = statuses.indexOf(429);
    expect(firstLimited).toBeGreaterThan(0);
    expect(statuses.slice(0, firstLimited).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(firstLimited).every((s) => s === 429)).toBe(true);
    // Even the right link waits out the minute: the limit is per address, not per guess.
    expect((await api(server, 'POST', '/api/admin/password-reset', { body: { token, new_password: 'long enough password' } })).status).toBe(429);
  });
});

describe('the host token', () => {
  it('carries a jti and the session epoch it was issued under', async () => {
    const claims = decodeJwt(await freshToken());
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isInteger(claims.session_epoch)).toBe(true);
    const { rows } = await server.db.query<{ epoch: number }>('SELECT epoch FROM token_epochs WHERE subject = $1', [`admin:${claims.sub}`]);
    expect(claims.session_epoch).toBe(rows[0]?.epoch ?? 0);
  });
});
