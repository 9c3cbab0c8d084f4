/**
 * Helpers shared by the benchmarks: the run's settings, starting servers and helper
 * processes, fresh PostgreSQL databases, interleaved rounds and their spreads, simple
 * statistics, and /proc readings.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import net from 'node:net';
import pg from 'pg';
import WebSocket from 'ws';
import { MachineMonitor } from './machine.ts';

/** The PostgreSQL server the benches create their throwaway databases on. */
export const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const numberSetting = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
};

/**
 * `--quick` (or BENCH_QUICK=1): a smoke run that checks every instrument works, with 1-second
 * rounds and small counts. Its numbers are not figures; a quick run never touches the docs.
 */
export const QUICK = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');
// Helper processes read the settings from the environment they inherit.
if (QUICK) process.env.BENCH_QUICK = '1';
/** Measured rounds per contender, interleaved A, B, A, B…; medians and min–max are reported. */
export const ROUNDS = numberSetting('BENCH_ROUNDS', 3);
export const ROUND_SECONDS = numberSetting('BENCH_ROUND_SECONDS', QUICK ? 1 : 5);
/** Unmeasured load each contender gets once before the rounds (JIT, caches, pools). */
export const WARMUP_SECONDS = numberSetting('BENCH_WARMUP_SECONDS', QUICK ? 1 : 3);
/** HTTP connections of every throughput load. */
export const CONNECTIONS = numberSetting('BENCH_CONNECTIONS', 50);
/** Pool sizes every bare Express + pg baseline is tried with; the fastest is its figure. */
export const POOL_SIZES = (process.env.BENCH_POOL_SIZES ?? '5,10,20').split(',').map(Number);
/** A full run's value, or the small one a quick run uses. */
export const scaled = (full: number, quick: number) => (QUICK ? quick : full);

/** Every database of this run carries this mark (helpers inherit it), so the machine monitor knows its backends. */
const RUN_MARK = (process.env.BENCH_RUN_MARK ??= `barback_bench_${randomBytes(3).toString('hex')}`);
/** Samples the rest of the machine's CPU use for the run's notes (bench/machine.ts). */
export const machine = new MachineMonitor(RUN_MARK);

/** The Node flags `npm start` runs barback with, read from package.json's start script. */
function startFlags(): string[] {
  const pkg = JSON.parse(fsSync.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const match = /^node (.*) server\/main\.ts$/.exec(pkg.scripts.start);
  if (!match) throw new Error(`package.json's start script is not "node <flags> server/main.ts": ${pkg.scripts.start}`);
  return match[1]!.split(' ').filter(Boolean);
}

/**
 * The Node flags of every server under test, barback and baselines alike: those `npm start`
 * gives barback, so barback runs as it is run and no side gets a different runtime.
 * BENCH_NODE_ARGS adds flags to all of them (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 * profiles each server).
 */
export const SERVER_NODE_FLAGS = [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...startFlags()];

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across this machine's processes. */
export const epochMs = () => performance.timeOrigin + performance.now();

/** The host account every benchmarked barback is started with. */
export const BENCH_ADMIN = { email: 'bench@barback.test', password: 'bench password 123' };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SpawnedProcess {
  url: string;
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
  /** A full garbage collection in the process, through its inspector (started with `inspect`). */
  collectGarbage?(): Promise<void>;
}

export interface SpawnOptions {
  /**
   * Opens the Node inspector on a loopback port, for collectGarbage() only: no session is
   * attached otherwise. Give it to every side of a comparison (same Node flags).
   */
  inspect?: boolean;
}

/**
 * Starts a server under test as its own process (never sharing an event loop with a load
 * generator or the bench), with SERVER_NODE_FLAGS and NODE_ENV=production, and waits until
 * it prints `LISTENING <url>` or barback's banner.
 */
export async function spawnServer(script: string, args: string[], env: Record<string, string> = {}, options: SpawnOptions = {}): Promise<SpawnedProcess> {
  const inspectPort = options.inspect ? await freePort() : undefined;
  const inspect = inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [];
  const child = spawn(process.execPath, [...inspect, ...SERVER_NODE_FLAGS, script, ...args], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', inspectPort ? 'pipe' : 'inherit'],
  });
  if (inspectPort) passStderrWithoutInspector(child);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\S+)/.exec(output) ?? /On this laptop:\s+(\S+?)\/admin/.exec(output);
      if (match) {
        clearTimeout(timer);
        // Keep draining stdout so the server never blocks on a full pipe, but stop keeping it.
        child.stdout!.off('data', onData).resume();
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
  return {
    url,
    child,
    pid: child.pid!,
    stop: () => stopProcess(child),
    ...(inspectPort ? { collectGarbage: () => collectGarbage(inspectPort) } : {}),
  };
}

