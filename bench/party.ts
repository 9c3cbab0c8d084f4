/**
 * A whole party. barback runs as its own process on a fresh PostgreSQL database
 * (MAX_ACTIVE_ORDERS=3, TRUST_PROXY so each simulated phone brings its own address).
 * 2,000 guests arrive over the first third of a compressed evening (PARTY_SECONDS, 120 s by
 * default), register with one of four invite codes, browse the menu (a full GET, then a
 * revalidation with ETag), hold a raw AppSync Events WebSocket on their own channel, and
 * place three orders each through an outbox (client id, retried until answered). Three host
 * loops advance every order to served. A tenth of the guests drop their connection for a few
 * seconds and come back: reconnect, subscribe, catch up with ?since=<cursor>.
 *
 * At the end: every order placed exists exactly once; every guest's view, built only from
 * live events and catch-ups, equals the database; latencies of order creation and of status
 * delivery (event `updated_at`, stamped in the committing transaction, to receipt); the
 * server's CPU time and RSS from /proc. Baseline in the same run: the same two latencies for
 * one guest on the idle server before the guests arrive.
 * The evening (every simulated phone and host) runs in a helper process of its own
 * (BENCH_ROLE=party), never in the process that coordinates the bench.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { fakeAddress, subscribeAppSync } from './appsync-client.ts';
import { HelperProcess, adminLogin, cpuSeconds, createDatabase, memory, percentile, scaled, serveHelper, sleep, spawnBarback, withClient } from './support.ts';

const GUESTS = Number(process.env.PARTY_GUESTS ?? scaled(2_000, 100));
const EVENING_MS = Number(process.env.PARTY_SECONDS ?? scaled(120, 20)) * 1_000;
const ORDERS_EACH = 3;
const CODES = 4;
const HOSTS = 3;
const DROP_SHARE = 0.1;

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : '–');

async function call(url: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined }; // wire JSON, checked by the caller
}

interface OrderState {
  status: string;
  version: bigint;
}

/** One phone: token, outbox, live socket and the view built from events and catch-ups. */
class Guest {
  userKey = '';
  token = '';
  readonly address: string;
  readonly view = new Map<string, OrderState>();
  readonly placed: string[] = [];
  cursor: string | undefined;
  socket: WebSocket | undefined;
  online = false;
  refusals = 0;
  reconnects = 0;

  constructor(
    readonly index: number,
    private readonly party: Party,
  ) {
    this.address = fakeAddress(index);
  }

  apply(id: string, status: string, version: string): void {
    const known = this.view.get(id);
    const incoming = BigInt(version);
    if (!known || incoming > known.version) this.view.set(id, { status, version: incoming });
  }

  private headers() {
    return { 'x-forwarded-for': this.address };
  }

  async register(code: string): Promise<void> {
    const res = await call(this.party.url, 'POST', '/api/register', { body: { username: `Guest ${this.index}` }, headers: { ...this.headers(), 'x-registration-code': code } });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    this.userKey = res.body.user.user_key;
    this.token = res.body.access_token;
  }

  async browse(): Promise<void> {
    const first = await call(this.party.url, 'GET', '/api/drinks', { headers: this.headers() });
    const etag = first.headers.get('etag') ?? '';
    const again = await call(this.party.url, 'GET', '/api/drinks', { headers: { ...this.headers(), 'if-none-match': etag } });
    this.party.browses.push(again.status);
  }

  async catchUp(): Promise<void> {
    const res = await call(this.party.url, 'GET', `/api/orders${this.cursor === undefined ? '' : `?since=${this.cursor}`}`, { token: this.token, headers: this.headers() });
    if (res.status !== 200) throw new Error(`catch-up: ${res.status}`);
    for (const order of res.body.orders as { id: string; status: string; version: string }[]) this.apply(order.id, order.status, order.version);
    this.cursor = res.body.cursor;
    this.party.catchUps += 1;
  }

  /** Connect, subscribe, then catch up: nothing can fall between the two. */
  async connect(): Promise<void> {
    const { socket, subscribed } = subscribeAppSync({
      url: this.party.url,
      token: this.token,
      channel: `/orders/${this.userKey}`,
      headers: this.headers(),
      subscriptionId: 'orders',
      timeoutMs: 30_000,
      onEvent: (text) => {
        const event = JSON.parse(text) as { order_id: string; status: string; version: string; updated_at: string };
        this.party.deliveries.push(Date.now() - Date.parse(event.updated_at));
        this.apply(event.order_id, event.status, event.version);
      },
    });
    this.socket = socket;
    socket.once('close', () => (this.online = false));
    await subscribed;
    this.online = true;
    await this.catchUp();
  }

