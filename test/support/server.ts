import { loadConfig, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestServer extends RunningServer {
  testDb: TestDatabase;
  /** A connection to the same database, for assertions straight in SQL. */
  db: Database;
  stop(): Promise<void>;
}

export const TEST_ADMIN = { email: 'host@barback.test', password: 'correct horse battery' };

/**
 * Starts a real barback on a free port with a fresh database. `env` overrides settings
 * exactly as environment variables would. Pass `testDb` to start a second instance (or
 * a restart) on the same database.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  shared?: { testDb: TestDatabase; db?: Database },
): Promise<TestServer> {
  const testDb = shared?.testDb ?? (await createTestDatabase());
  const config: Config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(testDb.databaseUrl ? { DATABASE_URL: testDb.databaseUrl } : { DATA_DIR: testDb.dataDir }),
    ...env,
  });
  const logger = createLogger(config.logLevel);
  // Embedded mode shares one in-memory database between instances of this file; PostgreSQL
  // mode gives each instance its own pool, as separate processes would have.
  const reused = !testDb.databaseUrl ? shared?.db : undefined;
  const database = reused ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger }));
  const running = await startServer(config, { logger, db: database });
  return {
    ...running,
    testDb,
    db: database,
    async stop() {
      await named('the server', running.close());
      const { pool } = database;
      const clients = () => `${pool.totalCount} clients, ${pool.idleCount} idle, ${pool.waitingCount} waiting`;
      if (!reused) await named('the database pool', database.close(), clients);
      if (!shared) await named('dropping the test database', testDb.drop());
    },
  };
}

/** Waits for one step of a stop, saying on stderr which one if it takes unusually long. */
async function named<T>(step: string, work: Promise<T>, detail = () => ''): Promise<T> {
  const slow = setTimeout(() => process.stderr.write(`test server stop: ${step} has not finished after 20 s ${detail()}\n`), 20_000);
  try {
    return await work;
  } finally {
    clearTimeout(slow);
  }
}

/** fetch against a test server, JSON in and out. */
export async function api(
  server: { url: string },
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string | Uint8Array } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body: body as RequestInit['body'] });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the test sees the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export async function adminToken(server: { url: string }): Promise<string> {
  const res = await api(server, 'POST', '/api/admin/login', { body: TEST_ADMIN });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}