/** The inspector's own lines ("Debugger listening on …", "Debugger attached." …) say nothing about the server. */
const INSPECTOR_LINE = /^(Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs\.org\/.*inspector|Waiting for the debugger to disconnect)/;

/** Passes a server's stderr on, line by line, all but the inspector's own lines. */
function passStderrWithoutInspector(child: ChildProcess): void {
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    if (!INSPECTOR_LINE.test(line)) process.stderr.write(`${line}\n`);
  });
}

/** A loopback port free at the moment of asking. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** HeapProfiler.collectGarbage over the inspector protocol: a full, compacting collection. */
async function collectGarbage(port: number): Promise<void> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
      socket.on('message', (data) => {
        const answer = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (answer.id !== 1) return;
        if (answer.error) reject(new Error(answer.error.message));
        else resolve();
      });
      socket.once('error', reject);
    });
  } finally {
    socket.close();
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `killAfterMs`. */
export function stopProcess(child: ChildProcess, killAfterMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
  });
}

/**
 * barback itself, as `npm start` runs it, on the given DATABASE_URL (or a fresh embedded
 * database), ready once /api/health answers 200 (start-up, migrations and the host account
 * done). Without CLIENT_DIR it serves the API alone: no PWA build, only the API is measured.
 */
export async function spawnBarback(env: Record<string, string> = {}, options: SpawnOptions = {}): Promise<SpawnedProcess> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-bench-'));
  const clientDir = env.CLIENT_DIR ?? path.join(dataDir, 'no-client');
  if (!env.CLIENT_DIR) {
    await fs.mkdir(clientDir);
    await fs.writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>bench</title>');
  }
  const server = await spawnServer('server/main.ts', [], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    ...env,
    CLIENT_DIR: clientDir,
  }, options);
  await waitForHttp(`${server.url}/api/health`, server.child, (res) => res.ok);
  return {
    ...server,
    async stop() {
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `url` every 200 ms for up to 60 s until `ready(answer)`; fails early if `child` exits. */
export async function waitForHttp(url: string, child: ChildProcess, ready: (res: Response) => boolean = () => true): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if (ready(await fetch(url))) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill();
  throw new Error(`${url} did not answer within 60 s`);
}

/** A JSON API call that sets a bench up (not a measured one): the parsed answer; anything but a 2xx is an error. */
export async function apiCall(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!res.ok) throw new Error(`${method} ${base}${path}: ${res.status} ${await res.text()}`);
  return res.json(); // wire JSON, read by the caller
}

