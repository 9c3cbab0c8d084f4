import type { Queryable } from '../db/database.ts';
import type { AdminOrder, ChangedBy, Order } from '../../shared/schemas/orders.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import type { NewOrderEvent, OrderStatusChangedEvent } from '../../shared/events.ts';

interface OrderRow {
  id: string;
  user_key: string;
  username: string;
  drink_id: string;
  drink_name: string;
  notes: string | null;
  status: OrderStatus;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  ready_at?: Date | null;
  /** int8 arrives as a decimal string (see database.ts). */
  version: string;
  calls?: number;
  called_at?: Date | null;
  changed_by_role?: ChangedBy['role'] | null;
  changed_by_name?: string | null;
}

export type StoredOrder = AdminOrder;

// Drinks are joined even when soft-deleted: past orders keep showing the name.
const ORDER_SELECT = `SELECT o.id, o.user_key, u.username, o.drink_id, d.name AS drink_name, o.notes, o.status,
       o.created_at, o.updated_at, o.completed_at, o.ready_at, o.version,
       o.calls, o.called_at, o.changed_by_role, o.changed_by_name
  FROM orders o
  JOIN drinks d ON d.id = o.drink_id
  JOIN app_users u ON u.user_key = o.user_key`;

function toStoredOrder(row: OrderRow): StoredOrder {
  return {
    id: row.id,
    drink_id: row.drink_id,
    drink_name: row.drink_name,
    notes: row.notes,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    completed_at: row.completed_at ? row.completed_at.toISOString() : null,
    version: row.version,
    user_key: row.user_key,
    username: row.username,
    ...(row.ready_at === undefined ? {} : { ready_at: row.ready_at ? row.ready_at.toISOString() : null }),
    ...(row.calls === undefined ? {} : { calls: row.calls, called_at: row.called_at ? row.called_at.toISOString() : null }),
    ...(row.changed_by_role === undefined
      ? {}
      : { changed_by: row.changed_by_role ? { role: row.changed_by_role, name: row.changed_by_name ?? '' } : null }),
  };
}

/** The guest's view: the same order without who placed it. */
export function guestView(order: StoredOrder): Order {
  const { user_key: _userKey, username: _username, ready_at: _readyAt, calls: _calls, called_at: _calledAt, changed_by: _changedBy, ...rest } = order;
  return rest;
}

export type PlaceOutcome =
  | { outcome: 'created'; order: StoredOrder; event: NewOrderEvent }
  | { outcome: 'existing'; order: StoredOrder }
  | { outcome: 'idempotency_conflict' | 'drink_not_found' | 'drink_unavailable' | 'too_many_active_orders' | 'guest_inactive' };

interface PlaceRow {
  outcome: string;
  o_user_key: string | null;
  o_username: string | null;
  o_drink_id: string | null;
  o_drink_name: string | null;
  o_notes: string | null;
  o_status: OrderStatus | null;
  o_created_at: Date | null;
  o_updated_at: Date | null;
  o_completed_at: Date | null;
  o_version: string | null;
  o_event: NewOrderEvent | null;
}

