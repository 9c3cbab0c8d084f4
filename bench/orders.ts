/**
 * `npm run bench -- orders`: order creation under load, next to the strongest simple endpoint
 * that stores an order, then the `since` catch-up read.
 *
 * barback runs as its own process on a fresh PostgreSQL database (created here, dropped
 * afterwards) with MAX_ACTIVE_ORDERS raised; 200 guests with real signed tokens take turns
 * POSTing orders with fresh ids. The baseline is bare Express 5 + pg doing one INSERT into a
 * table of the same shape on the same database (bench/baselines/bare-api.ts), tried with every
 * pool size of BENCH_POOL_SIZES in the same rounds; the fastest is the baseline. autocannon
 * runs in the load generator process; rounds are interleaved.
 * Then GET /api/orders?since= for a guest with 1,000 past orders against one with 10.
 */
import { LoadGenerator, describeLoad, loadRow } from './load-generator.ts';
import {
  CONNECTIONS,
  POOL_SIZES,
  ROUNDS,
  ROUND_SECONDS,
  apiCall,
  bestOf,
  createDatabase,
  createGuests,
  interleave,
  medianOf,
  roundRatios,
  showRatio,
  spawnBarback,
  spawnServer,
  withClient,
  type SpawnedProcess,
} from './support.ts';

const GUESTS = 200;
const SINCE_CONNECTIONS = 10;

