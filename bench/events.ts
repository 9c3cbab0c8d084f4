/**
 * Live events at party scale. barback runs as its own process on a fresh PostgreSQL database
 * (the PostgreSQL bus: its own sockets get each event in-process right after COMMIT, and a
 * NOTIFY goes out for other instances, as in production); 1,000 then 5,000 guests
 * hold raw AppSync-protocol WebSockets, each subscribed to its own /orders/<user_key>, plus 5
 * host sockets on /admin/*. The host changes order statuses through the REST API at a steady
 * 200/s. Latency from the change's commit to receipt is bracketed by two clocks, because no
 * client can see the commit itself:
 *  - from `updated_at` (clock_timestamp() at the UPDATE, before the event insert and COMMIT):
 *    at least the true figure, since the commit comes later;
 *  - from the moment the PATCH response reached the bench (the server answers after COMMIT):
 *    at most the true figure; it can be negative, as delivery may beat the HTTP answer.
 * Baseline in the same run: a bare `ws` server that LISTENs on PostgreSQL and forwards each
 * NOTIFY to the one socket it names (this file, BENCH_ROLE=baseline); its clock starts when the
 * bench sends the autocommitted `pg_notify`, so it too includes the statement and its commit.
 *
 * The writes (PATCHes, or the baseline's pg_notify) come from a separate writer process
 * (BENCH_ROLE=writer), so the HTTP client never shares an event loop with the receiving sockets.
 * BENCH_EVENTS_SIZES=5000 runs only the given sizes.
 *
 * All clients come from 127.0.0.1, so barback runs with TRUST_PROXY and each client sends its
 * own X-Forwarded-For: the per-address connection limit (200) is for real NATs, not this rig.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { WebSocket, WebSocketServer } from 'ws';
import { fakeAddress, subscribeAppSync } from './appsync-client.ts';
import { adminLogin, createDatabase, createGuests, memory, percentile, sleep, spawnBarback, spawnNode } from './support.ts';

const SIZES = (process.env.BENCH_EVENTS_SIZES ?? '1000,5000').split(',').map(Number);
const HOSTS = 5;
const RATE = 200;
const DURATION_S = 8;

if (process.env.BENCH_ROLE === 'baseline') await serveBaseline();
if (process.env.BENCH_ROLE === 'writer') serveWriter();

/** What the writer does for one phase, and what it reports back. */
type WriterJob =
  | { kind: 'patch'; url: string; token: string; orders: string[] }
  | { kind: 'notify'; databaseUrl: string; keys: string[] };
interface WriterResult {
  /** `<order id> <status>` → when the PATCH's answer arrived (ms since the epoch). */
  answered: [string, number][];
  roundTrips: number[];
  failures: number;
}

