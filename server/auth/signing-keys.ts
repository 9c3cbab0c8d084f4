import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Database } from '../db/database.ts';
import type { SecretBox } from './secret-box.ts';
import { SECRET_CONTEXT } from './stored-secrets.ts';

/**
 * EdDSA (Ed25519), chosen by measured cost (docs/PERFORMANCE.md, "Registration and tokens"):
 * it signs about nine times faster than RS256, and signing is what bounds registrations and
 * refreshes. RS256 verifies twice as fast, but TokenService verifies each token once and then
 * remembers it, so verification is rarely paid. Keys made with another algorithm (an older
 * installation) keep verifying with their own algorithm until they retire.
 */
const TOKEN_ALG = 'EdDSA';
const ACCEPTED_ALGS = ['EdDSA', 'RS256'] as const;
export type TokenAlg = (typeof ACCEPTED_ALGS)[number];

export interface SigningKey {
  kid: string;
  alg: TokenAlg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: JWK;
  /** The private JWK as an object (stored unencrypted), or a string sealed by the SecretBox. */
  private_jwk: JWK | string;
  retired_at: Date | null;
  created_at: Date;
}

/**
 * The server's own key pairs, kept in the database so every instance signs and verifies
 * alike; the private halves sealed by the SecretBox (see secret-box.ts for why).
 */
export class SigningKeyStore {
  private current: SigningKey | undefined;
  private readonly byKid = new Map<string, SigningKey>();
  private lastReload = 0;

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
  ) {}

  /** Loads the keys, creating the first pair on a fresh database. */
  async init(): Promise<void> {
    await this.reload();
    if (!this.current) {
      await this.rotate();
    }
  }

  /** Adds a new key and signs with it from now on; tokens of older keys stay valid. */
  async rotate(): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
    const kid = crypto.randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALG, use: 'sig' };
    const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: TOKEN_ALG });
    const stored = this.secrets.seal(privateJwk, SECRET_CONTEXT.signingKey(kid));
    await this.db.query('INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk) VALUES ($1, $2, $3, $4)', [
      kid,
      TOKEN_ALG,
      JSON.stringify(publicJwk),
      // jsonb: the JWK object as it is, or the sealed string as a JSON string.
      stored === privateJwk ? privateJwk : JSON.stringify(stored),
    ]);
    await this.reload();
    return this.signingKey();
  }

  signingKey(): SigningKey {
    if (!this.current) throw new Error('signing keys not loaded');
    return this.current;
  }

  /** A verification key by kid; an unknown kid may be a key another instance just added. */
  async verificationKey(kid: string): Promise<SigningKey | undefined> {
    const known = this.byKid.get(kid);
    if (known) return known;
    if (Date.now() - this.lastReload > 5_000) await this.reload();
    return this.byKid.get(kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [...this.byKid.values()].map((k) => k.publicJwk) };
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    const { rows } = await this.db.query<KeyRow>(
      `SELECT kid, alg, public_jwk, private_jwk, retired_at, created_at FROM signing_keys
        WHERE retired_at IS NULL OR retired_at > now() - interval '2 days'
        ORDER BY created_at`,
    );
    for (const row of rows) {
      if (this.byKid.has(row.kid) || !isAcceptedAlg(row.alg)) continue;
      const privateJwk =
        typeof row.private_jwk === 'string'
          ? (JSON.parse(this.secrets.open(row.private_jwk, SECRET_CONTEXT.signingKey(row.kid))) as JWK)
          : row.private_jwk;
      this.byKid.set(row.kid, {
        kid: row.kid,
        alg: row.alg,
        publicJwk: row.public_jwk,
        publicKey: (await importJWK(row.public_jwk, row.alg)) as CryptoKey,
        privateKey: (await importJWK(privateJwk, row.alg)) as CryptoKey,
      });
    }
    // Sign only with a key of the chosen algorithm; keys of others only verify.
    const newest = rows.filter((r) => !r.retired_at && r.alg === TOKEN_ALG).at(-1);
    if (newest) this.current = this.byKid.get(newest.kid);
  }
}

function isAcceptedAlg(alg: string): alg is TokenAlg {
  return (ACCEPTED_ALGS as readonly string[]).includes(alg);
}
