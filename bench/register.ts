/**
 * `npm run bench -- register`: registrations per second over 10 codes, against the strongest
 * simple registration: bare Express 5 + pg taking a use of the code and storing the guest and
 * its refresh token's hash in one statement, then signing an EdDSA access token with a key
 * imported once (bench/baselines/bare-api.ts), tried with every pool size of BENCH_POOL_SIZES;
 * the fastest is the baseline. barback runs as its own process on a fresh PostgreSQL database
 * (created here, dropped afterwards); autocannon runs in the load generator process; rounds
 * are interleaved, each contender on its own 10 codes.
 * For the record, one run each: all clients on one code, GET /api/me with a known token and
 * with tokens never seen before, and token signing and verification in one process.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, jwtVerify } from 'jose';
import { openDatabase } from '../server/db/database.ts';
import { createLogger } from '../server/logger.ts';
import { SigningKeyStore } from '../server/auth/signing-keys.ts';
import { TokenService } from '../server/auth/tokens.ts';
import { benchSecretBox } from './secrets.ts';
import { LoadGenerator, describeLoad, loadRow, type LoadResult } from './load-generator.ts';
import {
  CONNECTIONS,
  POOL_SIZES,
  ROUNDS,
  ROUND_SECONDS,
  adminLogin,
  apiCall,
  bestOf,
  createDatabase,
  interleave,
  medianOf,
  roundRatios,
  scaled,
  showRatio,
  showSpread,
  spawnBarback,
  spawnServer,
  spread,
  withClient,
  type SpawnedProcess,
} from './support.ts';

const CODES = 10;
const MICRO_MS = scaled(2_000, 300);

/** Operations per second of `op`, one at a time, for about `ms` milliseconds. */
async function perSecond(op: () => Promise<unknown>, ms = MICRO_MS): Promise<number> {
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
async function perSecondParallel(op: () => Promise<unknown>, ms = MICRO_MS): Promise<number> {
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
    new SignJWT({ token_type: 'access', role: 'guest', user_key: randomUUID(), username: 'Sam' })
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
    sign: await perSecond(sign),
    verify: await perSecond(verify),
    verifyParallel: await perSecondParallel(verify),
  };
}

