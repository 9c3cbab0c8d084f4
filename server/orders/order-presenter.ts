import type { AdminOrder, ChangedBy, Order } from '../../shared/schemas/orders.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import type { OrderOption } from '../../shared/schemas/menu-options.ts';
import type {
  GuestOrderCalledEvent,
  GuestOrderStatusChangedEvent,
  HostOrderCalledEvent,
  HostOrderStatusChangedEvent,
  NewOrderEvent,
  OrderStatusChange,
  QueueChangedEvent,
} from '../../shared/events.ts';
import type { QueuePlace, QueueSnapshot } from '../../shared/queue.ts';

/**
 * Every view of an order, built from one row: the host's view, the guest's view and the live
 * events. Repositories read rows with ORDER_COLUMNS (place_order() in migration 0007 returns
 * the same columns by the same names); nothing else shapes an order.
 */

/**
 * One column list for order rows. `o` is orders, `d` drinks (deleted ones too), `u` app_users
 * (none for a walk-up, whose name stands in for the guest's: migration 0020).
 */
export const ORDER_COLUMNS = `o.id, o.user_key, COALESCE(u.username, o.walkup_name) AS username, o.drink_id, d.name AS drink_name, o.notes, o.status,
       o.created_at, o.updated_at, o.completed_at, o.ready_at, o.version, o.options,
       o.calls, o.called_at, o.changed_by_role, o.changed_by_name`;

/** What ORDER_COLUMNS reads through, after `FROM orders o` (or a CTE named `o`). */
export const ORDER_JOINS = `JOIN drinks d ON d.id = o.drink_id
  LEFT JOIN app_users u ON u.user_key = o.user_key`;

export interface OrderRow {
  id: string;
  /** Null for a walk-up. */
  user_key: string | null;
  /** The guest's name, or the walk-up's. */
  username: string;
  drink_id: string;
  drink_name: string;
  notes: string | null;
  status: OrderStatus;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  /** Null until the order becomes ready. */
  ready_at: Date | null;
  /** int8 arrives as a decimal string (see database.ts). */
  version: string;
  /** The chosen options, with their names as when the order was placed (migration 0014). */
  options: OrderOption[];
  /** How many times the host called the ready order again, and when last (migration 0017). */
  calls: number;
  called_at: Date | null;
  /** Who made the last change; null before any. */
  changed_by_role: ChangedBy['role'] | null;
  changed_by_name: string | null;
}

/** The host's view: the order, who placed it, when it became ready, its calls and who moved it last. */
export type HostOrder = AdminOrder & { ready_at: string | null; calls: number; called_at: string | null; changed_by: ChangedBy | null };

export function hostOrder(row: OrderRow): HostOrder {
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
    ready_at: row.ready_at ? row.ready_at.toISOString() : null,
    calls: row.calls,
    called_at: row.called_at ? row.called_at.toISOString() : null,
    changed_by: row.changed_by_role ? { role: row.changed_by_role, name: row.changed_by_name ?? '' } : null,
  };
}

/**
 * The guest's view: the same order without who placed it or the host's timings, with its
 * place in line (queue.service.ts; nulls when not in line).
 */
export function guestOrder(order: HostOrder, place: QueuePlace): Order {
  return {
    id: order.id,
    drink_id: order.drink_id,
    drink_name: order.drink_name,
    notes: order.notes,
    status: order.status,
    created_at: order.created_at,
    updated_at: order.updated_at,
    completed_at: order.completed_at,
    version: order.version,
    options: order.options,
    queue_ticket: place.queue_ticket,
    queue_position: place.queue_position,
    eta_seconds: place.eta_seconds,
  };
}

/** NEW_ORDER, for the host's board: a placed order is always pending. */
export function newOrderEvent(order: HostOrder): NewOrderEvent {
  return {
    type: 'NEW_ORDER',
    order_id: order.id,
    user_key: order.user_key,
    username: order.username,
    drink_id: order.drink_id,
    drink_name: order.drink_name,
    notes: order.notes,
    status: 'pending',
    created_at: order.created_at,
    version: order.version,
    options: order.options,
  };
}

function statusChange(order: HostOrder, previous: OrderStatus): OrderStatusChange {
  return {
    type: 'ORDER_STATUS_CHANGED',
    order_id: order.id,
    drink_name: order.drink_name,
    status: order.status,
    previous_status: previous,
    updated_at: order.updated_at,
    version: order.version,
  };
}

/** ORDER_STATUS_CHANGED as the guest who placed the order hears it, with its place in line. */
export function guestStatusChangedEvent(order: HostOrder, previous: OrderStatus, place: QueuePlace): GuestOrderStatusChangedEvent {
  return { ...statusChange(order, previous), ...place };
}

/** ORDER_STATUS_CHANGED as the host hears it: the guest's event plus who placed the order and who changed it. */
export function hostStatusChangedEvent(order: HostOrder, previous: OrderStatus, place: QueuePlace): HostOrderStatusChangedEvent {
  return { ...guestStatusChangedEvent(order, previous, place), user_key: order.user_key, username: order.username, changed_by: order.changed_by };
}

/** QUEUE_CHANGED: the anonymous line, for every phone with an order in it. */
export function queueChangedEvent(queue: QueueSnapshot): QueueChangedEvent {
  return { type: 'QUEUE_CHANGED', ...queue };
}

/** ORDER_CALLED as the guest who placed the order hears it ("Call again"). */
export function guestCalledEvent(order: HostOrder): GuestOrderCalledEvent {
  return {
    type: 'ORDER_CALLED',
    order_id: order.id,
    drink_name: order.drink_name,
    calls: order.calls,
    called_at: order.called_at ?? order.updated_at,
  };
}

/** ORDER_CALLED as the host hears it: the guest's event plus who placed the order. */
export function hostCalledEvent(order: HostOrder): HostOrderCalledEvent {
  return { ...guestCalledEvent(order), user_key: order.user_key, username: order.username };
}
