import type { Database } from '../db/database.ts';
import { isInLine, type OrderStatus } from '../../shared/order-status.ts';
import { NOT_IN_LINE, encodeWaiting, etaSeconds, type QueuePlace, type QueueSnapshot } from '../../shared/queue.ts';
import { QueueRepository, type QueueRow } from './queue.repository.ts';

/** A read of the line: the snapshot phones get, and each order's position for the server's own views. */
export interface QueueState {
  snapshot: QueueSnapshot;
  /** Order id → position (1 = next), for the orders in line. */
  positions: ReadonlyMap<string, number>;
  tickets: readonly number[];
}

function toState(row: QueueRow): QueueState {
  const positions = new Map<string, number>();
  row.ids.forEach((id, index) => positions.set(id, index + 1));
  return {
    snapshot: {
      version: row.version,
      ...encodeWaiting(row.tickets),
      prep_seconds: row.prepSeconds === null ? null : Math.round(row.prepSeconds),
      // Somebody makes the drinks even before anyone tapped "preparing" tonight.
      bartenders: Math.max(1, row.bartenders),
    },
    positions,
    tickets: row.tickets,
  };
}

/**
 * The line (shared/queue.ts): open orders not yet ready, first placed first made, with the
 * expected wait. Every view that shows a place in line asks here, so the REST answers, the
 * status events and the QUEUE_CHANGED snapshots count the same way.
 */
export class QueueService {
  private readonly repo: QueueRepository;
  private batch: Promise<QueueState> | undefined;

  constructor(db: Database) {
    this.repo = new QueueRepository(db);
  }

  /**
   * The line as the database has it now. The read starts after this call, so it holds every
   * change the caller committed before asking; callers in the same turn of the event loop
   * share it (a burst of answers costs one read, not one each).
   */
  current(): Promise<QueueState> {
    this.batch ??= new Promise<QueueState>((resolve, reject) => {
      setImmediate(() => {
        this.batch = undefined;
        this.repo.read().then(toState).then(resolve, reject);
      });
    });
    return this.batch;
  }

  /** An order's place in `state`, or nulls when it is not in line (ready, served, cancelled). */
  placeOf(state: QueueState, order: { id: string; status: OrderStatus }): QueuePlace {
    const position = isInLine(order.status) ? state.positions.get(order.id) : undefined;
    if (position === undefined) return NOT_IN_LINE;
    const { prep_seconds: prep, bartenders } = state.snapshot;
    return { queue_ticket: state.tickets[position - 1]!, queue_position: position, eta_seconds: etaSeconds(position, prep, bartenders) };
  }

  /** The places of some orders; no read at all when none of them is in line. */
  async places(orders: readonly { id: string; status: OrderStatus }[]): Promise<Map<string, QueuePlace>> {
    const places = new Map<string, QueuePlace>();
    if (!orders.some((order) => isInLine(order.status))) return places;
    const state = await this.current();
    for (const order of orders) places.set(order.id, this.placeOf(state, order));
    return places;
  }
}
