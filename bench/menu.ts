/**
 * `npm run bench -- menu`: GET /api/drinks, the full answer and the 304 revalidation, against
 * bare Express 5 serving the same bytes with the same contract headers (nosniff, ETag, 304)
 * from memory, prepared once (bench/baselines/static-json.ts); bare Node http for the record.
 * Every server is its own process; autocannon runs in the load generator process; rounds are
 * interleaved. Before measuring, the bench checks that every target answers the same bytes
 * with the headers the contract requires, so no side measures less work.
 */
import http from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { LoadGenerator, type LoadResult } from './load-generator.ts';
import {
  CONNECTIONS,
  ROUNDS,
  ROUND_SECONDS,
  createDatabase,
  interleave,
  roundRatios,
  showRatio,
  showSpread,
  spawnBarback,
  spawnServer,
  spread,
  type SpawnedProcess,
} from './support.ts';

/** The contract's answer: same bytes, nosniff, the same ETag; 304 on a match. */
const IDENTITY = { 'accept-encoding': 'identity' };

/** The bytes a phone downloads for the menu: the answer as sent to a client that accepts gzip. */
function wireBytes(url: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/api/drinks`, { headers: { 'accept-encoding': 'gzip, deflate, br' }, agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] ?? 'identity' }));
      })
      .on('error', reject);
  });
}

async function checkSameAnswer(url: string, body: Buffer, etag: string): Promise<void> {
  // The plain representation: the load below asks without Accept-Encoding, as autocannon does.
  const full = await fetch(`${url}/api/drinks`, { headers: IDENTITY });
  const bytes = Buffer.from(await full.arrayBuffer());
  const problems: string[] = [];
  if (full.status !== 200 || !bytes.equals(body)) problems.push(`full answer ${full.status}, ${bytes.length} bytes (expected 200, ${body.length} identical bytes)`);
  if (full.headers.get('etag') !== etag) problems.push(`ETag ${full.headers.get('etag')}`);
  if (full.headers.get('x-content-type-options') !== 'nosniff') problems.push('no nosniff');
  if (!full.headers.get('content-type')?.startsWith('application/json')) problems.push(`content-type ${full.headers.get('content-type')}`);
  if (full.headers.has('x-powered-by')) problems.push('X-Powered-By');
  const revalidated = await fetch(`${url}/api/drinks`, { headers: { ...IDENTITY, 'if-none-match': etag } });
  if (revalidated.status !== 304 || revalidated.headers.get('x-content-type-options') !== 'nosniff') {
    problems.push(`revalidation ${revalidated.status}, nosniff ${revalidated.headers.get('x-content-type-options')}`);
  }
  if (problems.length > 0) throw new Error(`menu bench: ${url} does not answer what the contract requires: ${problems.join('; ')}`);
}

/**
 * The size of the menu answer, per drink: the JSON bytes the server sends (barback does not
 * compress), and for the record the same bytes gzipped, as a compressing reverse proxy would send
 * them. Issue 19's target: within 10 % of 380 bytes per drink (10,651 bytes for the 28 default
 * drinks before issue 19; docs/PERFORMANCE.md).
 */
export function menuBytes(body: Buffer): { bytes: number; drinks: number; perDrink: number; gzipPerDrink: number } {
  const drinks = (JSON.parse(body.toString('utf8')) as { drinks: unknown[] }).drinks.length;
  const perDrink = (n: number) => Math.round((n / Math.max(1, drinks)) * 10) / 10;
  return { bytes: body.length, drinks, perDrink: perDrink(body.length), gzipPerDrink: perDrink(gzipSync(body, { level: 9 }).length) };
}

export async function run(): Promise<{ markdown: string }> {
  const database = await createDatabase('menu');
  const generator = LoadGenerator.start();
  const servers: SpawnedProcess[] = [];
  const file = path.join(os.tmpdir(), `barback-menu-${process.pid}.json`);
  try {
    const barback = await spawnBarback({ DATABASE_URL: database.url });
    servers.push(barback);
    const first = await fetch(`${barback.url}/api/drinks`, { headers: IDENTITY });
    const etag = first.headers.get('etag')!;
    const body = Buffer.from(await first.arrayBuffer());
    await fs.writeFile(file, body);
    const express = await spawnServer('bench/baselines/static-json.ts', ['express', file, etag]);
    servers.push(express);
    const node = await spawnServer('bench/baselines/static-json.ts', ['node', file, etag]);
    servers.push(node);
    for (const server of servers) await checkSameAnswer(server.url, body, etag);

    const target = (name: string, url: string, headers: Record<string, string> = {}) => ({
      name,
      measure: (seconds: number) => generator.http({ url: `${url}/api/drinks`, connections: CONNECTIONS, seconds, plan: { kind: 'fixed', headers } }),
    });
    const revalidate = { 'if-none-match': etag };
    const results = await interleave(
      [
        target('barback full', barback.url),
        target('Express full', express.url),
        target('barback 304', barback.url, revalidate),
        target('Express 304', express.url, revalidate),
        target('Node http full', node.url),
      ],
      (r: LoadResult) => `${Math.round(r.rps)} req/s, p99 ${r.p99} ms`,
    );

    const rps = (name: string) => results[name]!.map((r) => r.rps);
    const row = (label: string, name: string, versus: string, target: string, expected: (r: LoadResult) => number) => {
      const rounds = results[name]!;
      const wrong = rounds.reduce((n, r) => n + r.errors + r.non2xx + r.ok - expected(r), 0);
      const ratio = name === versus ? 'baseline' : showRatio(roundRatios(rps(name), rps(versus)));
      return (
        `| ${label} | ${showSpread(spread(rps(name)))} | ${showSpread(spread(rounds.map((r) => r.p50)))} | ` +
        `${showSpread(spread(rounds.map((r) => r.p99)))} | ${ratio} | ${target} | ${wrong} |`
      );
    };
    // A 304 counts as autocannon's non-2xx: every answer of a revalidation round should be one.
    const full = (r: LoadResult) => r.ok;
    const notModified = (r: LoadResult) => r.non2xx;
    const size = menuBytes(body);
    const wire = await wireBytes(barback.url);
    const markdown = [
      `GET /api/drinks (${body.length} bytes of JSON, ${size.drinks} drinks: ${size.perDrink} bytes per drink, ${size.gzipPerDrink} gzipped; ` +
        `a phone, which accepts gzip, downloads ${wire.bytes} bytes (${wire.encoding}), ${Math.round((wire.bytes / Math.max(1, size.drinks)) * 10) / 10} per drink); ` +
        `autocannon (no Accept-Encoding: the plain JSON on every side), ${CONNECTIONS} connections, in its own process; ` +
        `${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s per target, median (min–max over rounds). ` +
        'Baselines serve the same bytes with the same contract headers (nosniff, ETag, 304), prepared once, each in its own process.',
      '',
      '| target | req/s | p50 ms | p99 ms | vs bare Express (round by round) | target | unexpected answers |',
      '|---|---|---|---|---|---|---|',
      row('barback, full answer', 'barback full', 'Express full', '≥ 1.0×', full),
      row('bare Express 5, same bytes from memory', 'Express full', 'Express full', 'baseline', full),
      row('barback, 304 (If-None-Match)', 'barback 304', 'Express 304', '≥ 1.0×', notModified),
      row('bare Express 5, 304', 'Express 304', 'Express 304', 'baseline', notModified),
      row('bare Node http, same bytes (vs Express)', 'Node http full', 'Express full', 'for the record', full),
      '',
    ].join('\n');
    return { markdown };
  } finally {
    await generator.stop();
    await Promise.all(servers.map((server) => server.stop()));
    await fs.rm(file, { force: true });
    await database.drop();
  }
}
