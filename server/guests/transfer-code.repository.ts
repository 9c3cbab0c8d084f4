import type { Queryable } from '../db/database.ts';
import { REFRESH_TOKEN_LIFETIME, type RegisteredGuest } from './guest-auth.repository.ts';

export class TransferCodeRepository {
  constructor(private readonly db: Queryable) {}

  /** Expired codes, and the guest's earlier ones: a guest holds one live code at most. */
  async sweep(userKey: string): Promise<void> {
    await this.db.query('DELETE FROM transfer_codes WHERE user_key = $1 OR expires_at <= now()', [userKey]);
  }

  /** False when another live code already has this hash (two guests drew the same digits). */
  async insert(userKey: string, codeHash: Buffer, ttlSeconds: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO transfer_codes (code_hash, user_key, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (code_hash) DO NOTHING`,
      [codeHash, userKey, ttlSeconds],
    );
    return rowCount === 1;
  }

  /**
   * Redeems a code and opens a new refresh family for its guest in ONE statement (one implicit
   * transaction). The DELETE takes the code's row lock: of two redemptions at once, the second
   * waits, re-reads the row, finds it gone and returns nothing, so a code works once. A revoked
   * guest's code is spent and returns nothing too. Every bad reason answers alike (undefined).
   */
  async redeem(codeHash: Buffer, tokenHash: Buffer, deviceInfo: string | null): Promise<RegisteredGuest | undefined> {
    const { rows } = await this.db.query<RegisteredGuest>(
      `WITH used AS (
         DELETE FROM transfer_codes WHERE code_hash = $1 AND expires_at > now()
         RETURNING user_key
       ), guest AS (
         UPDATE app_users u SET last_login = now()
           FROM used WHERE u.user_key = used.user_key AND u.is_active
         RETURNING u.user_key, u.username
       ), token AS (
         INSERT INTO refresh_tokens (user_key, token_hash, expires_at, device_info)
         SELECT guest.user_key, $2, now() + ${REFRESH_TOKEN_LIFETIME}, $3 FROM guest
         RETURNING user_key
       )
       SELECT guest.user_key, guest.username FROM guest JOIN token USING (user_key)`,
      [codeHash, tokenHash, deviceInfo],
    );
    return rows[0];
  }
}
