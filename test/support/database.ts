import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh database for one test file. With DATABASE_URL (CI, and anyone with a local
 * PostgreSQL) it creates a new database on that server and drops it afterwards; without
 * it, the file runs on an in-memory embedded PostgreSQL (PGlite).
 */
export interface TestDatabase {
  /** A connection string for the fresh database, or undefined for the embedded one. */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) return { databaseUrl: undefined, dataDir: 'memory://', drop: async () => undefined };
  const name = `barback_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: 'memory://',
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
