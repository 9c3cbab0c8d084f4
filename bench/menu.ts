/**
 * GET /api/drinks under autocannon (50 connections, 10 s), full answer and the 304 path,
 * next to bare Express 5 and bare Node http serving the same JSON from memory.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load, pct, spawnBarback, spawnNode, type LoadResult } from './support.ts';

export async function run(): Promise<{ markdown: string }> {
  const barback = await spawnBarback();
  const results: Record<string, LoadResult> = {};
  try {
    const first = await fetch(`${barback.url}/api/drinks`);
    const etag = first.headers.get('etag')!;
    const body = await first.text();
    const file = path.join(os.tmpdir(), `barback-menu-${process.pid}.json`);
    await fs.writeFile(file, body);

    const express = await spawnNode('bench/baselines/static-json.ts', ['express', file]);
    const node = await spawnNode('bench/baselines/static-json.ts', ['node', file]);
    try {
      // Warm up each target briefly so JIT and caches are comparable.
      for (const url of [barback.url, express.url, node.url]) await load({ url: `${url}/api/drinks`, duration: 2 });
      results.express = await load({ url: `${express.url}/api/drinks` });
      results.full = await load({ url: `${barback.url}/api/drinks` });
      results.notModified = await load({ url: `${barback.url}/api/drinks`, headers: { 'if-none-match': etag } });
      results.node = await load({ url: `${node.url}/api/drinks` });
    } finally {
      await express.stop();
      await node.stop();
      await fs.rm(file, { force: true });
    }
    const bytes = Buffer.byteLength(body);
    const row = (name: string, r: LoadResult, target: string) =>
      `| ${name} | ${r.rps} | ${r.p50} | ${r.p99} | ${pct(r.rps, results.express!.rps)} | ${target} | ${r.errors + r.non2xx - (name.includes('304') ? r.non2xx : 0)} |`;
    const markdown = [
      `GET /api/drinks (${bytes} bytes of JSON), autocannon 50 connections × 10 s from a separate process.`,
      '',
      '| target | req/s | p50 ms | p99 ms | vs bare Express | target | errors |',
      '|---|---|---|---|---|---|---|',
      row('barback, full answer', results.full!, '≥ 80%'),
      row('barback, 304 (If-None-Match)', results.notModified!, '≥ 90%'),
      row('bare Express 5, same JSON from memory', results.express!, 'baseline'),
      row('bare Node http, same JSON', results.node!, 'for the record'),
      '',
    ].join('\n');
    return { markdown };
  } finally {
    await barback.stop();
  }
}
