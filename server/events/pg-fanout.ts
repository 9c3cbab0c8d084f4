import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { BARBACK_APPLICATION_NAME, type Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { LocalEventBus, type ClientEvents, type DomainEvent, type DomainEventMap, type DomainEventName, type EventBus } from './event-bus.ts';

const NOTIFY_CHANNEL = 'barback_events';
// PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; stay clear of the edge.
const MAX_PAYLOAD_BYTES = 7_600;
const CHUNK_CHARS = 5_000;
const MAX_BACKOFF_MS = 5_000;
/** An instance that knows of others tells them it is still here this often… */
const HEARTBEAT_MS = 10_000;
/** …and one not heard from for this long has gone. */
const PEER_SILENCE_MS = 35_000;
/** How long a starting instance waits for the instances already listening to answer its hello. */
const HELLO_WAIT_MS = 3_000;
/** The listener's one statement: how instances see each other in pg_stat_activity. */
const LISTEN_STATEMENT = `LISTEN ${NOTIFY_CHANNEL}`;

type RelayItem = { d: DomainEvent } | { c: ClientEvents };

/** One NOTIFY: whole items, or one piece of a message too large for a single NOTIFY. */
type Wire =
  | { o: string; q: number; b: RelayItem[] }
  | { o: string; q: number; k: string; i: number; n: number; d: string }
  /** Instances finding each other: a new listener says hello, the others answer here; bye on the way out. */
  | { o: string; h: 'hello' | 'here' | 'bye' };

/**
 * The bus for several instances on one PostgreSQL database. Domain events cross instances as
 * they are (each instance projects them to its own subscribers). Local listeners get every event
 * at once; other instances get it through LISTEN/NOTIFY. The NOTIFY is sent by this bus on
 * its own pooled query after the caller's transaction committed, never inside it: a NOTIFY
 * inside a request's transaction would serialize every order commit behind the notify queue
 * lock, and a rolled-back change must never be announced anyway.
 *
 * An instance alone on its database sends no NOTIFY at all (issue 21: one statement per event
 * for nobody, a third of the status change's queries). Instances find each other: each new
 * listener says hello and the others answer here; one that knows of others says here every
 * HEARTBEAT_MS, and forgets one silent for PEER_SILENCE_MS (or gone with bye). A starting
 * instance waits, before it serves anyone, for an answer from every listener it sees in
 * pg_stat_activity: each one has then heard of it, so every event of theirs after its first
 * client reaches it. An instance whose LISTEN connection was down when another started hears of
 * it at its next hello (on reconnecting) or at the other's next here; meanwhile, as for any
 * event lost between instances, clients catch up by cursor.
 */
export class PgFanoutBus extends LocalEventBus {
  private readonly origin = randomUUID();
  private sequence = 0;
  private pending: RelayItem[] = [];
  private flushScheduled = false;
  private sending: Promise<void> = Promise.resolve();
  private listener: pg.Client | undefined;
  private backoffMs = 250;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly partial = new Map<string, { parts: string[]; received: number; started: number }>();
  /** Other instances on this database, by origin: when each was last heard from. */
  private readonly peers = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** The LISTEN connection's backend, not to be counted among the others. */
  private listenerPid: number | undefined;

  constructor(
    private readonly db: Database,
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  /**
   * Resolves once LISTEN is in place and the instances already listening know of this one (or
   * HELLO_WAIT_MS passed), so a test or a client of this instance sees everything after start.
   */
  async start(): Promise<void> {
    await this.connectListener();
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    const listener = this.listenerPid;
    if (listener === undefined) return;
    const others = await this.db
      .query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = $1 AND pid <> $2`,
        [LISTEN_STATEMENT, listener],
      )
      .then((result) => result.rows[0]!.n)
      .catch(() => 0);
    const deadline = Date.now() + HELLO_WAIT_MS;
    while (this.peers.size < others && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.peers.size < others) this.logger.warn({ listening: others, answered: this.peers.size }, 'events: not every instance answered hello');
  }

  /** Whether this instance knows of another one on its database (NOTIFYs are sent only then). */
  hasPeers(): boolean {
    return this.peers.size > 0;
  }

  override emit<K extends DomainEventName>(name: K, data: DomainEventMap[K]): void {
    super.emit(name, data);
    this.enqueue({ d: { name, data } as DomainEvent });
  }

  override publishClientEvents(channel: string, events: string[]): void {
    super.publishClientEvents(channel, events);
    this.enqueue({ c: { channel, events } });
  }

  override async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    this.flush();
    if (this.peers.size > 0) this.control('bye');
    await this.sending;
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
    await super.close();
  }

  private enqueue(item: RelayItem): void {
    // Alone on the database: nobody to tell.
    if (this.closed || this.peers.size === 0) return;
    this.pending.push(item);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Everything published in this turn of the event loop travels in as few NOTIFYs as fit.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const payloads = this.pack(this.pending);
    this.pending = [];
    this.send(payloads);
  }

  /** hello, here or bye, in order with the events. */
  private control(h: 'hello' | 'here' | 'bye'): void {
    const wire: Wire = { o: this.origin, h };
    this.send([JSON.stringify(wire)]);
  }

  /** Forgets instances silent too long; while others are known, tells them this one is here. */
  private beat(): void {
    const now = Date.now();
    for (const [origin, heard] of this.peers) if (now - heard > PEER_SILENCE_MS) this.peers.delete(origin);
    if (this.peers.size > 0) this.control('here');
  }

  private send(payloads: string[]): void {
    // Chained, so notifications leave (and arrive) in publish order.
    this.sending = this.sending.then(async () => {
      try {
        await this.db.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n', [
          NOTIFY_CHANNEL,
          payloads,
        ]);
      } catch (error) {
        // Other instances miss these events; their clients catch up by cursor.
        this.logger.warn({ err: (error as Error).message, count: payloads.length }, 'events: NOTIFY failed');
      }
    });
  }

  private pack(items: RelayItem[]): string[] {
    const payloads: string[] = [];
    let batch: string[] = [];
    let batchBytes = 0;
    const wrap = (parts: string[]) => `{"o":"${this.origin}","q":${this.sequence++},"b":[${parts.join(',')}]}`;
    const overhead = 80;
    for (const item of items) {
      const json = JSON.stringify(item);
      const bytes = Buffer.byteLength(json);
      if (bytes + overhead > MAX_PAYLOAD_BYTES) {
        if (batch.length) payloads.push(wrap(batch));
        batch = [];
        batchBytes = 0;
        payloads.push(...this.chunk(wrap([json])));
        continue;
      }
      if (batchBytes + bytes + 1 + overhead > MAX_PAYLOAD_BYTES) {
        payloads.push(wrap(batch));
        batch = [];
        batchBytes = 0;
      }
      batch.push(json);
      batchBytes += bytes + 1;
    }
    if (batch.length) payloads.push(wrap(batch));
    return payloads;
  }

  /** A large client event (up to 240 KB) is split into base64 pieces and put together on arrival. */
  private chunk(message: string): string[] {
    const data = Buffer.from(message).toString('base64');
    const key = randomUUID();
    const n = Math.ceil(data.length / CHUNK_CHARS);
    const pieces: string[] = [];
    for (let i = 0; i < n; i++) {
      const wire: Wire = { o: this.origin, q: this.sequence++, k: key, i, n, d: data.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS) };
      pieces.push(JSON.stringify(wire));
    }
    return pieces;
  }

  private receive(payload: string | undefined): void {
    if (!payload) return;
    let wire: Wire;
    try {
      wire = JSON.parse(payload) as Wire;
    } catch {
      return;
    }
    if (typeof wire !== 'object' || wire === null || typeof wire.o !== 'string' || wire.o === this.origin) return;
    if (!('h' in wire || 'b' in wire || 'k' in wire)) return;
    if ('h' in wire) {
      if (wire.h === 'bye') {
        this.peers.delete(wire.o);
        return;
      }
      const known = this.peers.has(wire.o);
      this.peers.set(wire.o, Date.now());
      // Known first, answered after: every event sent after the answer reaches the newcomer.
      if (wire.h === 'hello' || !known) this.control('here');
      return;
    }
    this.peers.set(wire.o, Date.now());
    if ('b' in wire) {
      for (const item of wire.b) this.relay(item);
      return;
    }
    const now = Date.now();
    for (const [key, entry] of this.partial) if (now - entry.started > 30_000) this.partial.delete(key);
    const entry = this.partial.get(wire.k) ?? { parts: new Array<string>(wire.n), received: 0, started: now };
    this.partial.set(wire.k, entry);
    if (entry.parts[wire.i] === undefined) entry.received++;
    entry.parts[wire.i] = wire.d;
    if (entry.received < wire.n) return;
    this.partial.delete(wire.k);
    this.receive(Buffer.from(entry.parts.join(''), 'base64').toString());
  }

  private relay(item: RelayItem): void {
    if ('d' in item) this.deliver(item.d, true);
    else this.deliverClientEvents(item.c);
  }

  private async connectListener(): Promise<void> {
    // Named like the pool: a held LISTEN connection shows a running instance (see npm run host).
    const client = new pg.Client({ connectionString: this.connectionString, application_name: BARBACK_APPLICATION_NAME });
    client.on('notification', (message) => {
      if (message.channel === NOTIFY_CHANNEL) this.receive(message.payload);
    });
    const lost = (reason: string) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.logger.warn({ reason }, 'events: LISTEN connection lost, reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('ended'));
    this.listener = client;
    try {
      await client.connect();
      // Asked first: the LISTEN must stay the connection's last statement (see start()).
      this.listenerPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await client.query(LISTEN_STATEMENT);
      this.backoffMs = 250;
      // Every (re)connection: the others may have started meanwhile, or forgotten this one.
      this.control('hello');
    } catch (error) {
      // Keep retrying in the background: this instance still serves its own clients meanwhile.
      lost((error as Error).message);
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectListener().catch(() => undefined);
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** In-process delivery on the embedded database (its socket does not carry NOTIFY); fan-out on PostgreSQL. */
export async function createEventBus(db: Database, logger: Logger): Promise<EventBus> {
  if (db.kind !== 'postgres' || !db.connectionString) return new LocalEventBus();
  const bus = new PgFanoutBus(db, db.connectionString, logger);
  await bus.start();
  return bus;
}
