import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createCode, joinAs, register } from './guests-support.ts';

let server: TestServer;
let code: string;
beforeAll(async () => {
  server = await startTestServer();
  code = await createCode(server, await adminToken(server), { max_uses: 1000 });
});
afterAll(async () => {
  await server?.stop();
});

function expectEnvelope(res: { status: number; body: any }, status: number, errorCode: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code: errorCode, message: expect.any(String) } });
}

describe('POST /api/register with bad input', () => {
  it.each([
    ['empty', ''],
    ['one character', 'A'],
    ['51 characters', 'x'.repeat(51)],
    ['only spaces', '     '],
    ['spaces around one character', '  A  '],
    ['a control character', 'Sam\u0000'],
    ['a newline inside', 'Sa\nm'],
    ['an escape character', '\u001b[31mSam'],
    ['a DEL character', 'Sam\u007f'],
  ])('a username that is %s gets 400 invalid_username', async (_what, username) => {
    expectEnvelope(await register(server, code, username), 400, 'invalid_username');
  });

  it('accepts 2 and 50 code points (astral characters count once) after NFC and trimming', async () => {
    const fifty = '🍸'.repeat(50);
    const res = await register(server, code, `  ${fifty}  `);
    expect(res.status).toBe(201);
    expect(res.body.user.username).toBe(fifty);
    const nfc = await register(server, code, 'Zoe\u0301');
    expect(nfc.body.user.username).toBe('Zoé'.normalize('NFC'));
    expect((await register(server, code, 'Al')).status).toBe(201);
  });

  it('two guests may share a name', async () => {
    const [a, b] = [await register(server, code, 'Sam'), await register(server, code, 'Sam')];
    expect(a.body.user.user_key).not.toBe(b.body.user.user_key);
  });

  it.each([
    ['username a number', { username: 42 }],
    ['username null', { username: null }],
    ['username an array', { username: ['Sam'] }],
    ['username missing', {}],
    ['an unknown field', { username: 'Sam', admin: true }],
  ])('a body with %s gets 400 validation_failed', async (_what, body) => {
    const res = await api(server, 'POST', '/api/register', { body, headers: { 'x-registration-code': code } });
    expectEnvelope(res, 400, 'validation_failed');
  });

  it('non-object bodies, malformed JSON and other content types are refused without touching the code', async () => {
    const headers = { 'x-registration-code': code };
    for (const body of [[], 'Sam', 7, null]) {
      expectEnvelope(await api(server, 'POST', '/api/register', { body, headers }), 400, 'validation_failed');
    }
    expectEnvelope(
      await api(server, 'POST', '/api/register', { raw: '{"username":', headers: { ...headers, 'content-type': 'application/json' } }),
      400,
      'invalid_json',
    );
    expectEnvelope(
      await api(server, 'POST', '/api/register', { raw: 'username=Sam', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'unsupported_media_type',
    );
    expectEnvelope(await api(server, 'POST', '/api/register', { body: { username: 'x'.repeat(70_000) }, headers }), 413, 'payload_too_large');
    const { rows } = await server.db.query<{ use_count: number }>('SELECT use_count FROM registration_codes WHERE code = $1', [code]);
    const created = await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM app_users WHERE metadata->>'registration_code' = $1", [code]);
    expect(rows[0]!.use_count).toBe(created.rows[0]!.n);
  });

  it('a missing header is 401 invalid_registration_code', async () => {
    expectEnvelope(await register(server, undefined, 'Sam'), 401, 'invalid_registration_code');
  });
});

describe('refresh and logout with bad input', () => {
  it.each(['/api/auth/refresh', '/api/auth/logout'])('%s: wrong types and missing fields get 400 validation_failed', async (path) => {
    for (const body of [{}, { refresh_token: 5 }, { refresh_token: null }, { refresh_token: '' }, { refresh_token: 'x'.repeat(5000) }, [], 'token']) {
      expectEnvelope(await api(server, 'POST', path, { body }), 400, 'validation_failed');
    }
    expectEnvelope(await api(server, 'POST', path, { raw: 'refresh_token=x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });

  it('an access token given as a refresh token is 401 invalid_refresh_token', async () => {
    const guest = await joinAs(server, 'Mixup');
    expectEnvelope(await api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: guest.access_token } }), 401, 'invalid_refresh_token');
  });
});