export async function run(): Promise<{ markdown: string }> {
  const database = await createDatabase('register');
  const databaseUrl = database.url;
  const generator = LoadGenerator.start();
  const servers: SpawnedProcess[] = [];
  try {
    const barback = await spawnBarback({ DATABASE_URL: databaseUrl });
    servers.push(barback);
    const bare = await spawnServer('bench/baselines/bare-api.ts', [], { DATABASE_URL: databaseUrl, BARE_POOL_SIZES: POOL_SIZES.join(',') });
    servers.push(bare);
    const admin = await adminLogin(barback.url);
    const newCode = async () => (await apiCall(barback.url, 'POST', '/api/admin/registration-codes', { token: admin, body: { max_uses: 10_000 } })).code as string;
    const codes = async (count: number) => {
      const list: string[] = [];
      for (let i = 0; i < count; i++) list.push(await newCode());
      return list;
    };
    const tenCodes = await codes(CODES);
    const bareCodes = async () =>
      withClient(databaseUrl, async (c) =>
        (
          await c.query<{ code: string }>(
            `INSERT INTO bare_codes (expires_at, max_uses) SELECT now() + interval '1 day', 10000 FROM generate_series(1, $1) RETURNING code`,
            [CODES],
          )
        ).rows.map((r) => r.code),
      );
    const register = (url: string, list: string[]) => (seconds: number) =>
      generator.http({ url, connections: CONNECTIONS, seconds, plan: { kind: 'register', codes: list } });
    const bareName = (size: number) => `bare pool ${size}`;
    const bareContenders = [];
    for (const size of POOL_SIZES) bareContenders.push({ name: bareName(size), measure: register(`${bare.url}/bare/${size}/register`, await bareCodes()) });

    process.stdout.write('POST /api/register over 10 codes vs the bare registration…\n');
    const results = await interleave(
      [{ name: 'barback', measure: register(`${barback.url}/api/register`, tenCodes) }, ...bareContenders],
      describeLoad,
    );
    const bestSize = bestOf(POOL_SIZES, (size) => medianOf(results[bareName(size)]!, (r) => r.rps));
    const ours = results.barback!;
    const versus = roundRatios(
      ours.map((r) => r.rps),
      results[bareName(bestSize)]!.map((r) => r.rps),
    );
    const uses = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query<{ uses: number; guests: number }>(
        `SELECT (SELECT sum(use_count)::int FROM registration_codes WHERE code = ANY($1::uuid[])) AS uses,
                (SELECT count(*)::int FROM app_users WHERE metadata->>'registration_code' = ANY($1::text[])) AS guests`,
        [tenCodes],
      );
      return rows[0]!;
    });

    process.stdout.write('for the record: one code, GET /api/me…\n');
    const [oneCode] = await codes(1);
    const amount = scaled(5_000, 500);
    const single = await generator.http({
      url: `${barback.url}/api/register`,
      connections: CONNECTIONS,
      amount,
      plan: { kind: 'register', codes: [oneCode!], collect: true },
    });
    const tokens = single.collected ?? [];
    const me = (list: string[], count: number) =>
      generator.http({ url: `${barback.url}/api/me`, connections: CONNECTIONS, amount: count, plan: { kind: 'bearer', tokens: list } });
    await me(tokens.slice(0, 1), scaled(2_000, 200));
    const meCached = await me(tokens.slice(0, 1), scaled(20_000, 2_000));
    // Every request a token the server has never seen: full EdDSA verification plus the
    // guest-status lookup (a primary-key query) on each request.
    const meFresh = await me(tokens.slice(1), tokens.length - 1);

    process.stdout.write('token signing and verification…\n');
    const rs = await joseFigures('RS256');
    const ed = await joseFigures('EdDSA');
    const db = await openDatabase({ databaseUrl, dataDir: '', logger: createLogger('warn'), poolSize: 2 });
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
    const meCost = us(meCached.rps);
    const pct = (value: number) => `${((value / meCost) * 100).toFixed(1)} %`;
    const onceRow = (what: string, r: LoadResult, extra: string) =>
      `| ${what} | ${Math.round(r.rps).toLocaleString('en')} | ${r.ok} / ${r.ok + r.non2xx + r.errors} | ${r.p50} / ${r.p99} | ${extra} |`;

    const markdown = [
      `barback as its own process on a fresh PostgreSQL database; autocannon with ${CONNECTIONS} connections in its own process; ` +
        `${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s per contender, each on its own ${CODES} codes, median (min–max over rounds). ` +
        'Baseline: bare Express 5 + pg, one statement taking a use of the code and storing the guest and its refresh-token hash, ' +
        `then an EdDSA access token (jose, key imported once); JSON in and out, nosniff; tried with pools of ${POOL_SIZES.join(', ')}, the fastest kept.`,
      '',
      '| POST /api/register, 10 codes | registrations/s | p50 ms | p99 ms | 2xx / non-2xx / errors |',
      '|---|---|---|---|---|',
      loadRow('barback', ours),
      ...POOL_SIZES.map((size) => loadRow(`bare Express + pg + jose, pool ${size}${size === bestSize ? ' (best: the baseline)' : ''}`, results[bareName(size)]!)),
      '',
      `barback: ${showSpread(spread(ours.map((r) => r.rps)))} registrations/s (target ≥ 1,200/s on this kind of machine, quiet); ` +
        `vs the best bare (pool ${bestSize}), round by round: ${showRatio(versus)}. ` +
        `use_count over the 10 codes ${uses.uses}, guests registered with them ${uses.guests} (${uses.uses === uses.guests ? 'equal' : '**not equal**'}).`,
      '',
      'For the record, one run each, barback only:',
      '',
      '| load | req/s | 201 or 200 / sent | latency p50 / p99 ms | note |',
      '|---|---|---|---|---|',
      onceRow('POST /api/register, all on 1 code', single, 'one row lock'),
      onceRow('GET /api/me, one token (verify cached)', meCached, `≈ ${meCost.toFixed(0)} µs of server per request`),
      onceRow('GET /api/me, every token new', meFresh, 'EdDSA verify + status query each time'),
      '',
      'Access-token signing and verification in one process (jose 6, same machine, same run):',
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
    await generator.stop();
    await Promise.all(servers.map((server) => server.stop()));
    await database.drop();
  }
}
