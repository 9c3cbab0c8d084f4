import type { Queryable } from '../db/database.ts';

export interface RevocationState {
  epoch: number;
  keptJti: string | null;
  revokedJtis: string[];
}

export class TokenRevocationRepository {
  constructor(private readonly db: Queryable) {}

  async state(subject: string): Promise<RevocationState> {
    const { rows } = await this.db.query<{ epoch: number | null; kept_jti: string | null; revoked: string[] }>(
      `SELECT e.epoch, e.kept_jti,
              ARRAY(SELECT jti FROM revoked_tokens WHERE subject = $1 AND expires_at > now()) AS revoked
         FROM (SELECT 1) AS one
         LEFT JOIN token_epochs e ON e.subject = $1`,
      [subject],
    );
    const row = rows[0];
    return { epoch: row?.epoch ?? 0, keptJti: row?.kept_jti ?? null, revokedJtis: row?.revoked ?? [] };
  }

  async epoch(subject: string): Promise<number> {
    const { rows } = await this.db.query<{ epoch: number }>('SELECT epoch FROM token_epochs WHERE subject = $1', [subject]);
    return rows[0]?.epoch ?? 0;
  }

  /** Refuses one token until its own expiry; rows of tokens that expired anyway are cleared on the way. */
  async revokeToken(jti: string, subject: string, expiresAt: Date): Promise<void> {
    await this.db.query("DELETE FROM revoked_tokens WHERE expires_at < now() - interval '1 minute'");
    await this.db.query(
      'INSERT INTO revoked_tokens (jti, subject, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING',
      [jti, subject, expiresAt],
    );
  }

  /** Raises the subject's epoch (every token issued before is refused), sparing `keptJti` if given. */
  async raiseEpoch(subject: string, keptJti: string | null): Promise<number> {
    const { rows } = await this.db.query<{ epoch: number }>(
      `INSERT INTO token_epochs (subject, epoch, kept_jti) VALUES ($1, 1, $2)
       ON CONFLICT (subject) DO UPDATE SET epoch = token_epochs.epoch + 1, kept_jti = EXCLUDED.kept_jti, changed_at = now()
       RETURNING epoch`,
      [subject, keptJti],
    );
    return rows[0]!.epoch;
  }
}
