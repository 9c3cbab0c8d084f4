import type { Database } from '../db/database.ts';
import { isInLine, type OrderStatus } from '../../shared/order-status.ts';
import { NOT_IN_LINE, encodeWaiting, etaSeconds, type QueuePlace, type QueueSnapshot } from '../../shared/queue.ts';
import { QueueRepository, TONIGHT_HOURS, WORKING_MINUTES, type QueueOrderRow } from './queue.repository.ts';
import { SortedNumbers } from './sorted-numbers.ts';

/** A drink's own median counts once it has this many times tonight; before, tonight's median over every drink. */
export const SAMPLES_PER_DRINK = 3;
/** The copy is rebuilt from scratch this often (times leave "tonight", helpers stop, rows go). */
const RELOAD_MS = 60_000;

/**
 * The line as read at `version` (every order change up to it). Use it at once, in the same
 * turn of the event loop: the next read updates the service's copy in place.
 */
export interface QueueView {
  version: string;
  /** An order's place, or nulls when it is not in line (ready, served, cancelled). */
  placeOf(order: { id: string; status: OrderStatus }): QueuePlace;
  /** The anonymous snapshot phones get (QUEUE_CHANGED, GET /api/queue). */
  snapshot(): QueueSnapshot;
}

/**
 * The line (shared/queue.ts): open orders not yet ready, first placed first made, and the
 * expected wait. Each instance keeps a copy in memory and brings it up to date by reading only
 * the orders changed since its last read (the sync cursor), so a read costs what changed, not
 * the length of the line; every minute it reads everything afresh. Every place a guest sees
 * (REST answers, status events, QUEUE_CHANGED) comes from here.
 *
 * The wait: each order in line is expected to take its drink's median preparation tonight
 * (from `preparing` to `ready`, the last TONIGHT_HOURS) once the drink has SAMPLES_PER_DRINK
 * times, else tonight's median over every drink; medians, so one order forgotten on the
 * counter does not move everyone's estimate. The people making drinks are those who started
 * an order in the last WORKING_MINUTES (at least one).
 */
export class QueueService {
  private readonly repo: QueueRepository;
  private version: string | null = null;
  private loadedAt = 0;
  /** Orders in line: their ticket and drink. */
  private readonly line = new Map<string, { ticket: number; drinkId: string }>();
  private readonly tickets = new SortedNumbers();
  private readonly waitingPerDrink = new Map<string, number>();
  /** Tonight's preparation times, by order (a recall takes one back), and sorted per drink and overall. */
  private readonly samples = new Map<string, { drinkId: string; seconds: number }>();
  private readonly timesPerDrink = new Map<string, SortedNumbers>();
  private readonly allTimes = new SortedNumbers();
  /** Who started an order ('<role>:<name>'), and when last. */
  private readonly preparers = new Map<string, number>();
  /** The read under way, and the one every caller arriving meanwhile shares (it starts when that one ends). */
  private inFlight: Promise<QueueView> | undefined;
  private next: Promise<QueueView> | undefined;

  constructor(db: Database) {
    this.repo = new QueueRepository(db);
  }

  /**
   * The line as the database has it now: the read starts after this call, so it holds every
   * change the caller committed before asking. Reads run one at a time (each applies what
   * changed to the same copy), and all callers arriving while one runs share the next: under
   * load the reads stay back to back, however many orders wait on them.
   */
  current(): Promise<QueueView> {
    if (this.next) return this.next;
    const start = (): Promise<QueueView> => {
      this.next = undefined;
      const read = this.read();
      this.inFlight = read;
      read.then(
        () => this.settled(read),
        () => this.settled(read),
      );
      return read;
    };
    // Idle: callers in this turn of the event loop share a read. Busy: the next read waits for this one.
    this.next = this.inFlight
      ? this.inFlight.then(start, start)
      : new Promise<void>((resolve) => setImmediate(resolve)).then(start);
    return this.next;
  }

  private settled(read: Promise<QueueView>): void {
    if (this.inFlight === read) this.inFlight = undefined;
  }