/** The bench host's access token; the account is created just after the server starts listening, so retry briefly. */
export async function adminLogin(base: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return ((await apiCall(base, 'POST', '/api/admin/login', { body: BENCH_ADMIN })) as { access_token: string }).access_token;
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(250);
    }
  }
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database named after `label` and this run on BASE_URL; drop() removes it again, closing whatever is still connected. */
export async function createDatabase(label: string): Promise<BenchDatabase> {
  const base = BASE_URL;
  const name = `${RUN_MARK}_${label.replace(/\W/g, '_')}`;
  await withClient(base, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withClient(base, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export interface BenchGuest {
  userKey: string;
  token: string;
}

/** Guests straight in SQL, with tokens signed by barback's own key store on the same database. */
export async function createGuests(databaseUrl: string, count: number): Promise<BenchGuest[]> {
  // Imported here, not at the top: the helper processes load this module too and need none of it.
  const { openDatabase } = await import('../server/db/database.ts');
  const { createLogger } = await import('../server/logger.ts');
  const { SigningKeyStore } = await import('../server/auth/signing-keys.ts');
  const { TokenService } = await import('../server/auth/tokens.ts');
  const { benchSecretBox } = await import('./secrets.ts');
  const db = await openDatabase({ databaseUrl, dataDir: 'unused', logger: createLogger('silent'), poolSize: 2 });
  try {
    const keys = new SigningKeyStore(db, benchSecretBox());
    await keys.init();
    const tokens = new TokenService(keys);
    const { rows } = await db.query<{ user_key: string }>(
      `INSERT INTO app_users (username) SELECT 'Bench guest ' || n FROM generate_series(1, $1) n RETURNING user_key`,
      [count],
    );
    const guests: BenchGuest[] = [];
    for (const row of rows) guests.push({ userKey: row.user_key, token: await tokens.signGuest(row.user_key, 'Bench guest', 3_600) });
    return guests;
  } finally {
    await db.close();
  }
}

/**
 * A helper process of the bench (a load generator, a socket fleet): the same script, started
 * with BENCH_ROLE=<role>, answering one request at a time over IPC. The bench process itself
 * only coordinates: it never generates load or holds the measured sockets.
 */
export class HelperProcess {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.result);
    });
    child.once('exit', (code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`bench helper exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(script: string, role: string): HelperProcess {
    return new HelperProcess(fork(script, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_ROLE: role } }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T>(message: object): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, message });
    });
  }

  async stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await stopProcess(this.child, 5_000);
  }
}

/** The helper's side of HelperProcess: answers each request with `handle`'s result; exits when the bench lets go. */
export function serveHelper(handle: (message: any) => Promise<unknown>): void {
  process.on('message', ({ id, message }: { id: number; message: unknown }) => {
    handle(message).then(
      (result) => process.send!({ id, result }),
      (error: unknown) => process.send!({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** A median with the spread around it: over rounds, min and max. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** The candidate with the highest score, or with `lowest`, the lowest (a baseline's best configuration). */
export function bestOf<K>(candidates: K[], score: (candidate: K) => number, lowest = false): K {
  const sign = lowest ? -1 : 1;
  return candidates.reduce((best, candidate) => (sign * score(candidate) > sign * score(best) ? candidate : best));
}

/** The median over rounds of one figure. */
export const medianOf = <T>(rounds: T[], pick: (value: T) => number) => spread(rounds.map(pick)).median;

/** Round-by-round ratios a[i] / b[i] (rounds are interleaved, so each pair shared a moment of the machine). */
export const roundRatios = (a: number[], b: number[]) => spread(a.map((value, i) => value / b[i]!));

const number = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';

/** "2,940 (2,453–3,098)": the median, then min–max. */
export const showSpread = (s: Spread, digits = 0) => `${number(s.median, digits)} (${number(s.min, digits)}–${number(s.max, digits)})`;

/** "1.23× (1.10–1.31)" */
export const showRatio = (s: Spread) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

export interface Contender<T> {
  name: string;
  /** One round of `seconds` of load, measured. */
  measure: (seconds: number) => Promise<T>;
}

/**
 * Every contender once unmeasured (warm-up), then ROUNDS rounds of ROUND_SECONDS, interleaved
 * A, B, C, A, B, C…, so a noisy moment of the shared machine falls on every side alike.
 * Each round is logged with what the rest of the machine used meanwhile.
 */
export async function interleave<T>(contenders: Contender<T>[], describe: (value: T) => string): Promise<Record<string, T[]>> {
  const results: Record<string, T[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (const contender of contenders) await contender.measure(WARMUP_SECONDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const contender of contenders) {
      const window = machine.open();
      const value = await contender.measure(ROUND_SECONDS);
      const others = window.close();
      results[contender.name]!.push(value);
      const note = others.quiet ? '' : '  ⚠ machine not quiet';
      process.stdout.write(`  round ${round}/${ROUNDS} ${contender.name}: ${describe(value)} (others ${others.otherCores.toFixed(2)} cores)${note}\n`);
    }
  }
  return results;
}

/** The value at rank p % of the sorted values (no interpolation); NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The upper median (no averaging of the middle two); NaN for none. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** /proc/<pid>/stat utime + stime, in seconds. */
export function cpuSeconds(pid: number): number {
  const fields = fsSync.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size now and its high-water mark, in MB, from /proc/<pid>/status. */
export function memory(pid: number): { rss: number; hwm: number } {
  const status = fsSync.readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024, hwm: Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024 };
}

/**
 * A process's resident memory at rest, in MB: after a full garbage collection when the process
 * was started with `inspect` (what is left is what is live, not what a collection has yet to
 * free), then the lowest of several samples over `ms`.
 */
export async function restingRss(server: SpawnedProcess, ms = 1_000, samples = 5): Promise<number> {
  await server.collectGarbage?.();
  let low = Infinity;
  for (let i = 0; i < samples; i++) {
    low = Math.min(low, memory(server.pid).rss);
    await new Promise((resolve) => setTimeout(resolve, ms / samples));
  }
  return low;
}

/** The built client in dist/; builds it first when missing. */
export const DIST = path.resolve('dist');
/** Builds the client from the code as it is now: a dist/ left from an earlier build would measure other code. */
export function ensureClientBuilt(): void {
  const result = spawnSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed');
}

export function gzipKb(file: string): number {
  return zlib.gzipSync(fsSync.readFileSync(file), { level: 9 }).length / 1024;
}
