/**
 * `npm run bench -- register`: registrations per second (50 clients, spread over 10 codes and
 * all on one code), access-token signing and verification per second for EdDSA (chosen) and RS256, and
 * the cost of GET /api/me for comparison. barback runs as its own process on a fresh
 * PostgreSQL database (created here, dropped afterwards); autocannon drives it from this one.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { SignJWT, generateKeyPair, jwtVerify } from 'jose';
import { openDatabase } from '../server/db/database.ts';
import { createLogger } from '../server/logger.ts';
import { SigningKeyStore } from '../server/auth/signing-keys.ts';
import { TokenService } from '../server/auth/tokens.ts';
import { benchSecretBox } from './secrets.ts';
import { BASE_URL, adminLogin, createDatabase, freePort, startApiBarback, stopProcess, summarise, withClient, type LoadResult } from './support.ts';

// This bench alone also falls back to DATABASE_URL for the server it creates its database on.
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? BASE_URL;
const CONNECTIONS = 50;

async function json(url: string, init: RequestInit & { token?: string } = {}): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { ...init, headers });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Fires `amount` registrations with 50 connections, cycling over `codes`; collects the tokens issued. */
async function registrations(base: string, codes: string[], amount: number, tokens: string[]): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: `${base}/api/register`,
    connections: CONNECTIONS,
    amount,
    requests: [
      {
        method: 'POST',
        setupRequest(request: any) {
          const code = codes[next++ % codes.length]!;
          return {
            ...request,
            headers: { 'content-type': 'application/json', 'x-registration-code': code, 'user-agent': 'bench' },
            body: JSON.stringify({ username: `Guest ${next}` }),
          };
        },
        onResponse(status: number, body: string) {
          if (status === 201) tokens.push(JSON.parse(body).access_token);
        },
      },
    ],
  });
  return summarise(result);
}

async function me(base: string, tokens: string[], amount: number): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: `${base}/api/me`,
    connections: CONNECTIONS,
    amount,
    requests: [
      {
        method: 'GET',
        setupRequest(request: any) {
          return { ...request, headers: { authorization: `Bearer ${tokens[next++ % tokens.length]}` } };
        },
      },
    ],
  });
  return summarise(result);
}

/** Operations per second of `op`, one at a time, for about `ms` milliseconds. */
async function perSecond(op: () => Promise<unknown>, ms = 2_000): Promise<number> {
  for (let i = 0; i < 200; i++) await op();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) await op();
    n += 100;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

/** The same, with 50 operations in flight (EdDSA's WebCrypto work runs on libuv's pool). */
async function perSecondParallel(op: () => Promise<unknown>, ms = 2_000): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await Promise.all(Array.from({ length: CONNECTIONS }, op));
    n += CONNECTIONS;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

async function joseFigures(alg: 'RS256' | 'EdDSA') {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const now = Math.floor(Date.now() / 1000);
  const sign = () =>
    new SignJWT({ token_type: 'access', role: 'guest', user_key: crypto.randomUUID(), username: 'Sam' })
      .setProtectedHeader({ alg, kid: 'k' })
      .setIssuer('barback')
      .setAudience('barback')
      .setSubject('s')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
  const token = await sign();
  const verify = () => jwtVerify(token, publicKey, { algorithms: [alg], issuer: 'barback', audience: 'barback' });
  return {
    sign: await perSecond(sign, 1_500),
    verify: await perSecond(verify),
    verifyParallel: await perSecondParallel(verify),
  };
}

