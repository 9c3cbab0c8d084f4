import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

const expectEnvelope = (body: any, code: string) => {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
};

describe('HTTP conventions every endpoint keeps', () => {
  it('unknown /api paths are 404 in the envelope, for every method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await api(server, method, '/api/does/not/exist');
      expect(res.status).toBe(404);
      expectEnvelope(res.body, 'not_found');
    }
  });

  it('malformed JSON is 400 invalid_json', async () => {
    const res = await api(server, 'POST', '/api/admin/login', { headers: { 'content-type': 'application/json' }, raw: '{"email": ' });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'invalid_json');
  });

  it('a body that is not a JSON object is 400 validation_failed', async () => {
    for (const raw of ['[]', '"text"', '42', 'null', 'true']) {
      const res = await api(server, 'POST', '/api/admin/login', { headers: { 'content-type': 'application/json' }, raw });
      expect(res.status, raw).toBe(400);
      expectEnvelope(res.body, 'validation_failed');
    }
  });

  it('another content type is 415, so cross-site forms cannot post', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await api(server, 'POST', '/api/admin/login', { headers: { 'content-type': type }, raw: 'email=a&password=b' });
      expect(res.status, type).toBe(415);
      expectEnvelope(res.body, 'unsupported_media_type');
    }
  });

  it('bodies over 64 KiB are 413 payload_too_large', async () => {
    const res = await api(server, 'POST', '/api/admin/sections', { token: admin, body: { name: 'x'.repeat(70 * 1024) } });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 'payload_too_large');
  });

  it('sets nosniff and a CSP, and never X-Powered-By', async () => {
    const apiRes = await fetch(`${server.url}/api/health`);
    expect(apiRes.headers.get('x-content-type-options')).toBe('nosniff');
    expect(apiRes.headers.get('x-powered-by')).toBeNull();
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-powered-by')).toBeNull();
    const missing = await fetch(`${server.url}/api/nope`);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('health reports the database kind', async () => {
    const res = await api(server, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: process.env.DATABASE_URL ? 'postgres' : 'embedded' });
  });

  it('config gives exactly what Amplify.configure needs', async () => {
    const res = await api(server, 'GET', '/api/config');
    expect(res.body.events).toEqual({ endpoint: `${server.url}/event`, region: expect.any(String), defaultAuthMode: 'lambda' });
  });

  it('publishes the token verification keys with a kid', async () => {
    const res = await api(server, 'GET', '/.well-known/jwks.json');
    expect(res.body.keys.length).toBeGreaterThan(0);
    expect(res.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: expect.any(String) });
    expect(res.body.keys[0].d).toBeUndefined();
  });

  it('cuts off a client that never finishes its headers', async () => {
    const fresh = await startTestServer();
    fresh.server.headersTimeout = 500;
    fresh.server.requestTimeout = 1_000;
    const url = new URL(fresh.url);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(url.port), url.hostname, () => socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n'));
      socket.resume();
      socket.on('close', () => resolve(true));
      socket.on('error', () => resolve(true));
      setTimeout(() => resolve(false), 10_000).unref();
    });
    await fresh.stop();
    expect(closed).toBe(true);
  });
});

describe('host accounts', () => {
  it('signs in with the bootstrap account and gets an admin token', async () => {
    const res = await api(server, 'POST', '/api/admin/login', { body: { email: 'HOST@barback.test', password: 'correct horse battery' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), expires_in: 43_200 });
    const [, payload] = res.body.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims).toMatchObject({ role: 'admin', token_type: 'access', iss: 'barback', aud: 'barback' });
  });

  it('stores only a slow salted hash of the password', async () => {
    const { rows } = await server.db.query<{ password_hash: string }>('SELECT password_hash FROM host_accounts');
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(rows[0]!.password_hash).not.toContain('correct horse');
  });

  it('wrong credentials are 401 invalid_credentials, and repeated failures are rate-limited', async () => {
    const wrong = await api(server, 'POST', '/api/admin/login', { body: { email: 'host@barback.test', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expectEnvelope(wrong.body, 'invalid_credentials');
    let limited: Awaited<ReturnType<typeof api>> | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      const res = await api(server, 'POST', '/api/admin/login', { body: { email: 'nobody@x.test', password: 'nope' } });
      if (res.status === 429) limited = res;
    }
    expect(limited).toBeDefined();
    expectEnvelope(limited!.body, 'rate_limited');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the setup endpoint says no setup is needed once an account exists', async () => {
    expect((await api(server, 'GET', '/api/admin/setup')).body).toEqual({ setup_needed: false });
  });

  it('once an account exists the setup endpoint refuses tokens, even the genuine link printed before ADMIN_* made the account', async () => {
    const first = await startTestServer({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    const link = first.setupToken!;
    expect(link).toBeTruthy();
    // The restart: a second start on the same database, now with ADMIN_EMAIL/ADMIN_PASSWORD.
    const second = await startTestServer({ ADMIN_EMAIL: 'later@x.test', ADMIN_PASSWORD: 'set in the env' }, { testDb: first.testDb, db: first.db });
    try {
      expect(second.setupToken).toBeUndefined();
      expect((await api(second, 'GET', '/api/admin/setup')).body).toEqual({ setup_needed: false });
      for (const token of [link, 'a'.repeat(32)]) {
        const late = await api(second, 'POST', '/api/admin/setup', { body: { token, email: 'intruder@x.test', password: 'long enough pw' } });
        expect(late.status).toBe(401);
        expectEnvelope(late.body, 'invalid_setup_token');
      }
      const { rows } = await second.db.query<{ email: string }>('SELECT email FROM host_accounts');
      expect(rows.map((r) => r.email)).toEqual(['later@x.test']);
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});

describe('first start without admin settings', () => {
  it('issues a one-time setup token that creates the first account exactly once', async () => {
    const fresh = await startTestServer({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    try {
      expect(fresh.setupToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect((await api(fresh, 'GET', '/api/admin/setup')).body).toEqual({ setup_needed: true });
      const bad = await api(fresh, 'POST', '/api/admin/setup', { body: { token: 'wrong', email: 'me@x.test', password: 'long enough pw' } });
      expect(bad.status).toBe(401);
      const weak = await api(fresh, 'POST', '/api/admin/setup', { body: { token: fresh.setupToken, email: 'me@x.test', password: 'short' } });
      expect(weak.status).toBe(400);
      const ok = await api(fresh, 'POST', '/api/admin/setup', { body: { token: fresh.setupToken, email: 'me@x.test', password: 'long enough pw' } });
      expect(ok.status).toBe(201);
      expect(ok.body.access_token).toEqual(expect.any(String));
      const again = await api(fresh, 'POST', '/api/admin/setup', { body: { token: fresh.setupToken, email: 'two@x.test', password: 'long enough pw' } });
      expect(again.status).toBe(401);
      expect((await api(fresh, 'POST', '/api/admin/login', { body: { email: 'me@x.test', password: 'long enough pw' } })).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });
});