export async function run(): Promise<{ markdown: string }> {
  const database = await createDatabase('orders');
  const databaseUrl = database.url;
  const generator = LoadGenerator.start();
  const servers: SpawnedProcess[] = [];
  try {
    const barback = await spawnBarback({ DATABASE_URL: databaseUrl, MAX_ACTIVE_ORDERS: '1000' });
    servers.push(barback);
    const bare = await spawnServer('bench/baselines/bare-api.ts', [], { DATABASE_URL: databaseUrl, BARE_POOL_SIZES: POOL_SIZES.join(',') });
    servers.push(bare);
    const guests = await createGuests(databaseUrl, GUESTS);
    const drinkIds = ((await apiCall(barback.url, 'GET', '/api/drinks')) as { drinks: { id: string }[] }).drinks.map((d) => d.id);
    const post = (url: string) => (seconds: number) =>
      generator.http({ url, connections: CONNECTIONS, seconds, plan: { kind: 'orders', guests, drinkIds } });

    process.stdout.write('POST /api/orders vs bare Express + pg INSERT…\n');
    const bareName = (size: number) => `bare pool ${size}`;
    const results = await interleave(
      [
        { name: 'barback', measure: post(`${barback.url}/api/orders`) },
        ...POOL_SIZES.map((size) => ({ name: bareName(size), measure: post(`${bare.url}/bare/${size}/orders`) })),
      ],
      describeLoad,
    );
    const bestSize = bestOf(POOL_SIZES, (size) => medianOf(results[bareName(size)]!, (r) => r.rps));
    const ours = results.barback!;
    const best = results[bareName(bestSize)]!;
    const throughput = roundRatios(
      ours.map((r) => r.rps),
      best.map((r) => r.rps),
    );
    const p99 = roundRatios(
      ours.map((r) => r.p99),
      best.map((r) => r.p99),
    );

    const integrity = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query<{ orders: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_events WHERE type = 'NEW_ORDER') AS events`,
      );
      return rows[0]!;
    });

    // Sync reads: a guest with 1,000 past orders and one with 10, each with one change since the cursor.
    const [big, small] = guests;
    const cursor = await withClient(databaseUrl, async (c) => {
      for (const [guest, count] of [
        [big!, 1_000],
        [small!, 10],
      ] as const) {
        await c.query(
          `WITH past AS (SELECT generate_series(1, $2::int) n)
           INSERT INTO orders (id, drink_id, user_key, status, created_at, updated_at, completed_at, version)
           SELECT gen_random_uuid(), $3, $1, 'served', now() - interval '1 hour', now(), now(), nextval('order_version_seq') FROM past`,
          [guest.userKey, count, drinkIds[0]],
        );
      }
      await c.query('ANALYZE orders');
      return (await c.query<{ c: string }>('SELECT safe_order_cursor() AS c')).rows[0]!.c;
    });
    const ordersUrl = `${barback.url}/api/orders`;
    for (const guest of [big!, small!]) await apiCall(barback.url, 'POST', '/api/orders', { token: guest.token, body: { drink_id: drinkIds[0] } });
    const sinceUrl = `${ordersUrl}?since=${cursor}`;
    for (const guest of [big!, small!]) {
      const check = (await apiCall(barback.url, 'GET', `/api/orders?since=${cursor}`, { token: guest.token })) as { orders: unknown[] };
      if (check.orders.length !== 1) throw new Error(`since read returned ${check.orders.length} orders, expected 1`);
    }
    const read = (url: string, token: string) => (seconds: number) =>
      generator.http({ url, connections: SINCE_CONNECTIONS, seconds, plan: { kind: 'fixed', headers: { authorization: `Bearer ${token}` } } });
    process.stdout.write('GET /api/orders?since=…\n');
    const reads = await interleave(
      [
        { name: 'since, 1,000 past', measure: read(sinceUrl, big!.token) },
        { name: 'since, 10 past', measure: read(sinceUrl, small!.token) },
        { name: 'full list, 1,000 past', measure: read(ordersUrl, big!.token) },
      ],
      describeLoad,
    );
    const flat = roundRatios(
      reads['since, 1,000 past']!.map((r) => r.rps),
      reads['since, 10 past']!.map((r) => r.rps),
    );
    const plan = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
         SELECT o.id FROM orders o WHERE o.user_key = $1 AND o.version > $2::bigint`,
        [big!.userKey, cursor],
      );
      return rows.map((r) => r['QUERY PLAN']);
    });

    const failed = [ours, ...POOL_SIZES.map((size) => results[bareName(size)]!)].some((rounds) => rounds.some((r) => r.non2xx + r.errors > 0));
    const markdown = [
      `barback as its own process on a fresh PostgreSQL database (MAX_ACTIVE_ORDERS=1000), ${GUESTS} guests with signed tokens taking turns, ` +
        `a fresh order id per request; autocannon with ${CONNECTIONS} connections in its own process; ${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s ` +
        'per contender, median (min–max over rounds). Baseline: bare Express 5 + pg, one INSERT into a table of the same shape ' +
        `(JSON body, JSON answer, nosniff; no auth, no rules), tried with pools of ${POOL_SIZES.join(', ')} in the same rounds; the fastest is the baseline.`,
      '',
      '| endpoint | orders/s | p50 ms | p99 ms | 2xx / non-2xx / errors |',
      '|---|---|---|---|---|',
      loadRow('barback POST /api/orders', ours),
      ...POOL_SIZES.map((size) => loadRow(`bare Express + pg INSERT, pool ${size}${size === bestSize ? ' (best: the baseline)' : ''}`, results[bareName(size)]!)),
      '',
      `Throughput vs the best bare (pool ${bestSize}), round by round: ${showRatio(throughput)} (target ≥ 0.7×). ` +
        `p99 vs its p99: ${showRatio(p99)} (target ≤ 1.3×).`,
      `After the run: ${integrity.orders} orders, ${integrity.events} NEW_ORDER events (one per order: ${integrity.orders === integrity.events ? 'yes' : '**no**'}).`,
      ...(failed ? ['**Some requests failed (non-2xx or errors): the throughput figures above count them as answers.**'] : []),
      '',
      `\`GET /api/orders?since=<cursor>\` with one change since the cursor, ${SINCE_CONNECTIONS} connections, same rounds:`,
      '',
      '| guest | req/s | p50 ms | p99 ms | 2xx / non-2xx / errors |',
      '|---|---|---|---|---|',
      loadRow('1,000 past orders, 1 change', reads['since, 1,000 past']!),
      loadRow('10 past orders, 1 change', reads['since, 10 past']!),
      loadRow('1,000 past orders, no cursor (full list)', reads['full list, 1,000 past']!),
      '',
      `1,000 vs 10 past orders, round by round: ${showRatio(flat)} (target: flat, 1.0×).`,
      '',
      'Plan of the since query for the 1,000-order guest:',
      '',
      '```',
      ...plan,
      '```',
    ].join('\n');
    return { markdown };
  } finally {
    await generator.stop();
    await Promise.all(servers.map((server) => server.stop()));
    await database.drop();
  }
}
