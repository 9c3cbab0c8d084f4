import type { Queryable } from '../db/database.ts';
import { QUEUE_STATUSES, type OrderStatus } from '../../shared/order-status.ts';

/** "Tonight": preparation times from the last 12 hours count (a party is one night). */
export const TONIGHT_HOURS = 12;
/** Someone who started an order in the last 15 minutes is making drinks. */
export const WORKING_MINUTES = 15;

// A constant, not input: the literal list lets the planner use the partial index orders_queue.
const IN_LINE = QUEUE_STATUSES.map((status) => `'${status}'`).join(', ');

/** What the line needs of an order: its place, its drink, and its preparation. */
export interface QueueOrderRow {
  id: string;
  queue_ticket: string;
  drink_id: string;
  status: OrderStatus;
  preparing_at: Date | null;
  ready_at: Date | null;
  prepared_by: string | null;
}

const COLUMNS = 'id::text, queue_ticket, drink_id::text, status, preparing_at, ready_at, prepared_by';

/** The SQL of the line (queue.service.ts keeps it in memory and asks only for what changed). */
export class QueueRepository {
  constructor(private readonly db: Queryable) {}

  /** Every change at or below this version is committed (see take_order_version). */
  async safeCursor(): Promise<string> {
    const { rows } = await this.db.query<{ c: string }>('SELECT safe_order_cursor() AS c');
    return rows[0]!.c;
  }

  /**
   * Everything the line is built from, read afresh: the orders in line, tonight's prepared
   * orders (their times) and those started in the last WORKING_MINUTES (who is making drinks).
   */
  async load(): Promise<QueueOrderRow[]> {
    const { rows } = await this.db.query<QueueOrderRow>(
      `SELECT ${COLUMNS} FROM orders WHERE status IN (${IN_LINE})
       UNION
       SELECT ${COLUMNS} FROM orders
        WHERE preparing_at IS NOT NULL AND ready_at > now() - make_interval(hours => $1) AND status IN ('ready', 'served')
       UNION
       SELECT ${COLUMNS} FROM orders WHERE preparing_at > now() - make_interval(mins => $2)`,
      [TONIGHT_HOURS, WORKING_MINUTES],
    );
    return rows;
  }

  /**
   * The sync cursor, then the orders changed since `version` (the unique index on version):
   * what a reader applies to its copy, in one round trip (queue_changes(), migration 0019).
   */
  async changedSince(version: string): Promise<{ cursor: string; rows: QueueOrderRow[] }> {
    const { rows } = await this.db.query<QueueOrderRow & { cursor: string }>('SELECT * FROM queue_changes($1::bigint)', [version]);
    return { cursor: rows[0]!.cursor, rows: rows.slice(1) };
  }
}
