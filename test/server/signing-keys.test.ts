import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { api, startTestServer } from '../support/server.ts';

describe('signing keys', () => {
  it('a key of another algorithm from an older installation keeps verifying its tokens, while new tokens use a new EdDSA key', async () => {
    const first = await startTestServer();
    try {
      // An older installation signed with RS256: its key is the newest in the table.
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      const kid = 'legacy-rs256';
      await first.db.query(
        `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, created_at) VALUES ($1, 'RS256', $2, $3, now() + interval '1 second')`,
        [kid, JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'RS256' }), JSON.stringify(await exportJWK(privateKey))],
      );
      const { rows } = await first.db.query<{ user_key: string }>("INSERT INTO app_users (username) VALUES ('Old Timer') RETURNING user_key");
      const userKey = rows[0]!.user_key;
      const now = Math.floor(Date.now() / 1000);
      const legacyToken = await new SignJWT({ token_type: 'access', role: 'guest', user_key: userKey, username: 'Old Timer' })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer('barback')
        .setAudience('barback')
        .setSubject(userKey)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(privateKey);

      const second = await startTestServer({}, { testDb: first.testDb, db: first.db });
      try {
        expect(second.ctx.keys.signingKey().alg).toBe('EdDSA');
        expect(second.ctx.keys.signingKey().kid).not.toBe(kid);
        const me = await api(second, 'GET', '/api/me', { token: legacyToken });
        expect(me.status).toBe(200);
        expect(me.body.user.user_key).toBe(userKey);
        const kids = (await api(second, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
        expect(kids).toContain(kid);
        // The legacy kid accepts only its own algorithm.
        const { privateKey: edKey } = await generateKeyPair('EdDSA');
        const confused = await new SignJWT({ token_type: 'access', role: 'guest', user_key: userKey, username: 'Old Timer' })
          .setProtectedHeader({ alg: 'EdDSA', kid })
          .setIssuer('barback')
          .setAudience('barback')
          .setSubject(userKey)
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .sign(edKey);
        expect((await api(second, 'GET', '/api/me', { token: confused })).status).toBe(401);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});
