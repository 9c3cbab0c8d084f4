import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../support/net.ts';

/**
 * Helpers for the fault suite: barback as a real child process (so it can be killed with
 * SIGKILL), fresh databases, a throwaway PostgreSQL cluster, and guests whose clients behave
 * like the app's outbox (one client-generated id per order, retried until answered).
 */

export const ADMIN = { email: 'faults@barback.test', password: 'fault-tolerant host' };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}


export interface BarbackProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** `node --import tsx server/main.ts` as `npm start` runs it, API only, on 127.0.0.1:<port>. */
export async function startBarback(env: Record<string, string>, port?: number): Promise<BarbackProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: String(listenPort),
      HOST: '127.0.0.1',
      BARBACK_NO_BUILD: '1',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${listenPort}`;
  await waitFor(`barback on ${url} to open (${log})`, () => {
    if (child.exitCode !== null) throw new Error(`barback exited with ${child.exitCode}: ${log}`);
    return log.includes('barback is open') ? true : undefined;
  }, 90_000);
  return {
    url,
    port: listenPort,
    child,
    output: () => log,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }
      await exited;
    },
  };
}

/** A fresh database on the PostgreSQL that DATABASE_URL points at, dropped afterwards. */
export async function freshDatabase(baseUrl = process.env.DATABASE_URL!): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `barback_fault_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await client.end();
    },
  };
}

export async function query<T extends object>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The newest PostgreSQL server binaries Debian installed (or PG_BIN), whatever the major version. */
function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = (() => {
    try {
      return readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    } catch {
      return [];
    }
  })();
  return `/usr/lib/postgresql/${versions[0] ?? '15'}/bin`;
}
const PG_BIN = postgresBin();

/**
 * A PostgreSQL cluster of the test's own, so stopping it harms nobody else. PostgreSQL
 * refuses to run as root, so as root the binaries run as the postgres user.
 */
export class ThrowawayCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static available(): boolean {
    return spawnSync(`${PG_BIN}/initdb`, ['--version']).status === 0 && (process.getuid?.() !== 0 || spawnSync('id', ['postgres']).status === 0);
  }

  static async create(): Promise<ThrowawayCluster> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-pg-cluster-'));
    const cluster = new ThrowawayCluster(dir, await freePort());
    if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'postgres', dir]);
    cluster.run('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]): void {
    const command = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', `${PG_BIN}/${tool}`, ...args]] : [`${PG_BIN}/${tool}`, args];
    const result = spawnSync(command[0] as string, command[1] as string[], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  }

  async start(): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`, '-l', path.join(this.dir, 'log'), '-w', 'start']);
  }

  /** Fast shutdown: open sessions are terminated, as when the host restarts the database. */
  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers }, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function adminLogin(url: string): Promise<string> {
  const res = await json(`${url}/api/admin/login`, { method: 'POST', body: JSON.stringify(ADMIN) });
  if (res.status !== 200) throw new Error(`admin login: ${res.status}`);
  return res.body.access_token as string;
}

export interface Party {
  admin: string;
  drinks: { id: string; name: string }[];
  guests: OutboxGuest[];
}

/** Registers `count` guests through the public flow and reads the menu. */
export async function gatherParty(url: string, count: number): Promise<Party> {
  const admin = await adminLogin(url);
  const code = await json(`${url}/api/admin/registration-codes`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: JSON.stringify({ max_uses: count }) });
  const guests: OutboxGuest[] = [];
  for (let i = 0; i < count; i++) {
    const res = await json(`${url}/api/register`, { method: 'POST', headers: { 'x-registration-code': code.body.code }, body: JSON.stringify({ username: `Guest ${i}` }) });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    guests.push(new OutboxGuest(res.body.user.user_key, res.body.access_token));
  }
  const drinks = (await json(`${url}/api/drinks`)).body.drinks as { id: string; name: string }[];
  return { admin, drinks, guests };
}

export interface IntendedOrder {
  id: string;
  drink_id: string;
  notes: string;
}

/**
 * A guest's phone with the app's outbox: each order gets its id when the guest taps, and
 * the same request is sent again (network error, 5xx, 408, 429) until the server gives a
 * definitive answer. A 2xx is the server's promise that the order is kept.
 */
export class OutboxGuest {
  readonly intended: IntendedOrder[] = [];
  /** Orders the server answered 2xx for, and when. */
  readonly acknowledged = new Set<string>();
  readonly refused: { id: string; status: number; body: unknown }[] = [];
  /** Status codes (or 'network') of answers that were retried. */
  readonly retried: (number | 'network')[] = [];

  constructor(
    readonly userKey: string,
    readonly token: string,
  ) {}

  want(drinkId: string, note: string): IntendedOrder {
    const order = { id: randomUUID(), drink_id: drinkId, notes: note };
    this.intended.push(order);
    return order;
  }

  /** Sends every intended order in turn; `baseUrl` is asked again before every attempt. */
  async drain(baseUrl: () => string, options: { thinkMs?: number; deadline: number; onAnswer?: (status: number | 'network', body: unknown) => void }): Promise<void> {
    for (const order of this.intended) {
      if (this.acknowledged.has(order.id)) continue;
      for (;;) {
        if (Date.now() > options.deadline) throw new Error(`guest ${this.userKey}: order ${order.id} still unanswered at the deadline`);
        let outcome: number | 'network';
        let body: unknown;
        try {
          const res = await fetch(`${baseUrl()}/api/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
            body: JSON.stringify(order),
            signal: AbortSignal.timeout(10_000),
          });
          outcome = res.status;
          const text = await res.text();
          body = text ? JSON.parse(text) : undefined;
        } catch (error) {
          if ((error as Error).name === 'TimeoutError') throw new Error(`guest ${this.userKey}: a request hung for 10 s`);
          outcome = 'network';
        }
        options.onAnswer?.(outcome, body);
        if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) {
          this.acknowledged.add(order.id);
          break;
        }
        if (typeof outcome === 'number' && outcome >= 400 && outcome < 500 && outcome !== 408 && outcome !== 429) {
          this.refused.push({ id: order.id, status: outcome, body });
          break;
        }
        this.retried.push(outcome);
        await sleep(40 + Math.random() * 80);
      }
      if (options.thinkMs) await sleep(options.thinkMs * (0.5 + Math.random()));
    }
  }
}

