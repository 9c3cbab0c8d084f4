import type { Queryable } from '../db/database.ts';

const REFRESH_TOKEN_LIFETIME = "interval '2 days'";

export interface RegisteredGuest {
  user_key: string;
  username: string;
}

export interface RefreshTokenState {
  token_id: string;
  user_key: string;
  username: string;
  user_active: boolean;
  expired: boolean;
  is_revoked: boolean;
  rotated: boolean;
  /** Seconds since the rotation, when rotated. */
  since_rotation: number | null;
}

export class GuestAuthRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Consumes one use of the code, creates the guest and its first refresh token in ONE
   * statement (one implicit transaction). The UPDATE's WHERE is re-checked against the
   * newest row version when concurrent registrations queue on the code's row lock, so
   * `use_count < max_uses` can never be overshot, whatever the interleaving. Returns
   * undefined for every bad-code reason alike (unknown, expired, revoked, used up).
   */
  async registerWithCode(code: string, username: string, tokenHash: Buffer, deviceInfo: string | null): Promise<RegisteredGuest | undefined> {
    const { rows } = await this.db.query<RegisteredGuest>(
      `WITH used AS (
         UPDATE registration_codes SET use_count = use_count + 1
          WHERE code = $1 AND revoked_at IS NULL AND expires_at > now() AND use_count < max_uses
          RETURNING code
       ), guest AS (
         INSERT INTO app_users (username, last_login, metadata)
         SELECT $2, now(), jsonb_build_object('registration_code', used.code) FROM used
         RETURNING user_key, username
       ), token AS (
         INSERT INTO refresh_tokens (user_key, token_hash, expires_at, device_info)
         SELECT guest.user_key, $3, now() + ${REFRESH_TOKEN_LIFETIME}, $4 FROM guest
         RETURNING user_key
       )
       SELECT guest.user_key, guest.username FROM guest JOIN token USING (user_key)`,
      [code, username, tokenHash, deviceInfo],
    );
    return rows[0];
  }

  /** Locks the token's row for the rest of the transaction: concurrent refreshes queue here. */
  async lockRefreshToken(tokenHash: Buffer): Promise<RefreshTokenState | undefined> {
    const { rows } = await this.db.query<RefreshTokenState>(
      `SELECT t.token_id, t.user_key, u.username, u.is_active AS user_active,
              t.expires_at <= now() AS expired, t.is_revoked, t.rotated_at IS NOT NULL AS rotated,
              extract(epoch FROM clock_timestamp() - t.rotated_at)::float8 AS since_rotation
         FROM refresh_tokens t JOIN app_users u USING (user_key)
        WHERE t.token_hash = $1
        FOR UPDATE OF t`,
      [tokenHash],
    );
    return rows[0];
  }

  async insertRefreshToken(userKey: string, tokenHash: Buffer, deviceInfo: string | null): Promise<string> {
    const { rows } = await this.db.query<{ token_id: string }>(
      `INSERT INTO refresh_tokens (user_key, token_hash, expires_at, device_info)
       VALUES ($1, $2, now() + ${REFRESH_TOKEN_LIFETIME}, $3) RETURNING token_id`,
      [userKey, tokenHash, deviceInfo],
    );
    return rows[0]!.token_id;
  }

  async markRotated(tokenId: string, replacedBy: string): Promise<void> {
    await this.db.query(
      'UPDATE refresh_tokens SET rotated_at = clock_timestamp(), replaced_by = $2, last_used_at = now() WHERE token_id = $1',
      [tokenId, replacedBy],
    );
  }

  async touch(tokenId: string): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET last_used_at = now() WHERE token_id = $1', [tokenId]);
  }

  async touchLogin(userKey: string): Promise<void> {
    await this.db.query('UPDATE app_users SET last_login = now() WHERE user_key = $1', [userKey]);
  }

  async revokeAllOf(userKey: string): Promise<void> {
    await this.db.query(
      'UPDATE refresh_tokens SET is_revoked = true, revoked_at = now() WHERE user_key = $1 AND NOT is_revoked',
      [userKey],
    );
  }

  async revokeByHash(tokenHash: Buffer): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET is_revoked = true, revoked_at = now() WHERE token_hash = $1 AND NOT is_revoked', [
      tokenHash,
    ]);
  }
}