/** The load generator: runs one job per IPC message, at RATE for DURATION_S, and reports. */
function serveWriter(): void {
  const pools = new Map<string, pg.Pool>();
  process.on('disconnect', () => {
    void Promise.all([...pools.values()].map((pool) => pool.end())).finally(() => process.exit(0));
  });
  process.on('message', (job: WriterJob) => {
    const result: WriterResult = { answered: [], roundTrips: [], failures: 0 };
    let work: Promise<unknown>;
    if (job.kind === 'notify') {
      let pool = pools.get(job.databaseUrl);
      if (!pool) pools.set(job.databaseUrl, (pool = new pg.Pool({ connectionString: job.databaseUrl, max: 4 })));
      const notifier = pool;
      // The baseline's clock starts here, as the autocommitted pg_notify leaves for PostgreSQL.
      work = steady((i) => notifier.query('SELECT pg_notify($1, $2)', ['bench_events', `${job.keys[(i * 7919) % job.keys.length]!}|${Date.now()}`]));
    } else {
      const steps = ['preparing', 'ready', 'served'];
      work = steady(async (i) => {
        const id = job.orders[i % job.orders.length]!;
        const status = steps[Math.floor(i / job.orders.length)] ?? 'served';
        const sent = Date.now();
        const res = await fetch(`${job.url}/api/admin/orders/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
          body: JSON.stringify({ status }),
        });
        const at = Date.now();
        if (!res.ok) result.failures++;
        result.answered.push([`${id} ${status}`, at]);
        result.roundTrips.push(at - sent);
        await res.arrayBuffer();
      });
    }
    work.then(
      () => process.send!(result),
      (error: unknown) => process.send!({ ...result, failures: -1, error: String(error) }),
    );
  });
}

/** The bare baseline: LISTEN, and forward each notification to the socket whose key it names. */
async function serveBaseline(): Promise<void> {
  const sockets = new Map<string, WebSocket>();
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
  wss.on('connection', (ws, req) => {
    const key = new URL(req.url ?? '/', 'http://x').searchParams.get('key') ?? '';
    sockets.set(key, ws);
    ws.on('close', () => sockets.delete(key));
  });
  const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on('notification', (message) => {
    const payload = message.payload ?? '';
    sockets.get(payload.slice(0, payload.indexOf('|')))?.send(payload);
  });
  await listener.query('LISTEN bench_events');
  server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
}

const stats = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values), n: values.length });
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '–');

/** A subscribed raw AppSync client on `channel`, from its own forwarded address; onEvent gets each data message's event. */
async function appSyncClient(url: string, token: string, channel: string, index: number, onEvent: (event: string) => void): Promise<WebSocket> {
  const { socket, subscribed } = subscribeAppSync({ url, token, channel, onEvent, headers: { 'x-forwarded-for': fakeAddress(index) } });
  await subscribed;
  return socket;
}

async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, k) => make(start + k)))));
  }
  return out;
}

/** Calls `send(i)` RATE times a second for DURATION_S, without bunching. */
async function steady(send: (i: number) => Promise<unknown>): Promise<number> {
  const total = RATE * DURATION_S;
  const started = Date.now();
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
    while (sent < due) {
      const p: Promise<unknown> = send(sent++).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
  return sent;
}

export async function run(): Promise<{ markdown: string }> {
  const database = await createDatabase(`barback_bench_events_${Date.now()}`);
  const databaseUrl = database.url;
  const rows: string[] = [];
  const rssRows: string[] = [];
  const contextRows: string[] = [];
  try {
    const barback = await spawnBarback({ DATABASE_URL: databaseUrl, TRUST_PROXY: 'true', MAX_ACTIVE_ORDERS: '1000' });
    const baseline = await spawnNode('bench/events.ts', [], { BENCH_ROLE: 'baseline', DATABASE_URL: databaseUrl });
    const writer = fork('bench/events.ts', [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_ROLE: 'writer' } });
    const write = (job: WriterJob) =>
      new Promise<WriterResult>((resolve, reject) => {
        writer.once('message', (result) => resolve(result as WriterResult));
        writer.once('exit', (code) => reject(new Error(`bench writer exited with ${code}`)));
        writer.send(job);
      });
    try {
      const guests = await createGuests(databaseUrl, Math.max(...SIZES));
      const adminToken = await adminLogin(barback.url);
      const drinks = (await (await fetch(`${barback.url}/api/drinks`)).json()) as { drinks: { id: string }[] };
      const drinkId = drinks.drinks[0]!.id;
      await sleep(1_000);
      const rssIdle0 = memory(barback.child.pid!).rss;
      const baseRss0 = memory(baseline.child.pid!).rss;

      // Receipt times by `<order id> <status>`, matched after the run with the PATCH's answer.
      type Change = { type: string; order_id?: string; status?: string; updated_at?: string };
      const guestLat: number[] = [];
      const hostLat: number[] = [];
      const baseLat: number[] = [];
      const guestSeen = new Map<string, number>();
      const hostSeen = new Map<string, number[]>();
      const onGuest = (event: string) => {
        const now = Date.now();
        const e = JSON.parse(event) as Change;
        if (e.type !== 'ORDER_STATUS_CHANGED') return;
        guestLat.push(now - Date.parse(e.updated_at!));
        guestSeen.set(`${e.order_id} ${e.status}`, now);
      };
      const onHost = (event: string) => {
        const now = Date.now();
        const e = JSON.parse(event) as Change;
        if (e.type !== 'ORDER_STATUS_CHANGED') return;
        hostLat.push(now - Date.parse(e.updated_at!));
        const key = `${e.order_id} ${e.status}`;
        const seen = hostSeen.get(key);
        if (seen) seen.push(now);
        else hostSeen.set(key, [now]);
      };
      const loopDelay = monitorEventLoopDelay({ resolution: 5 });
      const sockets: WebSocket[] = [];
      const baseSockets: WebSocket[] = [];
      for (let i = 0; i < HOSTS; i++) sockets.push(await appSyncClient(barback.url, adminToken, '/admin/*', 60_000 + i, onHost));

      for (const size of SIZES) {
        const from = sockets.length - HOSTS;
        sockets.push(...(await inBatches(size - from, 200, (k) => appSyncClient(barback.url, guests[from + k]!.token, `/orders/${guests[from + k]!.userKey}`, from + k, onGuest))));
        const baseFrom = baseSockets.length;
        baseSockets.push(
          ...(await inBatches(size - baseFrom, 200, async (k) => {
            const ws = new WebSocket(`${baseline.url.replace('http', 'ws')}/?key=${guests[baseFrom + k]!.userKey}`, { perMessageDeflate: false });
            ws.on('message', (data) => {
              const text = String(data);
              baseLat.push(Date.now() - Number(text.slice(text.indexOf('|') + 1)));
            });
            await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
            return ws;
          })),
        );
        await sleep(2_000);
        if (size === Math.max(...SIZES)) {
          const perK = ((memory(barback.child.pid!).rss - rssIdle0) / size) * 1000;
          const basePerK = ((memory(baseline.child.pid!).rss - baseRss0) / size) * 1000;
          rssRows.push(`| RSS per 1,000 idle connections (subscribed) | ${perK.toFixed(1)} MB | ${basePerK.toFixed(1)} MB |`);
        }

        // Orders of guests spread over the connected ones; each moves pending → preparing → ready → served.
        const orderCount = Math.ceil((RATE * DURATION_S) / 3);
        const orders = await inBatches(orderCount, 20, async (i) => {
          const guest = guests[Math.floor((i * size) / orderCount)]!;
          const res = await fetch(`${barback.url}/api/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.token}` },
            body: JSON.stringify({ id: randomUUID(), drink_id: drinkId }),
          });
          return ((await res.json()) as { order: { id: string } }).order.id;
        });
        await sleep(500);
        guestLat.length = 0;
        hostLat.length = 0;
        guestSeen.clear();
        hostSeen.clear();
        loopDelay.reset();
        loopDelay.enable();
        const patched = await write({ kind: 'patch', url: barback.url, token: adminToken, orders });
        const answered = new Map(patched.answered);
        const patchLat = patched.roundTrips;
        const failures = patched.failures;
        await sleep(1_000);
        loopDelay.disable();
        const clientLagBarback = loopDelay.percentile(99) / 1e6;
        const guestFromAnswer: number[] = [];
        const hostFromAnswer: number[] = [];
        for (const [key, at] of answered) {
          const seen = guestSeen.get(key);
          if (seen !== undefined) guestFromAnswer.push(seen - at);
          for (const hostAt of hostSeen.get(key) ?? []) hostFromAnswer.push(hostAt - at);
        }
        baseLat.length = 0;
        loopDelay.reset();
        loopDelay.enable();
        await write({ kind: 'notify', databaseUrl, keys: guests.slice(0, size).map((guest) => guest.userKey) });
        await sleep(1_000);
        loopDelay.disable();
        const clientLagBaseline = loopDelay.percentile(99) / 1e6;
        const g = stats(guestLat);
        const ga = stats(guestFromAnswer);
        const h = stats(hostLat);
        const ha = stats(hostFromAnswer);
        const b = stats(baseLat);
        const pl = stats(patchLat);
        process.stdout.write(
          `events: ${size} guests: guest ${JSON.stringify(g)} guest-from-answer ${JSON.stringify(ga)} host ${JSON.stringify(h)} host-from-answer ${JSON.stringify(ha)} ` +
            `baseline ${JSON.stringify(b)} patch ${JSON.stringify(pl)} client-lag-p99 ${clientLagBarback.toFixed(1)}/${clientLagBaseline.toFixed(1)} failures ${failures}\n`,
        );
        const triple = (s: ReturnType<typeof stats>) => `${fmt(s.p50)} / ${fmt(s.p99)} / ${fmt(s.max)}`;
        rows.push(
          `| ${size.toLocaleString('en')} | ${triple(g)} (${g.n}) | ${triple(ga)} | ${triple(h)} (${h.n}) | ${triple(ha)} | ${triple(b)} (${b.n}) | ` +
            `${(g.p99 / b.p99).toFixed(1)}× / ${(ga.p99 / b.p99).toFixed(1)}× |`,
        );
        contextRows.push(
          `| ${size.toLocaleString('en')} | ${triple(pl)} | ${failures} | ${fmt(clientLagBarback)} | ${fmt(clientLagBaseline)} |`,
        );
      }
      for (const ws of [...sockets, ...baseSockets]) ws.terminate();
    } finally {
      writer.disconnect();
      await baseline.stop();
      await barback.stop();
    }
  } finally {
    await database.drop();
  }
  const markdown = [
    `Raw AppSync-protocol WebSockets, each guest on its own channel, ${HOSTS} hosts on \`/admin/*\`; the host changes`,
    `${RATE} order statuses/s for ${DURATION_S} s through \`PATCH /api/admin/orders/:id\`, sent by a separate writer process. One barback`,
    'instance on PostgreSQL: it delivers to its own sockets in-process right after COMMIT and also sends the NOTIFY for other instances.',
    'Latency (ms) to receipt, p50 / p99 / max (events), from two clocks that bracket the commit: **from `updated_at`**',
    '(clock_timestamp() at the UPDATE, before the event insert and COMMIT: an upper bound) and **from the PATCH answer**',
    "reaching the bench (sent after COMMIT: a lower bound, negative when delivery beats the HTTP answer).",
    'Baseline: bare `ws` + `LISTEN`, forwarding each NOTIFY (sent at the same rate) to the one socket it names; its clock',
    'starts when the bench sends the autocommitted `pg_notify`.',
    '',
    '| guests connected | barback → guest, from updated_at | from PATCH answer | barback → hosts, from updated_at | from PATCH answer | bare baseline | guest p99 ÷ baseline p99 (updated_at / answer) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| guests connected | PATCH round trip p50 / p99 / max | failed PATCHes | bench client event-loop delay p99, barback phase | … baseline phase |',
    '|---|---|---|---|---|',
    ...contextRows,
    '',
    '| memory | barback | bare baseline |',
    '|---|---|---|',
    ...rssRows,
    '',
  ].join('\n');
  return { markdown };
}