export async function run(): Promise<{ markdown: string }> {
  const database = await createDatabase(`barback_bench_${randomBytes(5).toString('hex')}`, SERVER_URL);
  const databaseUrl = database.url;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  try {
    child = await startApiBarback(port, { DATABASE_URL: databaseUrl });
    const admin = await adminLogin(base);
    const newCode = async () =>
      (await json(`${base}/api/admin/registration-codes`, { method: 'POST', token: admin, body: JSON.stringify({ max_uses: 10_000 }) }))
        .code as string;
    const tenCodes: string[] = [];
    for (let i = 0; i < 10; i++) tenCodes.push(await newCode());
    const oneCode = [await newCode()];
    const warmCode = [await newCode()];

    const tokens: string[] = [];
    process.stdout.write('warm-up…\n');
    await registrations(base, warmCode, 1_000, []);
    process.stdout.write('registrations over 10 codes…\n');
    const spread = await registrations(base, tenCodes, 8_000, tokens);
    process.stdout.write('registrations on one code…\n');
    const single = await registrations(base, oneCode, 5_000, tokens);
    const counts = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query<{ code: string; use_count: number }>('SELECT code, use_count FROM registration_codes');
      return new Map(rows.map((r) => [r.code, r.use_count]));
    });

    process.stdout.write('GET /api/me…\n');
    await me(base, tokens.slice(0, 1), 2_000);
    const meCached = await me(base, tokens.slice(0, 1), 20_000);
    // Every request a token the server has never seen: full EdDSA verification plus the
    // guest-status lookup (a primary-key query) on each request.
    const meFresh = await me(base, tokens.slice(1), tokens.length - 1);

    process.stdout.write('token verification…\n');
    const rs = await joseFigures('RS256');
    const ed = await joseFigures('EdDSA');
    const logger = createLogger('warn');
    const db = await openDatabase({ databaseUrl, dataDir: '', logger, poolSize: 2 });
    let serviceRaw = 0;
    let serviceCached = 0;
    try {
      const keys = new SigningKeyStore(db, benchSecretBox());
      await keys.init();
      const service = new TokenService(keys);
      const token = tokens[0]!;
      serviceRaw = await perSecond(() => service.verifyUncached(token));
      serviceCached = await perSecond(() => service.verify(token));
    } finally {
      await db.close();
    }

    const us = (perSecond: number) => (perSecond > 0 ? 1e6 / perSecond : Infinity);
    const meCost = us(meCached.answeredRps);
    const pct = (value: number) => `${((value / meCost) * 100).toFixed(1)} %`;
    const spreadUses = tenCodes.reduce((sum, c) => sum + (counts.get(c) ?? 0), 0);
    const row = (what: string, r: LoadResult, extra: string) =>
      `| ${what} | ${r.answeredRps.toLocaleString('en')} | ${r.ok} / ${r.ok + r.non2xx + r.errors} | ${r.p50} / ${r.p99} | ${extra} |`;

    const markdown = [
      `barback as its own process on a fresh PostgreSQL database; autocannon, ${CONNECTIONS} connections, from the bench process.`,
      '',
      '| load | req/s | 201 or 200 / sent | latency p50 / p99 ms | note |',
      '|---|---|---|---|---|',
      row('POST /api/register, 10 codes', spread, `use_count total ${spreadUses} (target ≥ 1,000 req/s)`),
      row('POST /api/register, all on 1 code', single, `use_count ${counts.get(oneCode[0]!) ?? '?'}; one row lock`),
      row('GET /api/me, one token (verify cached)', meCached, `≈ ${meCost.toFixed(0)} µs of server per request`),
      row('GET /api/me, every token new', meFresh, 'EdDSA verify + status query each time'),
      '',
      'Access-token verification in one process (jose 6, same machine, same run):',
      '',
      '| algorithm | sign/s | verify/s (one at a time) | verify/s (50 in flight) | verify cost vs GET /api/me |',
      '|---|---|---|---|---|',
      `| EdDSA (chosen) | ${ed.sign.toLocaleString('en')} | ${ed.verify.toLocaleString('en')} | ${ed.verifyParallel.toLocaleString('en')} | ${pct(us(ed.verify))} |`,
      `| RS256 | ${rs.sign.toLocaleString('en')} | ${rs.verify.toLocaleString('en')} | ${rs.verifyParallel.toLocaleString('en')} | ${pct(us(rs.verify))} |`,
      `| TokenService.verifyUncached (EdDSA + claim checks) | – | ${serviceRaw.toLocaleString('en')} | – | ${pct(us(serviceRaw))} |`,
      `| TokenService.verify, cached token | – | ${serviceCached.toLocaleString('en')} | – | ${pct(us(serviceCached))} |`,
    ].join('\n');
    return { markdown };
  } finally {
    if (child) await stopProcess(child, 5_000);
    await database.drop();
  }
}
