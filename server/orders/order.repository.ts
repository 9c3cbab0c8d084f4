import type { Queryable } from '../db/database.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import type { ChangedBy } from '../../shared/schemas/orders.ts';
import type { OrderOption } from '../../shared/schemas/menu-options.ts';
import { ORDER_COLUMNS, ORDER_JOINS, hostOrder, type HostOrder, type OrderRow } from './order-presenter.ts';

// Drinks are joined even when soft-deleted: past orders keep showing the name.
// `source` is the orders table or a CTE of changed order rows.
const ordersFrom = (source: string) => `FROM ${source} o
  ${ORDER_JOINS}`;
const ORDER_SELECT = `SELECT ${ORDER_COLUMNS} ${ordersFrom('orders')}`;

/** A status change's basis: the order and what a recall needs to know about its last change. */
export interface ChangeBasis {
  order: HostOrder;
  previous: OrderStatus | null;
  byRole: ChangedBy['role'] | null;
  ageSeconds: number;
}

export type PlaceOutcome =
  | { outcome: 'created' | 'existing'; order: HostOrder }
  | { outcome: 'idempotency_conflict' | 'drink_not_found' | 'drink_unavailable' | 'too_many_active_orders' | 'guest_inactive' };

export interface PlaceInput {
  id: string;
  userKey: string;
  drinkId: string;
  notes: string | null;
  options: OrderOption[];
}

/** place_order()'s answer: the outcome, and the order row when there is one. */
type PlaceRow = { outcome: string } & { [K in keyof OrderRow]: OrderRow[K] | null };

