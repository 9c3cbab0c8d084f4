import type { Queryable } from '../db/database.ts';
import { QUEUE_STATUSES } from '../../shared/order-status.ts';

/** "Tonight": preparation times from the last 12 hours count (a party is one night). */
export const TONIGHT_HOURS = 12;
/** A drink's own median counts once it has this many samples tonight; before, tonight's overall median. */
export const SAMPLES_PER_DRINK = 3;
/** Someone who started an order in the last 15 minutes is making drinks. */
export const WORKING_MINUTES = 15;

// A constant, not input: the literal list lets the planner use the partial index orders_queue.
const IN_LINE = QUEUE_STATUSES.map((status) => `'${status}'`).join(', ');

export interface QueueRow {
  /** Every order change up to this version is in the read (safe_order_cursor, taken first). */
  version: string;
  /** The orders in line, first placed first: their tickets and their ids. */
  tickets: number[];
  ids: string[];
  /** The mean expected preparation time of the orders in line, in seconds; null with no samples tonight. */
  prepSeconds: number | null;
  /** People who started an order in the last WORKING_MINUTES (0 when nobody did). */
  bartenders: number;
}

/**
 * The line and its pace in one statement. An order's expected preparation is its drink's
 * median tonight (time from `preparing` to `ready`) once the drink has SAMPLES_PER_DRINK
 * samples, else tonight's median over every drink; medians, because one order forgotten on
 * the counter must not move everyone's estimate.
 */
const READ = `
WITH line AS (
  SELECT id, queue_ticket, drink_id FROM orders WHERE status IN (${IN_LINE})
), samples AS (
  SELECT drink_id, extract(epoch FROM ready_at - preparing_at)::float8 AS seconds
    FROM orders
   WHERE preparing_at IS NOT NULL AND ready_at > now() - make_interval(hours => $1)
     AND ready_at >= preparing_at AND status IN ('ready', 'served')
), per_drink AS (
  SELECT drink_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS seconds
    FROM samples GROUP BY drink_id HAVING count(*) >= $2
), overall AS (
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS seconds FROM samples
)
SELECT coalesce((SELECT array_agg(queue_ticket ORDER BY queue_ticket) FROM line), '{}') AS tickets,
       coalesce((SELECT array_agg(id::text ORDER BY queue_ticket) FROM line), '{}') AS ids,
       (SELECT avg(coalesce(p.seconds, o.seconds)) FROM line l LEFT JOIN per_drink p USING (drink_id) CROSS JOIN overall o)::float8 AS prep_seconds,
       (SELECT count(DISTINCT prepared_by) FROM orders
         WHERE preparing_at > now() - make_interval(mins => $3) AND prepared_by IS NOT NULL)::int AS bartenders`;

export class QueueRepository {
  constructor(private readonly db: Queryable) {}

  async read(): Promise<QueueRow> {
    // The cursor first, in its own statement: everything at or below it is committed before
    // the read's snapshot is taken, so the read holds all of it.
    const cursor = await this.db.query<{ c: string }>('SELECT safe_order_cursor() AS c');
    const { rows } = await this.db.query<{ tickets: string[]; ids: string[]; prep_seconds: number | null; bartenders: number }>(READ, [
      TONIGHT_HOURS,
      SAMPLES_PER_DRINK,
      WORKING_MINUTES,
    ]);
    const row = rows[0]!;
    return {
      version: cursor.rows[0]!.c,
      tickets: row.tickets.map(Number),
      ids: row.ids,
      prepSeconds: row.prep_seconds,
      bartenders: row.bartenders,
    };
  }
}
