import { createPublicKey } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../server/auth/tokens.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { joinAs, type Registered } from './guests-support.ts';

let server: TestServer;
let guest: Registered;
beforeAll(async () => {
  server = await startTestServer();
  guest = await joinAs(server, 'Robin');
});
afterAll(async () => {
  await server?.stop();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const me = (token: string) => api(server, 'GET', '/api/me', { token });

/** Claims a real guest token carries, for forging variants of it. */
function guestClaims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    sub: guest.user.user_key,
    iat: now,
    exp: now + 3600,
    token_type: 'access',
    role: 'guest',
    user_key: guest.user.user_key,
    username: guest.user.username,
    ...overrides,
  };
}

/** Signs with the server's real private key: only the claims are wrong. */
async function signWithServerKey(claims: Record<string, unknown>): Promise<string> {
  const key = server.ctx.keys.signingKey();
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

async function expectRefused(token: string) {
  const res = await me(token);
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('unauthorized');
}

describe('access tokens', () => {
  it('a registered guest reads itself with GET /api/me', async () => {
    const res = await me(guest.access_token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { user_key: guest.user.user_key, username: 'Robin' } });
  });

  it('carries kid, iss, aud, iat, exp (4 hours), token_type, role, user_key and username', async () => {
    const header = JSON.parse(Buffer.from(guest.access_token.split('.')[0]!, 'base64url').toString());
    const jwks = await api(server, 'GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    expect(header.alg).toBe('EdDSA');
    const claims = decodeJwt(guest.access_token);
    expect(claims).toMatchObject({ iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, token_type: 'access', role: 'guest', ...guest.user });
    expect(claims.exp! - claims.iat!).toBe(14_400);
    expect(guest.expires_in).toBe(14_400);
  });

  it('refuses a missing or malformed Authorization header', async () => {
    expect((await api(server, 'GET', '/api/me')).status).toBe(401);
    expect((await api(server, 'GET', '/api/me', { headers: { authorization: guest.access_token } })).status).toBe(401);
    expect((await api(server, 'GET', '/api/me', { headers: { authorization: 'Bearer ' } })).status).toBe(401);
    await expectRefused('not.a.jwt');
  });

  it('refuses alg "none"', async () => {
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(guestClaims())}.`);
    const kid = server.ctx.keys.signingKey().kid;
    await expectRefused(`${b64({ alg: 'none', kid })}.${b64(guestClaims())}.`);
  });

  it('refuses HS256 signed with the public key’s bytes (algorithm confusion)', async () => {
    const jwks = await api(server, 'GET', '/.well-known/jwks.json');
    const jwk = jwks.body.keys[0];
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    for (const secret of [pem, pem.trim(), JSON.stringify(jwk), jwk.x, Buffer.from(jwk.x, 'base64url').toString('latin1')]) {
      const forged = await new SignJWT(guestClaims())
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'JWT' })
        .sign(new TextEncoder().encode(secret));
      await expectRefused(forged);
    }
  });

  it('refuses a tampered payload under a genuine signature', async () => {
    const [header, , signature] = guest.access_token.split('.');
    await expectRefused(`${header}.${b64(guestClaims({ username: 'Mallory' }))}.${signature}`);
    const admin = guestClaims({ role: 'admin', email: 'host@barback.test' });
    await expectRefused(`${header}.${b64(admin)}.${signature}`);
  });

  it('refuses a token signed by another key, even with our kid', async () => {
    const { generateKeyPair } = await import('jose');
    for (const alg of ['EdDSA', 'RS256', 'ES256'] as const) {
      const other = await generateKeyPair(alg);
      const forged = await new SignJWT(guestClaims())
        .setProtectedHeader({ alg, kid: server.ctx.keys.signingKey().kid })
        .sign(other.privateKey);
      await expectRefused(forged);
    }
  });

  it('refuses expired tokens, wrong aud, wrong iss, and token_type other than access', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await signWithServerKey(guestClaims({ iat: now - 7200, exp: now - 60 })));
    await expectRefused(await signWithServerKey(guestClaims({ aud: 'someone-else' })));
    await expectRefused(await signWithServerKey(guestClaims({ iss: 'someone-else' })));
    await expectRefused(await signWithServerKey(guestClaims({ token_type: 'refresh' })));
    await expectRefused(await signWithServerKey(guestClaims({ token_type: undefined })));
    await expectRefused(await signWithServerKey(guestClaims({ role: 'superuser' })));
    // The control: the same construction with the right claims is accepted.
    expect((await me(await signWithServerKey(guestClaims()))).status).toBe(200);
  });

  it('refuses a refresh token presented as an access token', async () => {
    await expectRefused(guest.refresh_token);
  });

  it('refuses an admin token on a guest-only route with 403', async () => {
    const res = await me(await adminToken(server));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

/** Every host route API.md lists (with a syntactically valid id where a path needs one). */
const ADMIN_ROUTES: [string, string][] = [
  ['GET', '/api/admin/orders'],
  ['GET', '/api/admin/orders?status=pending'],
  ['PATCH', `/api/admin/orders/${crypto.randomUUID()}`],
  ['GET', '/api/admin/drinks'],
  ['POST', '/api/admin/drinks'],
  ['PUT', `/api/admin/drinks/${crypto.randomUUID()}`],
  ['DELETE', `/api/admin/drinks/${crypto.randomUUID()}`],
  ['PUT', `/api/admin/drinks/${crypto.randomUUID()}/image`],
  ['GET', '/api/admin/sections'],
  ['POST', '/api/admin/sections'],
  ['PUT', `/api/admin/sections/${crypto.randomUUID()}`],
  ['DELETE', `/api/admin/sections/${crypto.randomUUID()}`],
  ['POST', '/api/admin/registration-codes'],
  ['GET', '/api/admin/registration-codes'],
  ['DELETE', `/api/admin/registration-codes/${crypto.randomUUID()}`],
  ['GET', `/api/admin/registration-codes/${crypto.randomUUID()}/qr.svg`],
  ['GET', '/api/admin/guests'],
  ['POST', `/api/admin/guests/${crypto.randomUUID()}/revoke`],
];

describe('host routes', () => {
  it.each(ADMIN_ROUTES)('%s %s answers a guest token with 403 forbidden', async (method, path) => {
    const body = ['POST', 'PUT', 'PATCH'].includes(method) && !path.endsWith('/image') ? { status: 'served', name: 'x', max_uses: 1 } : undefined;
    const res = await api(server, method, path, { token: guest.access_token, body });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it.each(ADMIN_ROUTES)('%s %s answers no token with 401', async (method, path) => {
    const res = await api(server, method, path);
    expect(res.status).toBe(401);
  });
});
