import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { DataDirLock } from './data-dir-lock.ts';

// int8 (bigint) stays a string: versions and cursors are decimal strings on the wire.
// numeric too; count(*) results are cast to int in SQL where a number is wanted.

export type Row = Record<string, unknown>;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number | null;
}

/** Row shapes are declared per query by the repository that writes the SQL. */
export interface Queryable {
  query<T extends object = Row>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export type DatabaseKind = 'postgres' | 'embedded';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  readonly pool: pg.Pool;
  /** Runs `work` in one transaction on one connection; commits, or rolls back on throw. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A dedicated connection string for LISTEN (PostgreSQL only). */
  readonly connectionString: string | undefined;
  /** The embedded database's hold on its DATA_DIR (none in memory or on PostgreSQL). */
  readonly dataDirLock: DataDirLock | undefined;
  close(): Promise<void>;
}

class PoolDatabase implements Database {
  constructor(
    readonly kind: DatabaseKind,
    readonly pool: pg.Pool,
    readonly connectionString: string | undefined,
    private readonly onClose: () => Promise<void>,
    readonly dataDirLock: DataDirLock | undefined = undefined,
  ) {}

  query<T extends object = Row>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    return this.pool.query(sql, params) as Promise<QueryResult<T>>;
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: <T extends object>(sql: string, params?: unknown[]) => client.query(sql, params) as Promise<QueryResult<T>>,
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.onClose();
  }
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  logger: Logger;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // 10, not 20: PostgreSQL shares a 2-core machine with barback, and more backends than that
  // only contend for CPU and locks (orders bench: 56-61 % -> 71-72 % of bare throughput).
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.logger, options.poolSize ?? 10);
  return openEmbedded(options.dataDir, options.logger);
}

function watchPool(pool: pg.Pool, logger: Logger): void {
  // An idle client whose server went away emits 'error'; without a listener that crashes
  // the process. The pool replaces the client on the next checkout.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'database connection lost'));
}

export const BARBACK_APPLICATION_NAME = 'barback';

async function openPostgres(url: string, logger: Logger, max: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    // Named, so `npm run host -- rotate-secrets-key` can tell whether instances are still running.
    application_name: BARBACK_APPLICATION_NAME,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  watchPool(pool, logger);
  return new PoolDatabase('postgres', pool, url, async () => undefined);
}

/**
 * The embedded database: PGlite behind pglite-socket, so the same `pg` code serves both
 * modes. PGlite is one session, so the pool has one connection: a transaction holds it
 * and everything else queues behind it, which is exactly PGlite's own semantics.
 */
async function openEmbedded(dataDir: string, logger: Logger): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const inMemory = dataDir === 'memory://';
  if (!inMemory) await fs.mkdir(dataDir, { recursive: true });
  // mkdtemp makes the folder private to this OS user, and so the socket in it.
  const socketDir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-pg-'));
  let lock: DataDirLock | undefined;
  try {
    lock = inMemory ? undefined : await DataDirLock.acquire(dataDir, { pid: process.pid, socket_dir: socketDir });
    const pglite = await PGlite.create(inMemory ? undefined : path.join(dataDir, 'pglite'));
    const socketPath = path.join(socketDir, '.s.PGSQL.5432');
    const socketServer = new PGLiteSocketServer({ db: pglite, path: socketPath, maxConnections: 4 });
    await socketServer.start();
    const pool = new pg.Pool({ host: socketDir, user: 'postgres', database: 'postgres', max: 1 });
    watchPool(pool, logger);
    const held = lock;
    return new PoolDatabase(
      'embedded',
      pool,
      undefined,
      async () => {
        await socketServer.stop();
        await pglite.close();
        await fs.rm(socketDir, { recursive: true, force: true });
        await held?.release();
      },
      lock,
    );
  } catch (error) {
    await lock?.release();
    await fs.rm(socketDir, { recursive: true, force: true });
    throw error;
  }
}