export class OrderRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Creation runs as one statement for any number of orders, place_orders() (migration 0023):
   * each is place_order() (migrations 0002, 0007, 0014, 0017): lock the guest, look up the id
   * (a replay must match drink, notes and options), check drink and limit, take a version,
   * insert the order with its options and its event-log row; all in one transaction and one
   * round trip. Round trips and commits cost CPU on both sides of the socket, and creation is
   * the path parties hammer (0007 and 0023 say what was measured). One outcome per input, in order.
   */
  async place(inputs: readonly PlaceInput[], maxActive: number): Promise<PlaceOutcome[]> {
    const { rows } = await this.db.query<PlaceRow>('SELECT * FROM place_orders($1, $2, $3, $4, $5, $6)', [
      inputs.map((input) => input.id),
      inputs.map((input) => input.userKey),
      inputs.map((input) => input.drinkId),
      inputs.map((input) => input.notes),
      maxActive,
      inputs.map((input) => JSON.stringify(input.options)),
    ]);
    return rows.map((row) =>
      row.outcome === 'created' || row.outcome === 'existing'
        ? { outcome: row.outcome, order: hostOrder(row as OrderRow) }
        : { outcome: row.outcome as Exclude<PlaceOutcome['outcome'], 'created' | 'existing'> },
    );
  }

  /**
   * A walk-up and its NEW_ORDER event row, in one statement (so one transaction), answered in
   * ORDER_COLUMNS. The shelf's trigger may refuse it (BB001). undefined when the id was taken
   * after the caller looked (a double tap's other request committed first).
   */
  async insertWalkup(input: { id: string; drinkId: string; name: string; notes: string | null; options: OrderOption[] }): Promise<HostOrder | undefined> {
    const { rows } = await this.db.query<OrderRow>(
      `WITH o AS (
         INSERT INTO orders (id, drink_id, walkup_name, notes, status, created_at, updated_at, version, options)
         VALUES ($1, $2, $3, $4, 'pending', date_trunc('milliseconds', now()), date_trunc('milliseconds', now()), take_order_version(), $5)
         ON CONFLICT ON CONSTRAINT orders_pkey DO NOTHING
         RETURNING *),
       logged AS (
         INSERT INTO order_events (order_id, user_key, type, version, payload)
         SELECT o.id, NULL, 'NEW_ORDER', o.version, to_jsonb(o) FROM o)
       SELECT ${ORDER_COLUMNS} ${ordersFrom('o')}`,
      [input.id, input.drinkId, input.name, input.notes, JSON.stringify(input.options)],
    );
    return rows[0] ? hostOrder(rows[0]) : undefined;
  }

  /** Whether a drink may be ordered (the host's switch); undefined for an unknown or deleted drink. */
  async drinkIsActive(drinkId: string): Promise<boolean | undefined> {
    const { rows } = await this.db.query<{ is_active: boolean }>('SELECT is_active FROM drinks WHERE id = $1 AND deleted_at IS NULL', [drinkId]);
    return rows[0]?.is_active;
  }

  /** An order by id, whoever placed it. */
  async findById(id: string): Promise<HostOrder | undefined> {
    const { rows } = await this.db.query<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1`, [id]);
    return rows[0] ? hostOrder(rows[0]) : undefined;
  }

  /**
   * What a status change decides on: the order as it is now, the status before its last
   * change, who made that change and how long ago (for a recall). Read without a lock: the
   * change itself is conditional on the version read here (see changeStatus).
   */
  async findForChange(id: string): Promise<ChangeBasis | undefined> {
    const { rows } = await this.db.query<OrderRow & { previous_status: OrderStatus | null; age_seconds: number }>(
      `SELECT ${ORDER_COLUMNS}, o.previous_status, extract(epoch FROM clock_timestamp() - o.updated_at)::float8 AS age_seconds
         ${ordersFrom('orders')}
        WHERE o.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { order: hostOrder(row), previous: row.previous_status, byRole: row.changed_by_role, ageSeconds: row.age_seconds };
  }

  /**
   * One status change as one autocommitted statement: take a version (its lock is held until
   * this statement commits, so readers' cursors wait below it), update the order only if it is
   * still as the caller decided on (at the version it read, or in one of the statuses the step
   * is allowed from), and write the event-log row (the order row as the change left it, like
   * NEW_ORDER's). Undefined when the order is not so: the caller decides on what it finds.
   *
   * updated_at is the moment of the UPDATE itself (clock_timestamp()). A step back (recall)
   * clears completed_at.
   */
  async changeStatus(
    id: string,
    when: { version: string } | { from: readonly OrderStatus[] },
    status: OrderStatus,
    by: ChangedBy,
  ): Promise<{ order: HostOrder; previous: OrderStatus } | undefined> {
    const { rows } = await this.db.query<OrderRow & { previous_status: OrderStatus }>(
      `WITH v AS (SELECT take_order_version() AS version, clock_timestamp() AS at),
       changed AS (
         UPDATE orders SET status = $3, version = v.version, updated_at = v.at, previous_status = orders.status,
                completed_at = CASE WHEN $3 = 'served' THEN v.at WHEN $3 IN ('pending', 'preparing', 'ready') THEN NULL ELSE completed_at END,
                ready_at = CASE WHEN $3 = 'ready' THEN v.at ELSE ready_at END,
                -- Preparation starts when an order first enters 'preparing' (a recall from ready
                -- keeps it: the same drink, still being made); a recall to 'pending' forgets it.
                -- preparing_at and prepared_by feed the line's estimate (queue.repository.ts).
                preparing_at = CASE WHEN $3 = 'pending' THEN NULL WHEN $3 = 'preparing' THEN coalesce(preparing_at, v.at) ELSE preparing_at END,
                prepared_by = CASE WHEN $3 = 'pending' THEN NULL WHEN $3 = 'preparing' AND preparing_at IS NULL THEN $4 || ':' || $5 ELSE prepared_by END,
                changed_by_role = $4, changed_by_name = $5
           FROM v
          WHERE id = $1 AND (orders.version = $2::bigint OR orders.status = ANY ($6::text[]))
          RETURNING orders.*),
       logged AS (
         INSERT INTO order_events (order_id, user_key, type, version, payload)
         SELECT c.id, c.user_key, 'ORDER_STATUS_CHANGED', c.version, to_jsonb(c) FROM changed c)
       SELECT ${ORDER_COLUMNS}, o.previous_status ${ordersFrom('changed')}`,
      [id, 'version' in when ? when.version : null, status, by.role, by.name, 'from' in when ? when.from : null],
    );
    const row = rows[0];
    return row ? { order: hostOrder(row), previous: row.previous_status } : undefined;
  }

  /**
   * Counts one more call of a ready order, in one statement; undefined when the order is not
   * (or no longer) ready.
   */
  async addCall(id: string): Promise<HostOrder | undefined> {
    const { rows } = await this.db.query<OrderRow>(
      `WITH called AS (
         UPDATE orders SET calls = calls + 1, called_at = clock_timestamp() WHERE id = $1 AND status = 'ready' RETURNING orders.*)
       SELECT ${ORDER_COLUMNS} ${ordersFrom('called')}`,
      [id],
    );
    return rows[0] ? hostOrder(rows[0]) : undefined;
  }

  /** The highest version a reader may hand out: every order at or below it is committed. */
  async safeCursor(): Promise<string> {
    const { rows } = await this.db.query<{ c: string }>('SELECT safe_order_cursor() AS c');
    return rows[0]!.c;
  }

  /** A guest's orders, newest first; with `since`, only those changed after it (orders_user_version index). */
  async listForGuest(userKey: string, since: string | undefined): Promise<HostOrder[]> {
    const { rows } =
      since === undefined
        ? await this.db.query<OrderRow>(`${ORDER_SELECT} WHERE o.user_key = $1 ORDER BY o.created_at DESC, o.id DESC`, [userKey])
        : await this.db.query<OrderRow>(
            `${ORDER_SELECT} WHERE o.user_key = $1 AND o.version > $2::bigint ORDER BY o.created_at DESC, o.id DESC`,
            [userKey, since],
          );
    return rows.map(hostOrder);
  }

  async findForGuest(id: string, userKey: string): Promise<HostOrder | undefined> {
    const { rows } = await this.db.query<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1 AND o.user_key = $2`, [id, userKey]);
    return rows[0] ? hostOrder(rows[0]) : undefined;
  }

  /** The host's queue, oldest first. */
  async listForHost(statuses: OrderStatus[] | undefined): Promise<HostOrder[]> {
    const { rows } = await this.db.query<OrderRow>(
      `${ORDER_SELECT} WHERE ($1::text[] IS NULL OR o.status = ANY($1::text[])) ORDER BY o.created_at, o.version`,
      [statuses ?? null],
    );
    return rows.map(hostOrder);
  }
}