  /** The places of some orders; no read at all when none of them is in line. */
  async places(orders: readonly { id: string; status: OrderStatus }[]): Promise<Map<string, QueuePlace>> {
    const places = new Map<string, QueuePlace>();
    if (!orders.some((order) => isInLine(order.status))) return places;
    const view = await this.current();
    for (const order of orders) places.set(order.id, view.placeOf(order));
    return places;
  }

  private async read(): Promise<QueueView> {
    let cursor: string;
    let rows: QueueOrderRow[];
    if (this.version === null || Date.now() - this.loadedAt >= RELOAD_MS) {
      cursor = await this.repo.safeCursor();
      rows = await this.repo.load();
      this.clear();
    } else {
      ({ cursor, rows } = await this.repo.changedSince(this.version));
    }
    for (const row of rows) this.apply(row);
    // Rows past the cursor may have been applied too: reading them again next time is harmless.
    this.version = cursor;
    return this.view(cursor);
  }

  private clear(): void {
    this.loadedAt = Date.now();
    this.line.clear();
    this.tickets.values.length = 0;
    this.waitingPerDrink.clear();
    this.samples.clear();
    this.timesPerDrink.clear();
    this.allTimes.values.length = 0;
    this.preparers.clear();
  }

  /** Brings the copy in line with one order's current row (idempotent). */
  private apply(row: QueueOrderRow): void {
    const known = this.line.get(row.id);
    if (isInLine(row.status) && !known) {
      const ticket = Number(row.queue_ticket);
      this.line.set(row.id, { ticket, drinkId: row.drink_id });
      this.tickets.insert(ticket);
      this.waitingPerDrink.set(row.drink_id, (this.waitingPerDrink.get(row.drink_id) ?? 0) + 1);
    } else if (!isInLine(row.status) && known) {
      this.line.delete(row.id);
      this.tickets.remove(known.ticket);
      this.waitingPerDrink.set(known.drinkId, this.waitingPerDrink.get(known.drinkId)! - 1);
    }

    const tonight = Date.now() - TONIGHT_HOURS * 3_600_000;
    const made = (row.status === 'ready' || row.status === 'served') && row.preparing_at && row.ready_at;
    const seconds = made && row.ready_at!.getTime() > tonight && row.ready_at! >= row.preparing_at! ? (row.ready_at!.getTime() - row.preparing_at!.getTime()) / 1000 : null;
    const had = this.samples.get(row.id);
    if (had && had.seconds !== seconds) {
      this.samples.delete(row.id);
      this.timesPerDrink.get(had.drinkId)?.remove(had.seconds);
      this.allTimes.remove(had.seconds);
    }
    if (seconds !== null && had?.seconds !== seconds) {
      this.samples.set(row.id, { drinkId: row.drink_id, seconds });
      let times = this.timesPerDrink.get(row.drink_id);
      if (!times) this.timesPerDrink.set(row.drink_id, (times = new SortedNumbers()));
      times.insert(seconds);
      this.allTimes.insert(seconds);
    }

    if (row.prepared_by && row.preparing_at) {
      this.preparers.set(row.prepared_by, Math.max(this.preparers.get(row.prepared_by) ?? 0, row.preparing_at.getTime()));
    }
  }

  private view(version: string): QueueView {
    const waiting = this.tickets.values.length;
    const overall = this.allTimes.median();
    let prep: number | null = null;
    if (waiting > 0 && overall !== null) {
      let total = 0;
      for (const [drinkId, count] of this.waitingPerDrink) {
        const own = this.timesPerDrink.get(drinkId);
        total += count * (own && own.values.length >= SAMPLES_PER_DRINK ? own.median()! : overall);
      }
      prep = Math.round(total / waiting);
    }
    const since = Date.now() - WORKING_MINUTES * 60_000;
    let working = 0;
    for (const at of this.preparers.values()) if (at > since) working++;
    const bartenders = Math.max(1, working);
    return {
      version,
      placeOf: (order) => {
        const entry = isInLine(order.status) ? this.line.get(order.id) : undefined;
        if (!entry) return NOT_IN_LINE;
        const position = this.tickets.rank(entry.ticket) + 1;
        return { queue_ticket: entry.ticket, queue_position: position, eta_seconds: etaSeconds(position, prep, bartenders) };
      },
      snapshot: () => ({ version, ...encodeWaiting(this.tickets.values), prep_seconds: prep, bartenders }),
    };
  }
}