  /** The phone loses the network: the socket is gone without a closing handshake. */
  drop(): void {
    this.online = false;
    this.socket?.terminate();
  }

  /** The app's outbox: the id is fixed when the guest taps; retried until a definitive answer. */
  async order(drinkId: string): Promise<void> {
    const id = randomUUID();
    this.placed.push(id);
    for (let attempt = 0; attempt < 50; attempt++) {
      const started = performance.now();
      try {
        const res = await call(this.party.url, 'POST', '/api/orders', { token: this.token, body: { id, drink_id: drinkId }, headers: this.headers() });
        if (res.status === 200 || res.status === 201) {
          this.party.creations.push(performance.now() - started);
          this.apply(id, res.body.order.status, res.body.order.version);
          return;
        }
        if (res.status < 500 && res.status !== 429 && res.status !== 408) {
          this.refusals += 1;
          this.party.refusalCodes.push(`${res.status} ${res.body?.error?.code}`);
          return;
        }
      } catch {
        // network trouble: the outbox tries again
      }
      this.party.retries += 1;
      await sleep(200 + Math.random() * 300);
    }
    throw new Error(`order ${id} never answered`);
  }
}

interface Party {
  url: string;
  creations: number[];
  deliveries: number[];
  browses: number[];
  retries: number;
  catchUps: number;
  refusalCodes: string[];
}

/** A host: lists the open orders of its share of the queue and moves each one step on. */
async function hostLoop(url: string, token: string, share: number, until: () => boolean, counters: { changes: number; conflicts: number }): Promise<void> {
  const next: Record<string, string> = { pending: 'preparing', preparing: 'ready', ready: 'served' };
  while (!until()) {
    const res = await call(url, 'GET', '/api/admin/orders?status=pending,preparing,ready', { token });
    const mine = (res.body.orders as { id: string; status: string }[]).filter((o) => parseInt(o.id.slice(0, 8), 16) % HOSTS === share);
    if (mine.length === 0) {
      await sleep(250);
      continue;
    }
    for (const order of mine) {
      const changed = await call(url, 'PATCH', `/api/admin/orders/${order.id}`, { token, body: { status: next[order.status] } });
      if (changed.status === 200) counters.changes += 1;
      else counters.conflicts += 1;
    }
    await sleep(100);
  }
}

/** The same two latencies for one guest on the idle server: the in-run baseline. */
async function idleBaseline(url: string, code: string, drinkId: string, admin: string): Promise<{ userKey: string; creation: number[]; delivery: number[] }> {
  const probeParty: Party = { url, creations: [], deliveries: [], browses: [], retries: 0, catchUps: 0, refusalCodes: [] };
  const probe = new Guest(GUESTS + 1, probeParty);
  await probe.register(code);
  await probe.connect();
  for (let i = 0; i < 60; i++) {
    await probe.order(drinkId);
    const id = probe.placed.at(-1)!;
    for (const status of ['preparing', 'ready', 'served']) {
      const seen = probeParty.deliveries.length;
      await call(url, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status } });
      for (let wait = 0; probeParty.deliveries.length === seen && wait < 400; wait++) await sleep(5);
    }
  }
  probe.drop();
  return { userKey: probe.userKey, creation: probeParty.creations, delivery: probeParty.deliveries };
}

export async function run(): Promise<{ markdown: string }> {
  const helper = HelperProcess.start('bench/party.ts', 'party');
  try {
    return await helper.request<{ markdown: string }>({});
  } finally {
    await helper.stop();
  }
}

if (process.env.BENCH_ROLE === 'party') serveHelper(evening);

