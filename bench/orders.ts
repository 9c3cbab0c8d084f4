/**
 * Order creation under load, next to the cheapest possible endpoint that stores an order.
 *
 * barback runs as its own process on a fresh PostgreSQL database (created here, dropped
 * afterwards) with MAX_ACTIVE_ORDERS raised; many guests with real signed tokens POST
 * orders with fresh ids. The baseline is a bare Express + pg process (this file, started
 * with BARBACK_BENCH_ROLE=bare) doing one INSERT into a table of the same shape, on the
 * same database, in the same run. autocannon drives both from this process.
 * Then GET /api/orders?since= for a guest with 1,000 past orders against one with 10.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { createDatabase, createGuests, startApiBarback, stopProcess, summarise, waitForHttp, withClient, type BenchGuest, type LoadResult } from './support.ts';

const CONNECTIONS = 50;
const DURATION_S = 10;
const ROUNDS = 3;
const GUESTS = 400;
const BARBACK_PORT = 3471;
const BARE_PORT = 3472;

if (process.env.BARBACK_BENCH_ROLE === 'bare') await serveBare();

/** The baseline: Express 5 + pg, JSON body, one INSERT, the row back as JSON. No auth, no rules. */
async function serveBare(): Promise<void> {
  const { default: express } = await import('express');
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.post('/bare/orders', async (req, res) => {
    const { rows } = await pool.query(
      `INSERT INTO bare_orders (id, drink_id, user_key, notes, status) VALUES ($1, $2, $3, $4, 'pending')
       RETURNING id, drink_id, notes, status, created_at, updated_at, completed_at, version`,
      [req.body.id, req.body.drink_id, req.get('x-user-key'), req.body.notes ?? null],
    );
    res.status(201).json({ order: rows[0] });
  });
  app.listen(BARE_PORT, '127.0.0.1');
}

