import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * An older installation signed with RS256; this one signs with EdDSA and keeps verifying the
 * RS256 key's tokens. That is the setting the algorithm-confusion attack needs: a server that
 * accepts more than one algorithm and publishes an RSA public key.
 */
const LEGACY_KID = 'legacy-rs256';
let first: TestServer;
let second: TestServer;
let userKey: string;
let legacyPrivateKey: CryptoKey;

beforeAll(async () => {
  first = await startTestServer();
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  legacyPrivateKey = privateKey;
  // The legacy key is the newest in the table, as it would be right after the upgrade.
  await first.db.query(
    `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at) VALUES ($1, 'RS256', $2, $3, now() + interval '1 second')`,
    [LEGACY_KID, JSON.stringify({ ...(await exportJWK(publicKey)), kid: LEGACY_KID, alg: 'RS256', use: 'sig' }), JSON.stringify(await exportJWK(privateKey))],
  );
  const { rows } = await first.db.query<{ user_key: string }>("INSERT INTO app_users (username) VALUES ('Old Timer') RETURNING user_key");
  userKey = rows[0]!.user_key;
  second = await startTestServer({}, { testDb: first.testDb, db: first.db });
});

afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

function guestToken() {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_type: 'access', role: 'guest', user_key: userKey, username: 'Old Timer' })
    .setIssuer('barback')
    .setAudience('barback')
    .setSubject(userKey)
    .setIssuedAt(now)
    .setExpirationTime(now + 600);
}

const me = (token: string) => api(second, 'GET', '/api/me', { token });

describe('signing keys', () => {
  it('a key of another algorithm from an older installation keeps verifying its tokens, while new tokens use a new EdDSA key', async () => {
    expect(second.ctx.keys.signingKey().alg).toBe('EdDSA');
    expect(second.ctx.keys.signingKey().kid).not.toBe(LEGACY_KID);
    const legacyToken = await guestToken().setProtectedHeader({ alg: 'RS256', kid: LEGACY_KID }).sign(legacyPrivateKey);
    const res = await me(legacyToken);
    expect(res.status).toBe(200);
    expect(res.body.user.user_key).toBe(userKey);
    const kids = (await api(second, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(kids).toContain(LEGACY_KID);
  });

  it('refuses tokens under the legacy kid signed by another key, whatever algorithm they claim', async () => {
    for (const alg of ['RS256', 'EdDSA'] as const) {
      const { privateKey } = await generateKeyPair(alg);
      expect((await me(await guestToken().setProtectedHeader({ alg, kid: LEGACY_KID }).sign(privateKey))).status, alg).toBe(401);
    }
  });

  it('refuses a token under its own kid whose header names another algorithm, even one the key itself could verify', async () => {
    // The key's type alone does not pin the algorithm: jose verifies "Ed25519" (the newer
    // name of EdDSA over Ed25519) with the same key. Only the server's own algorithm checks
    // (the header's alg against the key's, and jwtVerify's allowed list) refuse it.
    const key = second.ctx.keys.signingKey();
    const own = await guestToken().setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
    expect((await me(own)).status, 'control: the key’s own algorithm').toBe(200);
    const renamed = await guestToken().setProtectedHeader({ alg: 'Ed25519', kid: key.kid }).sign(key.privateKey);
    await expect(jwtVerify(renamed, key.publicKey, { issuer: 'barback', audience: 'barback' }), 'a verifier without the checks accepts it').resolves.toBeTruthy();
    expect((await me(renamed)).status).toBe(401);
  });
});

describe('algorithm confusion against the legacy RSA key', () => {
  /**
   * The classic attack: everyone can read the RSA public key (it is in the JWKS), so an
   * attacker signs a token with HMAC using the public key's bytes as the secret and claims
   * `HS256` under the RSA key's kid. A verifier that takes the algorithm from the header and
   * hands it "the key for this kid" as bytes accepts it. Every usual encoding of the key is tried.
   *
   * barback refuses it three times over: TokenService drops a token whose header `alg` is not
   * its key's, jwtVerify gets only that algorithm as allowed, and the key is a CryptoKey made
   * for RS256, which jose and WebCrypto will not use for HMAC. Any one of them is enough; the
   * test goes red only when all three are gone (the control below proves the forgeries are real).
   */
  async function publicMaterial(): Promise<[string, Uint8Array][]> {
    const jwks = await api(second, 'GET', '/.well-known/jwks.json');
    const jwk = (jwks.body.keys as JWK[]).find((k) => k.kid === LEGACY_KID)!;
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    const spkiPem = key.export({ type: 'spki', format: 'pem' }) as string;
    const pkcs1Pem = key.export({ type: 'pkcs1', format: 'pem' }) as string;
    const text = (s: string) => new TextEncoder().encode(s);
    return [
      ['SPKI PEM', text(spkiPem)],
      ['SPKI PEM, trimmed', text(spkiPem.trim())],
      ['PKCS#1 PEM', text(pkcs1Pem)],
      ['SPKI DER', new Uint8Array(key.export({ type: 'spki', format: 'der' }))],
      ['the JWK as published', text(JSON.stringify(jwk))],
      ['the modulus', new Uint8Array(Buffer.from(jwk.n!, 'base64url'))],
    ];
  }

  it('refuses HS256/384/512 tokens signed with the legacy public key as the HMAC secret', async () => {
    const forgeries: { name: string; token: string }[] = [];
    for (const [form, secret] of await publicMaterial()) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const token = await guestToken().setProtectedHeader({ alg, kid: LEGACY_KID, typ: 'JWT' }).sign(secret);
        // The forgery is real: a verifier given the legacy key's material as bytes accepts it.
        await expect(jwtVerify(token, secret, { issuer: 'barback', audience: 'barback' })).resolves.toBeTruthy();
        forgeries.push({ name: `${alg} with ${form}`, token });
      }
    }
    const answers = await Promise.all(forgeries.map(async ({ name, token }) => [name, (await me(token)).status] as const));
    expect(answers).toEqual(forgeries.map(({ name }) => [name, 401]));
  });

  it('refuses alg "none" under the legacy kid', async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = (await guestToken().setProtectedHeader({ alg: 'RS256', kid: LEGACY_KID }).sign(legacyPrivateKey)).split('.')[1];
    for (const alg of ['none', 'None', 'NONE']) {
      expect((await me(`${b64({ alg, kid: LEGACY_KID })}.${claims}.`)).status, alg).toBe(401);
    }
  });
});
