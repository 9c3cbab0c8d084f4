import { SignJWT, decodeProtectedHeader, jwtVerify } from 'jose';
import type { SigningKeyStore } from './signing-keys.ts';

export const TOKEN_ISSUER = 'barback';
export const TOKEN_AUDIENCE = 'barback';


export interface GuestClaims {
  role: 'guest';
  sub: string;
  user_key: string;
  username: string;
  exp: number;
}

export interface AdminClaims {
  role: 'admin';
  sub: string;
  email: string;
  exp: number;
  jti: string;
  /** The host's token epoch when the token was issued (see token-revocations.ts); 0 for older tokens. */
  session_epoch: number;
}

/** A helper behind the bar, signed in with a staff pass (server/staff). */
export interface BartenderClaims {
  role: 'bartender';
  /** The staff member's staff_key. */
  sub: string;
  name: string;
  exp: number;
  jti: string;
  /** As for the host: raising the epoch of `bartender:<staff_key>` refuses every token at once. */
  session_epoch: number;
}

export type AccessClaims = GuestClaims | AdminClaims | BartenderClaims;

/** Signs and verifies access tokens. Verified tokens are remembered until they expire. */
export class TokenService {
  // Verification costs ~70 µs of crypto; most requests repeat a token seen seconds ago.
  private readonly verified = new Map<string, AccessClaims>();

  constructor(private readonly keys: SigningKeyStore) {}

  async signGuest(userKey: string, username: string, ttlSeconds: number): Promise<string> {
    return this.sign({ role: 'guest', user_key: userKey, username }, userKey, ttlSeconds);
  }

  /** `sessionEpoch`: the host's current token epoch (TokenRevocations.epoch); 0 until one was raised. */
  async signAdmin(hostId: string, email: string, ttlSeconds: number, sessionEpoch = 0): Promise<string> {
    return this.sign({ role: 'admin', email, session_epoch: sessionEpoch }, hostId, ttlSeconds);
  }

  async signBartender(staffKey: string, name: string, ttlSeconds: number, sessionEpoch: number): Promise<string> {
    return this.sign({ role: 'bartender', name, session_epoch: sessionEpoch }, staffKey, ttlSeconds);
  }

  private async sign(claims: Record<string, string | number>, subject: string, ttlSeconds: number): Promise<string> {
    const key = this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims, token_type: 'access' })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(crypto.randomUUID())
      .sign(key.privateKey);
  }

  /**
   * Returns the claims of a valid access token, or null. Only one of our kids, with the one
   * asymmetric algorithm that key was made for, is accepted: `none`, HMAC (a classic
   * confusion attack signs with the public key's bytes), another algorithm under our kid,
   * other issuers or audiences, expired tokens and refresh tokens all fail.
   */
  async verify(token: string): Promise<AccessClaims | null> {
    if (token.length > 4096) return null;
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.exp * 1000 > Date.now()) return cached;
      this.verified.delete(token);
      return null;
    }
    const claims = await this.verifyUncached(token);
    if (claims) {
      if (this.verified.size >= 50_000) this.verified.clear();
      this.verified.set(token, claims);
    }
    return claims;
  }

  async verifyUncached(token: string): Promise<AccessClaims | null> {
    try {
      const header = decodeProtectedHeader(token);
      if (typeof header.kid !== 'string') return null;
      const key = await this.keys.verificationKey(header.kid);
      if (!key || header.alg !== key.alg) return null;
      const { payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [key.alg],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      if (payload.token_type !== 'access' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null;
      if (payload.role === 'guest' && typeof payload.user_key === 'string' && typeof payload.username === 'string') {
        return { role: 'guest', sub: payload.sub, user_key: payload.user_key, username: payload.username, exp: payload.exp };
      }
      if (payload.role === 'admin' && typeof payload.email === 'string' && typeof payload.jti === 'string') {
        const epoch = payload.session_epoch ?? 0;
        if (!Number.isSafeInteger(epoch)) return null;
        return { role: 'admin', sub: payload.sub, email: payload.email, exp: payload.exp, jti: payload.jti, session_epoch: epoch as number };
      }
      if (payload.role === 'bartender' && typeof payload.name === 'string' && typeof payload.jti === 'string') {
        const epoch = payload.session_epoch;
        if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch)) return null;
        return { role: 'bartender', sub: payload.sub, name: payload.name, exp: payload.exp, jti: payload.jti, session_epoch: epoch };
      }
      return null;
    } catch {
      return null;
    }
  }
}