async function startBare(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/orders.ts'], {
    env: { ...process.env, BARBACK_BENCH_ROLE: 'bare', DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHttp(`http://127.0.0.1:${BARE_PORT}/`, child);
  return child;
}

/** 50 connections POSTing orders with fresh ids, guests taken in turn. */
async function postOrders(url: string, guests: BenchGuest[], drinkIds: string[], seconds: number): Promise<LoadResult> {
  let turn = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest(request) {
          const guest = guests[turn % guests.length]!;
          const drinkId = drinkIds[turn % drinkIds.length]!;
          turn += 1;
          return {
            ...request,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.token}`, 'x-user-key': guest.userKey },
            body: JSON.stringify({ id: randomUUID(), drink_id: drinkId, notes: turn % 4 === 0 ? 'no ice' : undefined }),
          };
        },
      },
    ],
  });
  return summarise(result);
}

async function getLoad(url: string, token: string, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers: { authorization: `Bearer ${token}` } });
  return summarise(result);
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

export async function run(): Promise<{ markdown: string }> {
  const database = await createDatabase(`barback_bench_orders_${randomBytes(4).toString('hex')}`);
  const databaseUrl = database.url;
  const children: ChildProcess[] = [];
  try {
    children.push(await startApiBarback(BARBACK_PORT, { DATABASE_URL: databaseUrl, MAX_ACTIVE_ORDERS: '1000' }));
    await withClient(databaseUrl, async (c) => {
      await c.query('CREATE SEQUENCE bare_version_seq');
      await c.query(`CREATE TABLE bare_orders (LIKE orders INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
      await c.query(`ALTER TABLE bare_orders ALTER COLUMN version SET DEFAULT nextval('bare_version_seq')`);
    });
    children.push(await startBare(databaseUrl));
    const guests = await createGuests(databaseUrl, GUESTS);
    const drinkIds = ((await (await fetch(`http://127.0.0.1:${BARBACK_PORT}/api/drinks`)).json()) as { drinks: { id: string }[] }).drinks.map(
      (d) => d.id,
    );
    const barbackUrl = `http://127.0.0.1:${BARBACK_PORT}/api/orders`;
    const bareUrl = `http://127.0.0.1:${BARE_PORT}/bare/orders`;

    process.stdout.write('warming up…\n');
    await postOrders(bareUrl, guests, drinkIds, 3);
    await postOrders(barbackUrl, guests, drinkIds, 3);
    // Three rounds, alternating, so neither side always gets the quieter machine; medians reported.
    const bare: LoadResult[] = [];
    const barback: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      bare.push(await postOrders(bareUrl, guests, drinkIds, DURATION_S));
      barback.push(await postOrders(barbackUrl, guests, drinkIds, DURATION_S));
      process.stdout.write(`round ${round + 1}: bare ${bare[round]!.rps.toFixed(0)}/s, barback ${barback[round]!.rps.toFixed(0)}/s\n`);
    }
    const median = (list: LoadResult[]) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)]!;
    const b0 = median(bare);
    const b1 = median(barback);

    const integrity = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query<{ orders: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_events WHERE type = 'NEW_ORDER') AS events`,
      );
      return rows[0]!;
    });

    // Sync reads: a guest with 1,000 past orders and one with 10, each with one change since the cursor.
    const [big, small] = guests;
    const cursor = await withClient(databaseUrl, async (c) => {
      for (const [guest, count] of [[big!, 1_000], [small!, 10]] as const) {
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
    for (const guest of [big!, small!]) {
      const res = await fetch(barbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.token}` },
        body: JSON.stringify({ drink_id: drinkIds[0] }),
      });
      if (res.status !== 201) throw new Error(`setup order failed: ${res.status}`);
    }
    const sinceUrl = `${barbackUrl}?since=${cursor}`;
    const check = (await (await fetch(sinceUrl, { headers: { authorization: `Bearer ${big!.token}` } })).json()) as { orders: unknown[] };
    if (check.orders.length !== 1) throw new Error(`since read returned ${check.orders.length} orders, expected 1`);
    await getLoad(sinceUrl, big!.token, 2);
    const readBig = await getLoad(sinceUrl, big!.token, 5);
    const readSmall = await getLoad(sinceUrl, small!.token, 5);
    const readFull = await getLoad(barbackUrl, big!.token, 5);
    const plan = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
         SELECT o.id FROM orders o WHERE o.user_key = $1 AND o.version > $2::bigint`,
        [big!.userKey, cursor],
      );
      return rows.map((r) => r['QUERY PLAN']);
    });

    const ratio = b1.rps / b0.rps;
    const p99Ratio = b1.p99 / b0.p99;
    const row = (label: string, r: LoadResult) =>
      `| ${label} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.ok} | ${r.non2xx} | ${r.errors} |`;
    const markdown = [
      `barback as its own process on a fresh PostgreSQL database, MAX_ACTIVE_ORDERS=1000, ${GUESTS} guests with signed tokens,`,
      `autocannon from the bench process: ${CONNECTIONS} connections, ${DURATION_S} s, a fresh order id per request. The median of ${ROUNDS}`,
      'alternating rounds each (by orders/s). Baseline: a bare Express 5 + pg process doing one INSERT into a table of the same shape (no auth, no rules).',
      '',
      '| endpoint | orders/s | p50 | p99 | 2xx | non-2xx | errors |',
      '|---|---|---|---|---|---|---|',
      row('bare Express + pg INSERT', b0),
      row('barback POST /api/orders', b1),
      '',
      `Throughput ${(ratio * 100).toFixed(0)} % of bare (target ≥ 60 %: ${ratio >= 0.6 ? 'met' : 'missed'}); ` +
        `p99 ${p99Ratio.toFixed(2)} × bare (target ≤ 1.5 ×: ${p99Ratio <= 1.5 ? 'met' : 'missed'}).`,
      `Every round: ${bare.map((r) => r.rps.toFixed(0)).join(', ')} (bare) vs ${barback.map((r) => r.rps.toFixed(0)).join(', ')} (barback) orders/s.`,
      `After the run: ${integrity.orders} orders, ${integrity.events} NEW_ORDER events (one per order).`,
      '',
      '`GET /api/orders?since=<cursor>` with one change since the cursor, 10 connections, 5 s:',
      '',
      '| guest | req/s | p50 | p99 |',
      '|---|---|---|---|',
      `| 1,000 past orders, 1 change | ${readBig.rps.toFixed(0)} | ${ms(readBig.p50)} | ${ms(readBig.p99)} |`,
      `| 10 past orders, 1 change | ${readSmall.rps.toFixed(0)} | ${ms(readSmall.p50)} | ${ms(readSmall.p99)} |`,
      `| 1,000 past orders, no cursor (full list) | ${readFull.rps.toFixed(0)} | ${ms(readFull.p50)} | ${ms(readFull.p99)} |`,
      '',
      'Plan of the since query for the 1,000-order guest:',
      '',
      '```',
      ...plan,
      '```',
    ].join('\n');
    return { markdown };
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    await database.drop();
  }
}