/** Every order row of these guests: id → count of rows, grouped by guest. */
export async function ordersInDatabase(databaseUrl: string, userKeys: string[]): Promise<Map<string, string[]>> {
  const rows = await query<{ id: string; user_key: string }>(databaseUrl, 'SELECT id, user_key FROM orders WHERE user_key = ANY($1::uuid[])', [userKeys]);
  const byGuest = new Map<string, string[]>(userKeys.map((k) => [k, []]));
  for (const row of rows) byGuest.get(row.user_key)!.push(row.id);
  return byGuest;
}

export interface OrderState {
  status: string;
  version: bigint;
}

const authHeader = (token: string) => `header-${Buffer.from(JSON.stringify({ host: 'barback', Authorization: token })).toString('base64url')}`;

/**
 * A guest's live view of their orders, kept the way the app keeps it: events from
 * `/orders/<user_key>` over a raw AppSync Events WebSocket, plus catch-up with
 * GET /api/orders?since=<cursor> after every (re)connect. A change is applied only when its
 * version is newer than what the view holds, so events and catch-up may overlap freely.
 */
export class LiveGuest {
  readonly view = new Map<string, OrderState>();
  cursor: string | undefined;
  socket: import('ws').WebSocket | undefined;
  eventsReceived = 0;
  onClose: (() => void) | undefined;

  constructor(
    readonly userKey: string,
    readonly token: string,
  ) {}

  apply(orderId: string, status: string, version: string): void {
    const known = this.view.get(orderId);
    const incoming = BigInt(version);
    if (!known || incoming > known.version) this.view.set(orderId, { status, version: incoming });
  }

  async catchUp(baseUrl: string): Promise<void> {
    const query = this.cursor === undefined ? '' : `?since=${this.cursor}`;
    const res = await fetch(`${baseUrl}/api/orders${query}`, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(15_000) });
    if (res.status !== 200) throw new Error(`catch-up: ${res.status}`);
    const body = (await res.json()) as { orders: { id: string; status: string; version: string }[]; cursor: string };
    for (const order of body.orders) this.apply(order.id, order.status, order.version);
    this.cursor = body.cursor;
  }

  /** Opens the socket, subscribes, and only then catches up, so nothing falls in between. */
  async connect(baseUrl: string): Promise<void> {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/event/realtime`, ['aws-appsync-event-ws', authHeader(this.token)]);
    this.socket = ws;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no subscribe_success within 15 s')), 15_000);
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; event?: string };
        if (frame.type === 'connection_ack') {
          ws.send(JSON.stringify({ type: 'subscribe', id: 'orders', channel: `/orders/${this.userKey}`, authorization: { host: 'barback', Authorization: this.token } }));
        } else if (frame.type === 'subscribe_success') {
          clearTimeout(timer);
          resolve();
        } else if (frame.type === 'data' && frame.event) {
          const event = JSON.parse(frame.event) as { order_id: string; status: string; version: string };
          this.eventsReceived += 1;
          this.apply(event.order_id, event.status, event.version);
        } else if (frame.type.endsWith('error')) {
          reject(new Error(`events: ${String(data)}`));
        }
      });
      ws.once('open', () => ws.send('{"type":"connection_init"}'));
      ws.once('error', reject);
      ws.once('close', () => {
        clearTimeout(timer);
        reject(new Error('closed before subscribing'));
        this.onClose?.();
      });
    });
    await this.catchUp(baseUrl);
  }

  close(): void {
    this.onClose = undefined;
    this.socket?.terminate();
  }
}

/** What the database holds for one guest, in the same shape as a view. */
export async function databaseView(databaseUrl: string, userKey: string): Promise<Map<string, OrderState>> {
  const rows = await query<{ id: string; status: string; version: string }>(databaseUrl, 'SELECT id, status, version FROM orders WHERE user_key = $1', [userKey]);
  return new Map(rows.map((r) => [r.id, { status: r.status, version: BigInt(r.version) }]));
}

export function sameView(a: Map<string, OrderState>, b: Map<string, OrderState>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, state] of a) {
    const other = b.get(id);
    if (!other || other.status !== state.status || other.version !== state.version) return false;
  }
  return true;
}
