/**
 * Helpers shared by the benchmarks: starting processes, fresh PostgreSQL databases,
 * load generation and its summary, simple statistics, and /proc readings.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import pg from 'pg';

/** The PostgreSQL server the benches create their throwaway databases on. */
export const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The host account every benchmarked barback is started with. */
export const BENCH_ADMIN = { email: 'bench@barback.test', password: 'bench password 123' };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SpawnedProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a Node script as its own process (servers under test never share the load
 * generator's event loop) and waits until it prints `LISTENING <url>` or barback's banner.
 */
export async function spawnNode(script: string, args: string[], env: Record<string, string> = {}): Promise<SpawnedProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\S+)/.exec(output) ?? /On this laptop:\s+(\S+?)\/admin/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
  return {
    url,
    child,
    stop: () => stopProcess(child),
  };
}

/** SIGTERM, then SIGKILL if the process is still there after `killAfterMs`. */
export function stopProcess(child: ChildProcess, killAfterMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
  });
}

/** barback itself, as `npm start` runs it, on a fresh embedded database or the given DATABASE_URL. */
export async function spawnBarback(env: Record<string, string> = {}): Promise<SpawnedProcess & { dataDir: string }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-bench-'));
  const server = await spawnNode('server/main.ts', [], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    BARBACK_NO_BUILD: '1',
    ...env,
  });
  return {
    ...server,
    dataDir,
    async stop() {
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * barback for the API throughput benches (register, orders): NODE_ENV=production on a given
 * port, stdout ignored, ready once /api/health answers 200. Unlike spawnBarback it needs a
 * DATABASE_URL in `env`.
 */
export async function startApiBarback(port: number, env: Record<string, string>): Promise<ChildProcess> {
  // An empty client dir keeps main.ts from building the PWA; only the API is measured.
  const clientDir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-bench-client-'));
  await fs.writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>bench</title>');
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server under test.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_EMAIL: BENCH_ADMIN.email,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      LOG_LEVEL: 'warn',
      CLIENT_DIR: clientDir,
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, child, (res) => res.ok);
  return child;
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** POSTs the bench host's credentials; the account is created just after the server starts listening, so retry briefly. */
export async function adminLogin(base: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${base}/api/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BENCH_ADMIN),
      });
      if (!res.ok) throw new Error(`POST ${base}/api/admin/login: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
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

/** CREATE DATABASE `name` on `base`; drop() removes it again, closing whatever is still connected. */
export async function createDatabase(name: string, base = BASE_URL): Promise<BenchDatabase> {
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
  // Imported here, not at the top: the bare baselines started from bench files load this module too.
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

export interface LoadResult {
  /** autocannon's mean of the per-second request counts. */
  rps: number;
  /** Answers (2xx and others) divided by the run's duration: fairer than `rps` for short `amount` runs. */
  answeredRps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

export function summarise(result: autocannon.Result): LoadResult {
  return {
    rps: result.requests.average,
    answeredRps: Math.round((result['2xx'] + result.non2xx) / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** autocannon with 50 connections for 10 s unless told otherwise; `rps` rounded. */
export async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = summarise(await autocannon({ connections: 50, duration: 10, ...options }));
  return { ...result, rps: Math.round(result.rps) };
}

export const pct = (value: number, base: number) => `${Math.round((value / base) * 100)}%`;

/** The value at rank p % of the sorted values (no interpolation); NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The upper median (no averaging of the middle two); NaN for none. */
export function median(values: number[]): number {
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

/** The built client in dist/; builds it first when missing. */
export const DIST = path.resolve('dist');
export function ensureClientBuilt(): void {
  if (!fsSync.existsSync(path.join(DIST, 'index.html'))) {
    const result = spawnSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('vite build failed');
  }
}

export function gzipKb(file: string): number {
  return zlib.gzipSync(fsSync.readFileSync(file), { level: 9 }).length / 1024;
}
