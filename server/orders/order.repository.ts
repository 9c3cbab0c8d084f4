import type { Queryable } from '../db/database.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import type { ChangedBy } from '../../shared/schemas/orders.ts';
import type { OrderChangeRecord } from '../../shared/events.ts';
import type { OptionGroup, OrderOption } from '../../shared/schemas/menu-options.ts';
import { ORDER_COLUMNS, hostOrder, type HostOrder, type OrderRow } from './order-presenter.ts';

// Drinks are joined even when soft-deleted: past orders keep showing the name.
const ORDER_SELECT = `SELECT ${ORDER_COLUMNS}
  FROM orders o
  JOIN drinks d ON d.id = o.drink_id
  JOIN app_users u ON u.user_key = o.user_key`;

export type PlaceOutcome =
  | { outcome: 'created' | 'existing'; order: HostOrder }
  | { outcome: 'idempotency_conflict' | 'drink_not_found' | 'drink_unavailable' | 'too_many_active_orders' | 'guest_inactive' };

/** place_order()'s answer: the outcome, and the order row when there is one. */
type PlaceRow = { outcome: string } & { [K in keyof OrderRow]: OrderRow[K] | null };

export class OrderRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Creation runs as the single statement place_order() (migrations 0002, 0007, 0014): lock the
   * guest, look up the id (a replay must match drink, notes and options), check drink and limit,
   * take a version, insert the order with its options and its event-log row, in one transaction
   * and one round trip. Each extra round trip costs CPU on both sides of
   * the socket, and creation is the path parties hammer (0007 says what was measured).
   */
  async place(input: { id: string; userKey: string; drinkId: string; notes: string | null; maxActive: number; options: OrderOption[] }): Promise<PlaceOutcome> {
    const { rows } = await this.db.query<PlaceRow>('SELECT * FROM place_order($1, $2, $3, $4, $5, $6)', [
      input.id,
      input.userKey,
      input.drinkId,
      input.notes,
      input.maxActive,
      JSON.stringify(input.options),
    ]);
    const row = rows[0]!;
    if (row.outcome !== 'created' && row.outcome !== 'existing') return { outcome: row.outcome as 'idempotency_conflict' };
    return { outcome: row.outcome, order: hostOrder(row as OrderRow) };
  }

  /** A drink's option groups, or undefined for an unknown or deleted drink. */
  async drinkOptionGroups(drinkId: string): Promise<OptionGroup[] | undefined> {
    const { rows } = await this.db.query<{ options: OptionGroup[] }>('SELECT options FROM drinks WHERE id = $1 AND deleted_at IS NULL', [drinkId]);
    return rows[0]?.options;
  }

  /** Locks the order row for a status change; the caller holds a transaction. */
  async lockForChange(id: string): Promise<HostOrder | undefined> {
    const { rows } = await this.db.query<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
    return rows[0] ? hostOrder(rows[0]) : undefined;
  }

  /** The next version, held (advisory lock) until this transaction ends; see take_order_version. */
  async takeVersion(): Promise<string> {
    const { rows } = await this.db.query<{ v: string }>('SELECT take_order_version() AS v');
    return rows[0]!.v;
  }

  /**
   * updated_at is the moment of the UPDATE itself (clock_timestamp()), not now(), which is the
   * start of the transaction and would date the change before its own row lock and version.
   * `expected` is the status the caller saw under its row lock: the UPDATE is conditional on
   * it, so a change can never apply twice. A step back (recall) clears completed_at.
   * preparing_at and prepared_by feed the line's estimate (queue.repository.ts).
   */
  async setStatus(id: string, expected: OrderStatus, status: OrderStatus, version: string, by: ChangedBy): Promise<HostOrder> {
    const { rows } = await this.db.query<OrderRow>(
      `WITH changed AS (
         UPDATE orders SET status = $3, version = $4, updated_at = t.at, previous_status = orders.status,
                completed_at = CASE WHEN $3 = 'served' THEN t.at WHEN $3 IN ('pending', 'preparing', 'ready') THEN NULL ELSE completed_at END,
                ready_at = CASE WHEN $3 = 'ready' THEN t.at ELSE ready_at END,
                -- Preparation starts when an order first enters 'preparing' (a recall from ready
                -- keeps it: the same drink, still being made); a recall to 'pending' forgets it.
                preparing_at = CASE WHEN $3 = 'pending' THEN NULL WHEN $3 = 'preparing' THEN coalesce(preparing_at, t.at) ELSE preparing_at END,
                prepared_by = CASE WHEN $3 = 'pending' THEN NULL WHEN $3 = 'preparing' AND preparing_at IS NULL THEN $5 || ':' || $6 ELSE prepared_by END,
                changed_by_role = $5, changed_by_name = $6
           FROM (SELECT clock_timestamp() AS at) t
          WHERE id = $1 AND status = $2
          RETURNING orders.*)
       SELECT ${ORDER_COLUMNS}
         FROM changed o
         JOIN drinks d ON d.id = o.drink_id
         JOIN app_users u ON u.user_key = o.user_key`,
      [id, expected, status, version, by.role, by.name],
    );
    return hostOrder(rows[0]!);
  }

  /** What a recall needs beyond the order: the status before the last change and who made it. */
  async lastChange(id: string): Promise<{ previous: OrderStatus | null; byRole: ChangedBy['role'] | null; age_seconds: number }> {
    const { rows } = await this.db.query<{ previous_status: OrderStatus | null; changed_by_role: ChangedBy['role'] | null; age_seconds: number }>(
      'SELECT previous_status, changed_by_role, extract(epoch FROM clock_timestamp() - updated_at)::float8 AS age_seconds FROM orders WHERE id = $1',
      [id],
    );
    const row = rows[0]!;
    return { previous: row.previous_status, byRole: row.changed_by_role, age_seconds: row.age_seconds };
  }

  /** Counts one more call of a ready order (the caller holds its row lock). */
  async addCall(id: string): Promise<HostOrder> {
    const { rows } = await this.db.query<OrderRow>(
      `WITH called AS (
         UPDATE orders SET calls = calls + 1, called_at = clock_timestamp() WHERE id = $1 AND status = 'ready' RETURNING orders.*)
       SELECT ${ORDER_COLUMNS}
         FROM called o
         JOIN drinks d ON d.id = o.drink_id
         JOIN app_users u ON u.user_key = o.user_key`,
      [id],
    );
    return hostOrder(rows[0]!);
  }

  /** The event row, written in the change's transaction: it exists if and only if the change does. */
  async insertEvent(event: OrderChangeRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO order_events (order_id, user_key, type, version, payload) VALUES ($1, $2, $3, $4, $5)`,
      [event.order_id, event.user_key, event.type, event.version, JSON.stringify(event)],
    );
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
