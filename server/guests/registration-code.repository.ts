import type { Queryable } from '../db/database.ts';

export interface RegistrationCodeRow {
  code: string;
  created_at: Date;
  expires_at: Date;
  max_uses: number;
  use_count: number;
  notes: string | null;
  revoked_at: Date | null;
}

const COLUMNS = 'code, created_at, expires_at, max_uses, use_count, notes, revoked_at';

export class RegistrationCodeRepository {
  constructor(private readonly db: Queryable) {}

  async create(input: { expiresAt: Date; maxUses: number; notes: string | null; createdBy: string | null }): Promise<RegistrationCodeRow> {
    const { rows } = await this.db.query<RegistrationCodeRow>(
      `INSERT INTO registration_codes (expires_at, max_uses, notes, created_by)
       VALUES ($1, $2, $3, (SELECT id FROM host_accounts WHERE id = $4))
       RETURNING ${COLUMNS}`,
      [input.expiresAt, input.maxUses, input.notes, input.createdBy],
    );
    return rows[0]!;
  }

  async list(): Promise<RegistrationCodeRow[]> {
    const { rows } = await this.db.query<RegistrationCodeRow>(`SELECT ${COLUMNS} FROM registration_codes ORDER BY created_at DESC, code`);
    return rows;
  }

  async find(code: string): Promise<RegistrationCodeRow | undefined> {
    const { rows } = await this.db.query<RegistrationCodeRow>(`SELECT ${COLUMNS} FROM registration_codes WHERE code = $1`, [code]);
    return rows[0];
  }

  /** Revokes the code; false when no such code exists. Revoking twice is harmless. */
  async revoke(code: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE registration_codes SET revoked_at = coalesce(revoked_at, now()) WHERE code = $1',
      [code],
    );
    return (rowCount ?? 0) > 0;
  }
}
