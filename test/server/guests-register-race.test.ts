import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createCode, register } from './guests-support.ts';

// TRUST_PROXY lets each simulated phone present its own address (X-Forwarded-For), so the
// per-address limit on failed codes does not mask the race under test.
let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: 'true' });
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

const from = (i: number) => ({ 'x-forwarded-for': `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}` });

describe('registration under concurrency', () => {
  it('a code never admits more guests than max_uses, even under 200 concurrent registrations', async () => {
    const code = await createCode(server, admin, { max_uses: 25 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => register(server, code, `Guest ${i}`, from(i))));

    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(created).toHaveLength(25);
    expect(refused).toHaveLength(175);
    expect(new Set(refused.map((r) => `${r.status} ${JSON.stringify(r.body)}`))).toEqual(
      new Set([`401 ${JSON.stringify(refused[0]!.body)}`]),
    );
    expect(refused[0]!.body.error.code).toBe('invalid_registration_code');

    const { rows } = await server.db.query<{ use_count: number }>('SELECT use_count FROM registration_codes WHERE code = $1', [code]);
    expect(rows[0]!.use_count).toBe(25);
    const guests = await server.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM app_users WHERE metadata->>'registration_code' = $1",
      [code],
    );
    expect(guests.rows[0]!.n).toBe(25);
    const listed = await api(server, 'GET', '/api/admin/registration-codes', { token: admin });
    expect(listed.body.codes.find((c: { code: string }) => c.code === code).use_count).toBe(25);
  });

  it('every created guest gets its own user_key and one refresh token', async () => {
    const code = await createCode(server, admin, { max_uses: 30 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => register(server, code, 'Sam', from(1000 + i))));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.user.user_key)).size).toBe(30);
    const keys = results.map((r) => r.body.user.user_key);
    const tokens = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_key = ANY($1::uuid[])', [keys]);
    expect(tokens.rows[0]!.n).toBe(30);
  });
});

describe('rate limit on bad codes', () => {
  const nat = { 'x-forwarded-for': '203.0.113.7' };

  it('a party behind one address all joins: successes never count toward the limit', async () => {
    const code = await createCode(server, admin, { max_uses: 40 });
    for (let i = 0; i < 30; i++) expect((await register(server, code, `Guest ${i}`, nat)).status).toBe(201);
  });

  it('after 10 bad codes in a minute the address gets 429 with Retry-After; other addresses are unaffected', async () => {
    const guesser = { 'x-forwarded-for': '198.51.100.9' };
    for (let i = 0; i < 10; i++) {
      const res = await register(server, crypto.randomUUID(), 'Eve', guesser);
      expect(res.status).toBe(401);
    }
    const limited = await register(server, crypto.randomUUID(), 'Eve', guesser);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // A valid code from the limited address waits too; other addresses are unaffected.
    const valid = await createCode(server, admin, { max_uses: 5 });
    expect((await register(server, valid, 'Eve', guesser)).status).toBe(429);
    expect((await register(server, valid, 'Ann', { 'x-forwarded-for': '198.51.100.10' })).status).toBe(201);
  });

  it('malformed and missing codes count too: they are refused before the database, but still counted', async () => {
    const guesser = { 'x-forwarded-for': '198.51.100.20' };
    const malformed = ['not-a-uuid', '', '   ', "' OR '1'='1", '0'.repeat(36), `${crypto.randomUUID()}x`, '{}', '%00', undefined, 'ABCDEFGH-1234'];
    for (const code of malformed) {
      const res = await register(server, code, 'Eve', guesser);
      expect([res.status, res.body.error?.code], `code ${JSON.stringify(code)}`).toEqual([401, 'invalid_registration_code']);
    }
    const valid = await createCode(server, admin, { max_uses: 5 });
    const limited = await register(server, valid, 'Eve', guesser);
    expect([limited.status, limited.body.error?.code]).toEqual([429, 'rate_limited']);
  });
});