export class OrderRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Creation runs as the single statement place_order() (migration 0002): lock the guest,
   * look up the id, check drink and limit, take a version, insert order and event, in one
   * transaction and one round trip. Each extra round trip of a client-side transaction costs
   * CPU on both sides of the socket, and creation is the path parties hammer.
   */
  async place(input: { id: string; userKey: string; drinkId: string; notes: string | null; maxActive: number }): Promise<PlaceOutcome> {
    const { rows } = await this.db.query<PlaceRow>('SELECT * FROM place_order($1, $2, $3, $4, $5)', [
      input.id,
      input.userKey,
      input.drinkId,
      input.notes,
      input.maxActive,
    ]);
    const row = rows[0]!;
    if (row.outcome !== 'created' && row.outcome !== 'existing') return { outcome: row.outcome as 'idempotency_conflict' };
    const order = toStoredOrder({
      id: input.id,
      user_key: row.o_user_key!,
      username: row.o_username!,
      drink_id: row.o_drink_id!,
      drink_name: row.o_drink_name!,
      notes: row.o_notes,
      status: row.o_status!,
      created_at: row.o_created_at!,
      updated_at: row.o_updated_at!,
      completed_at: row.o_completed_at,
      version: row.o_version!,
    });
    return row.outcome === 'created' ? { outcome: 'created', order, event: row.o_event! } : { outcome: 'existing', order };
  }

  /** Locks the order row for a status change; the caller holds a transaction. */
  async lockForChange(id: string): Promise<StoredOrder | undefined> {
    const { rows } = await this.db.query<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
    return rows[0] ? toStoredOrder(rows[0]) : undefined;
  }

  /** The next version, held (advisory lock) until this transaction ends; see take_order_version. */
  async takeVersion(): Promise<string> {
    const { rows } = await this.db.query<{ v: string }>('SELECT take_order_version() AS v');
    return rows[0]!.v;
  }

  /**
   * updated_at is the moment of the UPDATE itself (clock_timestamp()), not now(), which is the
   * start of the transaction and would date the change before its own row lock and version.
   */
  /**
   * `expected` is the status the caller saw under its row lock: the UPDATE is conditional on
   * it, so a change can never apply twice. A step back (recall) clears completed_at.
   */
  async setStatus(id: string, expected: OrderStatus, status: OrderStatus, version: string, by: ChangedBy): Promise<StoredOrder> {
    const { rows } = await this.db.query<OrderRow>(
      `WITH changed AS (
         UPDATE orders SET status = $3, version = $4, updated_at = t.at, previous_status = orders.status,
                completed_at = CASE WHEN $3 = 'served' THEN t.at WHEN $3 IN ('pending', 'preparing', 'ready') THEN NULL ELSE completed_at END,
                ready_at = CASE WHEN $3 = 'ready' THEN t.at ELSE ready_at END,
                changed_by_role = $5, changed_by_name = $6
           FROM (SELECT clock_timestamp() AS at) t
          WHERE id = $1 AND status = $2
          RETURNING orders.*)
       SELECT o.id, o.user_key, u.username, o.drink_id, d.name AS drink_name, o.notes, o.status,
              o.created_at, o.updated_at, o.completed_at, o.ready_at, o.version,
              o.calls, o.called_at, o.changed_by_role, o.changed_by_name
         FROM changed o
         JOIN drinks d ON d.id = o.drink_id
         JOIN app_users u ON u.user_key = o.user_key`,
      [id, expected, status, version, by.role, by.name],
    );
    return toStoredOrder(rows[0]!);
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
  async addCall(id: string): Promise<StoredOrder> {
    const { rows } = await this.db.query<OrderRow>(
      `WITH called AS (
         UPDATE orders SET calls = calls + 1, called_at = clock_timestamp() WHERE id = $1 AND status = 'ready' RETURNING orders.*)
       SELECT o.id, o.user_key, u.username, o.drink_id, d.name AS drink_name, o.notes, o.status,
              o.created_at, o.updated_at, o.completed_at, o.ready_at, o.version,
              o.calls, o.called_at, o.changed_by_role, o.changed_by_name
         FROM called o
         JOIN drinks d ON d.id = o.drink_id
         JOIN app_users u ON u.user_key = o.user_key`,
      [id],
    );
    return toStoredOrder(rows[0]!);
  }

  async insertEvent(event: OrderStatusChangedEvent & { user_key: string }): Promise<void> {
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
  /** A guest's orders, newest first; with `since`, only those changed after it (orders_user_version index). */
  async listForGuest(userKey: string, since: string | undefined): Promise<StoredOrder[]> {
    const { rows } =
      since === undefined
        ? await this.db.query<OrderRow>(`${ORDER_SELECT} WHERE o.user_key = $1 ORDER BY o.created_at DESC, o.id DESC`, [userKey])
        : await this.db.query<OrderRow>(
            `${ORDER_SELECT} WHERE o.user_key = $1 AND o.version > $2::bigint ORDER BY o.created_at DESC, o.id DESC`,
            [userKey, since],
          );
    return rows.map(toStoredOrder);
  }

  async findForGuest(id: string, userKey: string): Promise<StoredOrder | undefined> {
    const { rows } = await this.db.query<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1 AND o.user_key = $2`, [id, userKey]);
    return rows[0] ? toStoredOrder(rows[0]) : undefined;
  }

  /** The host's queue, oldest first. */
  async listForHost(statuses: OrderStatus[] | undefined): Promise<StoredOrder[]> {
    const { rows } = await this.db.query<OrderRow>(
      `${ORDER_SELECT} WHERE ($1::text[] IS NULL OR o.status = ANY($1::text[])) ORDER BY o.created_at, o.version`,
      [statuses ?? null],
    );
    return rows.map(toStoredOrder);
  }
}
