import type { Queryable } from '../db/database.ts';

export interface StaffPassRow {
  id: string;
  created_at: Date;
  expires_at: Date;
  max_uses: number;
  use_count: number;
  notes: string | null;
  revoked_at: Date | null;
}

export interface StaffMemberRow {
  staff_key: string;
  pass_id: string;
  name: string;
  created_at: Date;
  last_seen: Date | null;
  is_active: boolean;
}

export interface StaffRefreshState {
  token_id: string;
  staff_key: string;
  name: string;
  active: boolean;
  expired: boolean;
  is_revoked: boolean;
  rotated: boolean;
  since_rotation: number | null;
}

const LIFETIME = "interval '2 days'";
const PASS_COLUMNS = 'id, created_at, expires_at, max_uses, use_count, notes, revoked_at';

export class StaffRepository {
  constructor(private readonly db: Queryable) {}

  async createPass(secretHash: Buffer, expiresAt: Date, maxUses: number, notes: string | null): Promise<StaffPassRow> {
    const { rows } = await this.db.query<StaffPassRow>(
      `INSERT INTO staff_passes (secret_hash, expires_at, max_uses, notes) VALUES ($1, $2, $3, $4) RETURNING ${PASS_COLUMNS}`,
      [secretHash, expiresAt, maxUses, notes],
    );
    return rows[0]!;
  }

  async listPasses(): Promise<StaffPassRow[]> {
    const { rows } = await this.db.query<StaffPassRow>(`SELECT ${PASS_COLUMNS} FROM staff_passes ORDER BY created_at DESC`);
    return rows;
  }

  async revokePass(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('UPDATE staff_passes SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
    return rowCount === 1;
  }

  /**
   * Uses the pass and creates the helper with a first refresh token in ONE statement: the
   * use count's row lock makes `use_count < max_uses` hold under any concurrency (as invite
   * codes do). Undefined for every bad-pass reason alike.
   */
  async join(secretHash: Buffer, name: string, tokenHash: Buffer): Promise<StaffMemberRow | undefined> {
    const { rows } = await this.db.query<StaffMemberRow>(
      `WITH used AS (
         UPDATE staff_passes SET use_count = use_count + 1
          WHERE secret_hash = $1 AND revoked_at IS NULL AND expires_at > now() AND use_count < max_uses
          RETURNING id
       ), member AS (
         INSERT INTO staff_members (pass_id, name, last_seen) SELECT used.id, $2, now() FROM used
         RETURNING staff_key, pass_id, name, created_at, last_seen, is_active
       ), token AS (
         INSERT INTO staff_refresh_tokens (staff_key, token_hash, expires_at)
         SELECT member.staff_key, $3, now() + ${LIFETIME} FROM member RETURNING staff_key
       )
       SELECT member.* FROM member JOIN token USING (staff_key)`,
      [secretHash, name, tokenHash],
    );
    return rows[0];
  }

  async listMembers(): Promise<StaffMemberRow[]> {
    const { rows } = await this.db.query<StaffMemberRow>(
      'SELECT staff_key, pass_id, name, created_at, last_seen, is_active FROM staff_members ORDER BY created_at',
    );
    return rows;
  }

  /** Marks the helper revoked and ends every refresh token; false when unknown. */
  async revokeMember(staffKey: string): Promise<StaffMemberRow | undefined> {
    const { rows } = await this.db.query<StaffMemberRow>(
      `UPDATE staff_members SET is_active = false, revoked_at = coalesce(revoked_at, now()) WHERE staff_key = $1
       RETURNING staff_key, pass_id, name, created_at, last_seen, is_active`,
      [staffKey],
    );
    if (rows[0]) await this.revokeTokensOf(staffKey);
    return rows[0];
  }

  async revokeTokensOf(staffKey: string): Promise<void> {
    await this.db.query('UPDATE staff_refresh_tokens SET is_revoked = true WHERE staff_key = $1 AND NOT is_revoked', [staffKey]);
  }

  async lockRefreshToken(tokenHash: Buffer): Promise<StaffRefreshState | undefined> {
    const { rows } = await this.db.query<StaffRefreshState>(
      `SELECT t.token_id, t.staff_key, m.name, m.is_active AS active, t.expires_at <= now() AS expired, t.is_revoked,
              t.rotated_at IS NOT NULL AS rotated, extract(epoch FROM clock_timestamp() - t.rotated_at)::float8 AS since_rotation
         FROM staff_refresh_tokens t JOIN staff_members m USING (staff_key)
        WHERE t.token_hash = $1
        FOR UPDATE OF t`,
      [tokenHash],
    );
    return rows[0];
  }

  async insertRefreshToken(staffKey: string, tokenHash: Buffer): Promise<void> {
    await this.db.query(`INSERT INTO staff_refresh_tokens (staff_key, token_hash, expires_at) VALUES ($1, $2, now() + ${LIFETIME})`, [
      staffKey,
      tokenHash,
    ]);
    await this.db.query('UPDATE staff_members SET last_seen = now() WHERE staff_key = $1', [staffKey]);
  }

  async markRotated(tokenId: string): Promise<void> {
    await this.db.query('UPDATE staff_refresh_tokens SET rotated_at = clock_timestamp() WHERE token_id = $1', [tokenId]);
  }

  async revokeRefreshByHash(tokenHash: Buffer): Promise<void> {
    await this.db.query('UPDATE staff_refresh_tokens SET is_revoked = true WHERE token_hash = $1', [tokenHash]);
  }
}
