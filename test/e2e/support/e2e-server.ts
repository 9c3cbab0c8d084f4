import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../../server/logger.ts';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { adminToken, api, startTestServer, type TestServer } from '../../support/server.ts';

/** The built app the browser suite drives: dist/, or E2E_CLIENT_DIR to test another build. */
export function e2eClientDir(): string {
  return path.resolve(process.env.E2E_CLIENT_DIR || 'dist');
}

/**
 * Every barback the browser suite starts comes from here, so every file serves the same build
 * (a missing one fails loudly instead of serving the API alone).
 */
export function startE2eTestServer(env: Record<string, string>, shared?: Parameters<typeof startTestServer>[1]): Promise<TestServer> {
  const clientDir = e2eClientDir();
  if (!fs.existsSync(path.join(clientDir, 'index.html'))) {
    throw new Error(`no built app in ${clientDir}: run npm run build, or point E2E_CLIENT_DIR at one`);
  }
  return startTestServer({ ...env, CLIENT_DIR: clientDir }, shared);
}

/**
 * A real barback serving the built app (dist/) that a test can stop and start again on the
 * SAME port and the SAME database — a LAN drop as the phone sees it: nothing answers, not the
 * page's requests and not the service worker's. Prefers PostgreSQL (DATABASE_URL); in
 * embedded mode the in-memory database object is kept across restarts.
 */
export class E2eServer {
  private running: TestServer | undefined;
  private port = 0;
  adminToken = '';

  private constructor(
    private readonly testDb: TestDatabase,
    private readonly db: Database | undefined,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<E2eServer> {
    const testDb = await createTestDatabase();
    const db = testDb.databaseUrl
      ? undefined
      : await openDatabase({ databaseUrl: undefined, dataDir: testDb.dataDir, logger: createLogger('silent') });
    const server = new E2eServer(testDb, db, env);
    await server.up();
    server.adminToken = await adminToken(server);
    return server;
  }

  get url(): string {
    if (!this.port) throw new Error('the server never started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where guests go: https://HTTPS_DOMAIN:PORT when the server gets its own certificate, else `url`. */
  get guestOrigin(): string {
    return this.env.HTTPS_DOMAIN ? `https://${this.env.HTTPS_DOMAIN}:${this.port}` : this.url;
  }

  /** The running instance (for SQL assertions through `.db`). */
  get instance(): TestServer {
    if (!this.running) throw new Error('the server is stopped');
    return this.running;
  }

  async up(): Promise<void> {
    if (this.running) return;
    this.running = await startE2eTestServer({ ...this.env, PORT: String(this.port) }, { testDb: this.testDb, ...(this.db ? { db: this.db } : {}) });
    this.port = this.running.port;
  }

  /** Stops answering (open sockets are closed too); the database stays. */
  async down(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  async dispose(): Promise<void> {
    await this.down();
    await this.db?.close();
    await this.testDb.drop();
  }

  /** An admin API call (the host's side of a test). */
  async admin(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    return api(this, method, urlPath, { token: this.adminToken, ...(body === undefined ? {} : { body }) });
  }

  /**
   * A host action while the phone's server is down: a second instance on another port and
   * the same database serves it, so the change is committed before the phone can get through.
   */
  async adminWhileDown(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    if (this.running) throw new Error('the server is up');
    const side = await startE2eTestServer({ ...this.env, PORT: '0' }, { testDb: this.testDb, ...(this.db ? { db: this.db } : {}) });
    try {
      return await api(side, method, urlPath, { token: this.adminToken, ...(body === undefined ? {} : { body }) });
    } finally {
      await side.stop();
    }
  }

  async newJoinUrl(): Promise<string> {
    const res = await this.admin('POST', '/api/admin/registration-codes', { max_uses: 50, expires_in_hours: 4 });
    if (res.status !== 201) throw new Error(`code creation failed: ${res.status} ${JSON.stringify(res.body)}`);
    // The join URL carries PUBLIC_URL or the request's host; the test browser uses this server.
    const url = new URL(res.body.join_url as string);
    return `${this.guestOrigin}${url.pathname}${url.search}`;
  }

  async countOrders(): Promise<number> {
    const { rows } = await this.instance.db.query<{ n: string }>('SELECT count(*)::text AS n FROM orders');
    return Number(rows[0]!.n);
  }
}
