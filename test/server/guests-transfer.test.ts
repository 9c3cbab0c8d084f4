import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerResponse } from '../../shared/schemas/guests.ts';
import { transferCodeResponse } from '../../shared/schemas/transfer.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { requestFrom } from '../support/http-from.ts';
import { joinAs, refresh, type Registered } from './guests-support.ts';

/**
 * Transfer codes carry a guest's session into the installed app (whose storage is not the
 * browser's): six digits, ten minutes, one use, the registration answer for the same guest.
 */

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

const newCode = (guest: Registered) => api(server, 'POST', '/api/auth/transfer-code', { token: guest.access_token });
const redeem = (code: unknown, from = '127.0.2.1') =>
  requestFrom(server.url, from, { method: 'POST', path: '/api/auth/transfer', body: { code } });
async function codeOf(guest: Registered): Promise<string> {
  const res = await newCode(guest);
  expect(res.status).toBe(201);
  return res.body.code as string;
}
/** A six-digit code that is not `code`. */
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('transfer codes', () => {
  it('a guest gets a 6-digit code for 10 minutes; the code signs in as the same guest with a new refresh family', async () => {
    const guest = await joinAs(server, 'Ada');
    const created = await newCode(guest);
    expect(created.status).toBe(201);
    expect(transferCodeResponse.parse(created.body)).toEqual({ code: expect.stringMatching(/^\d{6}$/), expires_in: 600 });
    expect(created.headers.get('cache-control')).toBe('no-store');
    const stored = await server.db.query<{ seconds: number; n: number }>(
      `SELECT count(*)::int AS n, max(extract(epoch FROM expires_at - now()))::float8 AS seconds FROM transfer_codes WHERE user_key = $1`,
      [guest.user.user_key],
    );
    expect(stored.rows[0]!.n).toBe(1);
    expect(stored.rows[0]!.seconds).toBeGreaterThan(590);
    expect(stored.rows[0]!.seconds).toBeLessThanOrEqual(600);
    // Only a hash is kept: the digits appear nowhere in the table.
    const raw = await server.db.query<{ row: string }>('SELECT t::text AS row FROM transfer_codes t');
    for (const { row } of raw.rows) expect(row).not.toContain(created.body.code);

    const answer = await redeem(created.body.code);
    expect(answer.status).toBe(200);
    const body = registerResponse.strict().parse(answer.body);
    expect(body.user).toEqual(guest.user);
    expect(body.expires_in).toBe(guest.expires_in);
    expect(body.refresh_token).not.toBe(guest.refresh_token);
    const me = await api(server, 'GET', '/api/me', { token: body.access_token });
    expect(me.body.user).toEqual(guest.user);

    // Two families now: each phone refreshes on its own, and neither rotation touches the other.
    const installed = await refresh(server, body.refresh_token);
    expect(installed.status).toBe(200);
    const browser = await refresh(server, guest.refresh_token);
    expect(browser.status).toBe(200);
    const families = await server.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM refresh_tokens WHERE user_key = $1 AND NOT is_revoked AND rotated_at IS NULL',
      [guest.user.user_key],
    );
    expect(families.rows[0]!.n).toBe(2);
  });

  it('no invite code use and no second guest: the transferred session sees the same orders', async () => {
    const guest = await joinAs(server, 'Bo');
    const drinks = await api(server, 'GET', '/api/drinks');
    const drinkId = drinks.body.drinks[0].id as string;
    const placed = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinkId } });
    expect(placed.status).toBe(201);
    const usersBefore = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_users');
    const usesBefore = await server.db.query<{ n: number }>('SELECT sum(use_count)::int AS n FROM registration_codes');

    const answer = await redeem(await codeOf(guest));
    expect(answer.status).toBe(200);
    const orders = await api(server, 'GET', '/api/orders', { token: answer.body.access_token });
    expect(orders.body.orders.map((order: { id: string }) => order.id)).toEqual([placed.body.order.id]);
    expect((await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_users')).rows[0]!.n).toBe(usersBefore.rows[0]!.n);
    expect((await server.db.query<{ n: number }>('SELECT sum(use_count)::int AS n FROM registration_codes')).rows[0]!.n).toBe(usesBefore.rows[0]!.n);
  });

  it('a code works once: the second use is 401 invalid_transfer_code', async () => {
    const guest = await joinAs(server, 'Cy');
    const code = await codeOf(guest);
    expect((await redeem(code, '127.0.2.2')).status).toBe(200);
    const again = await redeem(code, '127.0.2.2');
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ error: { code: 'invalid_transfer_code', message: expect.any(String) } });
  });

  it('an expired code is refused like a wrong one', async () => {
    const guest = await joinAs(server, 'Di');
    const code = await codeOf(guest);
    await server.db.query(`UPDATE transfer_codes SET expires_at = now() - interval '1 second' WHERE user_key = $1`, [guest.user.user_key]);
    const answer = await redeem(code, '127.0.2.3');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_transfer_code');
  });

  it('a wrong code, a malformed one and a code of letters are the same 401; a body that is not an object is 400', async () => {
    const guest = await joinAs(server, 'Ed');
    const code = await codeOf(guest);
    for (const bad of [otherThan(code), '12345', '1234567', 'abcdef', '']) {
      const answer = await redeem(bad, '127.0.2.4');
      expect(answer.status, bad).toBe(401);
      expect(answer.body.error.code).toBe('invalid_transfer_code');
    }
    const notObject = await requestFrom(server.url, '127.0.2.5', { method: 'POST', path: '/api/auth/transfer', body: [code] });
    expect(notObject.status).toBe(400);
    expect(notObject.body.error.code).toBe('validation_failed');
    const extra = await requestFrom(server.url, '127.0.2.5', { method: 'POST', path: '/api/auth/transfer', body: { code, user_key: guest.user.user_key } });
    expect(extra.status).toBe(400);
    // The real code still works, typed with a space as people do.
    const spaced = await redeem(`${code.slice(0, 3)} ${code.slice(3)}`, '127.0.2.5');
    expect(spaced.status).toBe(200);
    expect(spaced.body.user).toEqual(guest.user);
  });

  it('a new code replaces the guest’s earlier one', async () => {
    const guest = await joinAs(server, 'Flo');
    const first = await codeOf(guest);
    const second = await codeOf(guest);
    if (first !== second) expect((await redeem(first, '127.0.2.6')).status).toBe(401);
    expect((await redeem(second, '127.0.2.6')).status).toBe(200);
  });

  it('making a code needs a guest token: none is 401, a host token is 403', async () => {
    expect((await api(server, 'POST', '/api/auth/transfer-code')).status).toBe(401);
    const asHost = await api(server, 'POST', '/api/auth/transfer-code', { token: admin });
    expect(asHost.status).toBe(403);
    expect(asHost.body.error.code).toBe('forbidden');
  });

  it('a revoked guest can neither make a code nor use one made before the revocation', async () => {
    const guest = await joinAs(server, 'Gus');
    const code = await codeOf(guest);
    expect((await api(server, 'POST', `/api/admin/guests/${guest.user.user_key}/revoke`, { token: admin })).status).toBe(200);
    const answer = await redeem(code, '127.0.2.7');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_transfer_code');
    expect((await newCode(guest)).status).toBe(401);
  });

  it('two redemptions of one code at once: exactly one wins, the others get 401, one new refresh token exists', async () => {
    const guest = await joinAs(server, 'Hal');
    const code = await codeOf(guest);
    const before = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_key = $1', [guest.user.user_key]);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => redeem(code, `127.0.3.${i + 1}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    const after = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_key = $1', [guest.user.user_key]);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
  });

  it('a burst of guesses from one address: 10 are judged, the rest are 429 with Retry-After, and then even the right code is 429', async () => {
    const guest = await joinAs(server, 'Ivy');
    const code = await codeOf(guest);
    const wrong = otherThan(code);
    const answers = await Promise.all(Array.from({ length: 30 }, () => redeem(wrong, '127.0.4.1')));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(10);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(20);
    for (const answer of limited) {
      expect(answer.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Counted before any work: the right code from the same address is not even looked at...
    expect((await redeem(code, '127.0.4.1')).status).toBe(429);
    // ...and is still there for the guest's own phone, on another address.
    expect((await redeem(code, '127.0.4.2')).status).toBe(200);
  });
});

describe('transfer codes: guessing from many addresses', () => {
  let spread: TestServer;
  beforeAll(async () => {
    spread = await startTestServer();
  });
  afterAll(async () => {
    await spread?.stop();
  });

  it('100 wrong codes overall in ten minutes, whatever the addresses, then 429 for everyone', async () => {
    const guest = (await api(spread, 'POST', '/api/auth/transfer-code')).status; // unauthenticated: no code, no count
    expect(guest).toBe(401);
    const answers = [];
    // 12 addresses × 9 wrong codes each: under every per-address limit, over the overall one.
    for (let round = 0; round < 9; round++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            requestFrom(spread.url, `127.0.5.${i + 1}`, { method: 'POST', path: '/api/auth/transfer', body: { code: '000000' } }),
          ),
        )),
      );
    }
    expect(answers.filter((a) => a.status === 401)).toHaveLength(100);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(8);
    const fresh = await requestFrom(spread.url, '127.0.5.99', { method: 'POST', path: '/api/auth/transfer', body: { code: '000000' } });
    expect(fresh.status).toBe(429);
  });
});
