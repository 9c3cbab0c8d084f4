import jsQR from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createCode, register } from './guests-support.ts';

const PUBLIC_URL = 'https://bar.example.test:8443';
let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer({ PUBLIC_URL, TRUST_PROXY: 'true' });
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

const post = (body: unknown) => api(server, 'POST', '/api/admin/registration-codes', { token: admin, body });

describe('registration codes (host)', () => {
  it('creates a code with expires_in_hours, max_uses and notes, and a join_url on PUBLIC_URL', async () => {
    const before = Date.now();
    const res = await post({ expires_in_hours: 6, max_uses: 40, notes: 'Front door' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ max_uses: 40, use_count: 0, notes: 'Front door', revoked: false });
    expect(res.body.code).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.join_url).toBe(`${PUBLIC_URL}/join?code=${res.body.code}`);
    const expires = Date.parse(res.body.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 6 * 3_600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 6 * 3_600_000 + 1000);
  });

  it('accepts an explicit expires_at, and defaults to 24 hours when neither is given', async () => {
    const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const explicit = await post({ expires_at: at, max_uses: 1 });
    expect(explicit.status).toBe(201);
    expect(Date.parse(explicit.body.expires_at)).toBe(Date.parse(at));
    expect(explicit.body.notes).toBeNull();
    const fallback = await post({ max_uses: 1 });
    expect(Math.abs(Date.parse(fallback.body.expires_at) - (Date.now() + 86_400_000))).toBeLessThan(5_000);
  });

  it('lists codes with use counts and revoked flags; DELETE revokes (204) and the code stops admitting', async () => {
    const code = await createCode(server, admin, { max_uses: 5 });
    expect((await register(server, code, 'Ann')).status).toBe(201);
    const del = await api(server, 'DELETE', `/api/admin/registration-codes/${code}`, { token: admin });
    expect(del.status).toBe(204);
    const list = await api(server, 'GET', '/api/admin/registration-codes', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.codes.find((c: { code: string }) => c.code === code)).toMatchObject({ use_count: 1, revoked: true, max_uses: 5 });
    const refused = await register(server, code, 'Bob');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_registration_code');
  });

  it('serves an SVG QR code that decodes to the join_url', async () => {
    const created = await post({ max_uses: 3 });
    const res = await fetch(`${server.url}/api/admin/registration-codes/${created.body.code}/qr.svg`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = Buffer.from(await res.arrayBuffer());
    expect(svg.toString()).toContain('<svg');
    const { data, info } = await sharp(svg, { density: 300 }).flatten({ background: '#fff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const decoded = jsQR(new Uint8ClampedArray(data), info.width, info.height);
    expect(decoded?.data).toBe(created.body.join_url);
  });

  it('unknown or malformed codes in a path are 404 registration_code_not_found', async () => {
    for (const code of [crypto.randomUUID(), 'nope', '123']) {
      for (const [method, path] of [
        ['DELETE', `/api/admin/registration-codes/${code}`],
        ['GET', `/api/admin/registration-codes/${code}/qr.svg`],
      ] as const) {
        const res = await api(server, method, path, { token: admin });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('registration_code_not_found');
      }
    }
  });

  it('rejects bad bodies with 400 validation_failed', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 60_000).toISOString();
    const bad: unknown[] = [
      {},
      { max_uses: 0 },
      { max_uses: 10_001 },
      { max_uses: 1.5 },
      { max_uses: '5' },
      { max_uses: null },
      { max_uses: 5, expires_at: past },
      { max_uses: 5, expires_at: 'tomorrow' },
      { max_uses: 5, expires_at: future, expires_in_hours: 2 },
      { max_uses: 5, expires_in_hours: 0 },
      { max_uses: 5, expires_in_hours: -1 },
      { max_uses: 5, expires_in_hours: '2' },
      { max_uses: 5, notes: 'x'.repeat(501) },
      { max_uses: 5, notes: 7 },
      { max_uses: 5, colour: 'red' },
      [],
      'five',
      42,
    ];
    for (const body of bad) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const form = await api(server, 'POST', '/api/admin/registration-codes', {
      token: admin,
      raw: 'max_uses=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });
});

describe('bad codes at registration', () => {
  it('unknown, expired, revoked, used-up, malformed and missing codes all get the same 401', async () => {
    const expired = await createCode(server, admin, { max_uses: 5 });
    await server.db.query("UPDATE registration_codes SET expires_at = now() - interval '1 second' WHERE code = $1", [expired]);
    const revoked = await createCode(server, admin, { max_uses: 5 });
    await api(server, 'DELETE', `/api/admin/registration-codes/${revoked}`, { token: admin });
    const usedUp = await createCode(server, admin, { max_uses: 1 });
    expect((await register(server, usedUp, 'First')).status).toBe(201);

    // Its own address, so this test's eight failures stay under the per-address limit.
    const prober = { 'x-forwarded-for': '192.0.2.50' };
    const answers = [];
    for (const code of [crypto.randomUUID(), expired, revoked, usedUp, 'not-a-code', "'; DROP TABLE app_users; --", '']) {
      answers.push(await register(server, code, 'Sam', prober));
    }
    answers.push(await register(server, undefined, 'Sam', prober));
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(answers[0]!.body);
    }
    expect(answers[0]!.body.error.code).toBe('invalid_registration_code');
    const counts = await server.db.query<{ use_count: number }>('SELECT use_count FROM registration_codes WHERE code = ANY($1::uuid[]) ORDER BY code', [
      [expired, revoked],
    ]);
    expect(counts.rows.map((r) => r.use_count)).toEqual([0, 0]);
  });
});
