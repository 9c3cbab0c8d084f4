import type { Queryable } from '../db/database.ts';
import type { AdminOrder, Order } from '../../shared/schemas/orders.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import type { NewOrderEvent, OrderStatusChangedEvent } from '../../shared/events.ts';
import type { OptionGroup, OrderOption } from '../../shared/schemas/menu-options.ts';

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
  options: OrderOption[];
}

export type StoredOrder = AdminOrder;

// Drinks are joined even when soft-deleted: past orders keep showing the name.
const ORDER_SELECT = `SELECT o.id, o.user_key, u.username, o.drink_id, d.name AS drink_name, o.notes, o.status,
       o.created_at, o.updated_at, o.completed_at, o.ready_at, o.version, o.options
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
    options: row.options,
    user_key: row.user_key,
    username: row.username,
    ...(row.ready_at === undefined ? {} : { ready_at: row.ready_at ? row.ready_at.toISOString() : null }),
  };
}

/** The guest's view: the same order without who placed it. */
export function guestView(order: StoredOrder): Order {
  const { user_key: _userKey, username: _username, ready_at: _readyAt, ...rest } = order;
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
  async place(input: { id: string; userKey: string; drinkId: string; notes: string | null; maxActive: number; options: OrderOption[] }): Promise<PlaceOutcome> {
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
      // Created: what was asked. Existing: the caller compares with optionsOf().
      options: input.options,
    });
    return row.outcome === 'created' ? { outcome: 'created', order, event: row.o_event! } : { outcome: 'existing', order };
  }

  /** Stores the options of an order this transaction just created, on the order and its NEW_ORDER event. */
  async setOptions(id: string, options: OrderOption[]): Promise<void> {
    const json = JSON.stringify(options);
    await this.db.query('UPDATE orders SET options = $2 WHERE id = $1', [id, json]);
    await this.db.query(
      `UPDATE order_events SET payload = payload || jsonb_build_object('options', $2::jsonb) WHERE order_id = $1 AND type = 'NEW_ORDER'`,
      [id, json],
    );
  }

  /** The options an existing order was placed with (an idempotent replay compares them). */
  async optionsOf(id: string): Promise<OrderOption[]> {
    const { rows } = await this.db.query<{ options: OrderOption[] }>('SELECT options FROM orders WHERE id = $1', [id]);
    return rows[0]?.options ?? [];
  }

  /** A drink's option groups, or undefined for an unknown or deleted drink. */
  async drinkOptionGroups(drinkId: string): Promise<OptionGroup[] | undefined> {
    const { rows } = await this.db.query<{ options: OptionGroup[] }>('SELECT options FROM drinks WHERE id = $1 AND deleted_at IS NULL', [drinkId]);
    return rows[0]?.options;
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
  async setStatus(id: string, status: OrderStatus, version: string): Promise<StoredOrder> {
    const { rows } = await this.db.query<OrderRow>(
      `WITH changed AS (
         UPDATE orders SET status = $2, version = $3, updated_at = t.at,
                completed_at = CASE WHEN $2 = 'served' THEN t.at ELSE completed_at END,
                ready_at = CASE WHEN $2 = 'ready' THEN t.at ELSE ready_at END
           FROM (SELECT clock_timestamp() AS at) t
          WHERE id = $1
          RETURNING orders.*)
       SELECT o.id, o.user_key, u.username, o.drink_id, d.name AS drink_name, o.notes, o.status,
              o.created_at, o.updated_at, o.completed_at, o.ready_at, o.version, o.options
         FROM changed o
         JOIN drinks d ON d.id = o.drink_id
         JOIN app_users u ON u.user_key = o.user_key`,
      [id, status, version],
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