async function evening(): Promise<{ markdown: string }> {
  const database = await createDatabase('party');
  const server = await spawnBarback({ DATABASE_URL: database.url, MAX_ACTIVE_ORDERS: '3', TRUST_PROXY: 'true', LOG_LEVEL: 'error' });
  const pid = server.child.pid!;
  try {
    const url = server.url;
    const admin = await adminLogin(url);
    const codes: string[] = [];
    for (let i = 0; i < CODES; i++) {
      codes.push((await call(url, 'POST', '/api/admin/registration-codes', { token: admin, body: { max_uses: Math.ceil(GUESTS / CODES) + 10, notes: `table ${i}` } })).body.code);
    }
    const drinks = (await call(url, 'GET', '/api/drinks')).body.drinks as { id: string }[];
    const party: Party = { url, creations: [], deliveries: [], browses: [], retries: 0, catchUps: 0, refusalCodes: [] };
    const baseline = await idleBaseline(url, codes[0]!, drinks[0]!.id, admin);

    const cpuStart = cpuSeconds(pid);
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memory(pid).rss)), 1_000);
    const started = Date.now();
    const at = (fraction: number) => sleep(Math.max(0, started + fraction * EVENING_MS - Date.now()));
    const guests = Array.from({ length: GUESTS }, (_, i) => new Guest(i, party));
    const dropping = new Set(guests.filter(() => Math.random() < DROP_SHARE));
    const failures: string[] = [];

    const evening = guests.map(async (guest) => {
      try {
        await at(Math.random() * 0.3);
        await guest.register(codes[guest.index % CODES]!);
        await guest.browse();
        await guest.connect();
        const times = Array.from({ length: ORDERS_EACH }, () => 0.3 + Math.random() * 0.55).sort();
        const dropAt = 0.35 + Math.random() * 0.4;
        let dropped = !dropping.has(guest);
        for (const time of times) {
          if (!dropped && time > dropAt) {
            dropped = true;
            await at(dropAt);
            guest.drop();
            await sleep(2_000 + Math.random() * 6_000);
            guest.reconnects += 1;
            await guest.connect();
          }
          await at(time);
          await guest.order(drinks[Math.floor(Math.random() * drinks.length)]!.id);
        }
        if (!dropped) {
          await at(dropAt);
          guest.drop();
          await sleep(2_000 + Math.random() * 6_000);
          guest.reconnects += 1;
          await guest.connect();
        }
      } catch (error) {
        failures.push(`guest ${guest.index}: ${(error as Error).message}`);
      }
    });

    const counters = { changes: 0, conflicts: 0 };
    const deadline = started + EVENING_MS + 120_000;
    const openOrders = async () =>
      withClient(database.url, async (c) => (await c.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE status IN ('pending','preparing','ready')")).rows[0]!.n);
    let allServed = false;
    const hosts = Array.from({ length: HOSTS }, (_, share) => hostLoop(url, admin, share, () => allServed || Date.now() > deadline, counters));
    await Promise.all(evening);
    while (Date.now() < deadline && (await openOrders()) > 0) await sleep(500);
    allServed = true;
    await Promise.all(hosts);
    const eveningSeconds = (Date.now() - started) / 1_000;
    const cpu = cpuSeconds(pid) - cpuStart;
    clearInterval(sampler);
    const mem = memory(pid);

    // Exactly once: every placed id is one row of its guest, and no guest has a row it did not place.
    const rows = await withClient(database.url, async (c) =>
      (await c.query<{ id: string; user_key: string; status: string; version: string }>('SELECT id, user_key, status, version FROM orders WHERE user_key <> $1', [baseline.userKey])).rows,
    );
    const byGuest = new Map<string, typeof rows>();
    for (const row of rows) byGuest.set(row.user_key, [...(byGuest.get(row.user_key) ?? []), row]);
    const placedTotal = guests.reduce((n, g) => n + g.placed.length, 0);
    let missing = 0;
    let extra = 0;
    for (const guest of guests) {
      const stored = new Set((byGuest.get(guest.userKey) ?? []).map((r) => r.id));
      for (const id of guest.placed) if (!stored.has(id)) missing += 1;
      extra += stored.size - guest.placed.filter((id) => stored.has(id)).length;
    }
    const duplicateIds = rows.length - new Set(rows.map((r) => r.id)).size;

    // Views converge from live events alone (no extra catch-up): wait a bounded while for the last ones.
    const consistent = (guest: Guest) => {
      const truth = byGuest.get(guest.userKey) ?? [];
      return truth.length === guest.view.size && truth.every((r) => guest.view.get(r.id)?.status === r.status && guest.view.get(r.id)?.version === BigInt(r.version));
    };
    for (let wait = 0; wait < 100 && !guests.every(consistent); wait++) await sleep(100);
    const inconsistent = guests.filter((g) => !consistent(g)).length;
    for (const guest of guests) guest.drop();

    const result = {
      guests: GUESTS,
      placed: placedTotal,
      stored: rows.length,
      missing,
      extra,
      duplicateIds,
      served: rows.filter((r) => r.status === 'served').length,
      inconsistent,
      failures: failures.length,
      refusals: party.refusalCodes.length,
      retries: party.retries,
      reconnects: guests.reduce((n, g) => n + g.reconnects, 0),
      catchUps: party.catchUps,
      hostChanges: counters.changes,
      hostConflicts: counters.conflicts,
      liveEvents: party.deliveries.length,
      revalidated304: party.browses.filter((s) => s === 304).length,
      creation: { p50: percentile(party.creations, 50), p99: percentile(party.creations, 99), n: party.creations.length },
      delivery: { p50: percentile(party.deliveries, 50), p99: percentile(party.deliveries, 99), n: party.deliveries.length },
      idleCreation: { p50: percentile(baseline.creation, 50), p99: percentile(baseline.creation, 99) },
      idleDelivery: { p50: percentile(baseline.delivery, 50), p99: percentile(baseline.delivery, 99) },
      eveningSeconds,
      cpuSeconds: cpu,
      peakRssMb: Math.max(peakRss, mem.rss),
      hwmMb: mem.hwm,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (failures.length) process.stdout.write(`first failures:\n${failures.slice(0, 10).join('\n')}\n`);
    if (party.refusalCodes.length) process.stdout.write(`refusals: ${[...new Set(party.refusalCodes)].join(', ')}\n`);

    const verdict = missing === 0 && extra === 0 && duplicateIds === 0 && inconsistent === 0 && failures.length === 0 ? 'all checks passed' : '**CHECKS FAILED**';
    const markdown = [
      `${GUESTS} guests, ${CODES} codes, ${ORDERS_EACH} orders each over a ${EVENING_MS / 1000} s evening (it took ${eveningSeconds.toFixed(0)} s until the last order was served), ${HOSTS} host loops, ${dropping.size} guests dropped offline for 2–8 s and came back: ${verdict}.`,
      '',
      '| check | result |',
      '|---|---|',
      `| orders placed / stored | ${placedTotal} / ${rows.length} |`,
      `| missing, extra, duplicated ids | ${missing}, ${extra}, ${duplicateIds} |`,
      `| served at the end | ${result.served} |`,
      `| guests whose final view (live events + catch-up) ≠ database | ${inconsistent} of ${GUESTS} |`,
      `| guest failures, order refusals, outbox retries | ${failures.length}, ${result.refusals}, ${party.retries} |`,
      `| reconnects, catch-up calls | ${result.reconnects}, ${party.catchUps} |`,
      `| host status changes (conflicts) | ${counters.changes} (${counters.conflicts}) |`,
      `| menu revalidations answered 304 | ${result.revalidated304} of ${party.browses.length} |`,
      '',
      '| latency | p50 | p99 | samples | idle server, same run (p50 / p99) |',
      '|---|---|---|---|---|',
      `| order creation (POST /api/orders round trip) | ${ms(result.creation.p50)} | ${ms(result.creation.p99)} | ${result.creation.n} | ${ms(result.idleCreation.p50)} / ${ms(result.idleCreation.p99)} |`,
      `| status delivery (the change's transaction time → guest's socket) | ${ms(result.delivery.p50)} | ${ms(result.delivery.p99)} | ${result.delivery.n} | ${ms(result.idleDelivery.p50)} / ${ms(result.idleDelivery.p99)} |`,
      '',
      `Server process: ${cpu.toFixed(1)} s of CPU over ${eveningSeconds.toFixed(0)} s (${((cpu / eveningSeconds) * 100).toFixed(0)} % of one core on average); RSS peak ${result.peakRssMb.toFixed(0)} MB sampled each second (VmHWM ${mem.hwm.toFixed(0)} MB), ${mem.rss.toFixed(0)} MB at the end.`,
    ].join('\n');
    return { markdown };
  } finally {
    await server.stop();
    await database.drop().catch(() => undefined);
  }
}
