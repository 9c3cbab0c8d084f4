import type { Queryable } from '../db/database.ts';

export interface HostAccountRow {
  id: string;
  email: string;
  password_hash: string;
}

/** The one pending setup link: a first-account link, or a password reset for an existing account. */
export interface SetupTokenRecord {
  hash: string;
  /** Set for a password reset: whose password, and until when the link works. */
  host_id?: string;
  expires_at?: string;
}

export class HostAccountRepository {
  constructor(private readonly db: Queryable) {}

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM host_accounts');
    return rows[0]?.n ?? 0;
  }

  async findByEmail(email: string): Promise<HostAccountRow | undefined> {
    const { rows } = await this.db.query<HostAccountRow>(
      'SELECT id, email, password_hash FROM host_accounts WHERE lower(email) = lower($1)',
      [email],
    );
    return rows[0];
  }

  async create(tx: Queryable, email: string, passwordHash: string): Promise<HostAccountRow> {
    const { rows } = await tx.query<HostAccountRow>(
      'INSERT INTO host_accounts (email, password_hash) VALUES ($1, $2) RETURNING id, email, password_hash',
      [email, passwordHash],
    );
    return rows[0]!;
  }

  async touchLogin(id: string): Promise<void> {
    await this.db.query('UPDATE host_accounts SET last_login = now() WHERE id = $1', [id]);
  }

  /** Locks the setup token row for the transaction that consumes it. */
  async lockSetupTokenHash(tx: Queryable): Promise<string | undefined> {
    return (await new HostAccountRepository(tx).setupToken({ lock: true }))?.hash;
  }

  async deleteSetupToken(tx: Queryable): Promise<void> {
    await tx.query("DELETE FROM server_secrets WHERE name = 'setup_token'");
  }

  async findById(id: string): Promise<HostAccountRow | undefined> {
    const { rows } = await this.db.query<HostAccountRow>('SELECT id, email, password_hash FROM host_accounts WHERE id = $1', [id]);
    return rows[0];
  }

  /** The host account (there is one; the oldest should there ever be more). */
  async first(): Promise<HostAccountRow | undefined> {
    const { rows } = await this.db.query<HostAccountRow>(
      'SELECT id, email, password_hash FROM host_accounts ORDER BY created_at, id LIMIT 1',
    );
    return rows[0];
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const { rowCount } = await this.db.query('UPDATE host_accounts SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
    return rowCount === 1;
  }

  async setSetupToken(record: SetupTokenRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO server_secrets (name, value) VALUES ('setup_token', $1)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, created_at = now()`,
      [JSON.stringify(record)],
    );
  }

  /** The pending setup link's record; `lock` holds it for the transaction that consumes it. */
  async setupToken(options: { lock?: boolean } = {}): Promise<SetupTokenRecord | undefined> {
    const { rows } = await this.db.query<{ value: SetupTokenRecord }>(
      `SELECT value FROM server_secrets WHERE name = 'setup_token'${options.lock ? ' FOR UPDATE' : ''}`,
    );
    return rows[0]?.value;
  }
}
