import type { Queryable } from '../db/database.ts';

export interface HostAccountRow {
  id: string;
  email: string;
  password_hash: string;
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

  async setSetupTokenHash(hash: string): Promise<void> {
    await this.db.query(
      `INSERT INTO server_secrets (name, value) VALUES ('setup_token', $1)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, created_at = now()`,
      [JSON.stringify({ hash })],
    );
  }

  async findSetupTokenHash(): Promise<string | undefined> {
    const { rows } = await this.db.query<{ value: { hash: string } }>("SELECT value FROM server_secrets WHERE name = 'setup_token'");
    return rows[0]?.value.hash;
  }

  /** Locks the setup token row for the transaction that consumes it. */
  async lockSetupTokenHash(tx: Queryable): Promise<string | undefined> {
    const { rows } = await tx.query<{ value: { hash: string } }>(
      "SELECT value FROM server_secrets WHERE name = 'setup_token' FOR UPDATE",
    );
    return rows[0]?.value.hash;
  }

  async deleteSetupToken(tx: Queryable): Promise<void> {
    await tx.query("DELETE FROM server_secrets WHERE name = 'setup_token'");
  }
}
