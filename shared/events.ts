import type { OrderStatus } from './order-status.ts';
import type { OrderOption } from './schemas/menu-options.ts';
import type { QueuePlace, QueueSnapshot } from './queue.ts';

/**
 * The live events clients receive, by wire type. The server builds them in one place
 * (server/orders/order-presenter.ts) and decides which channel hears which in another
 * (server/events/projection.ts).
 */

/** A change to an order, as the order's log keeps it (order_events) and both events start from. */
export interface OrderStatusChange {
  type: 'ORDER_STATUS_CHANGED';
  order_id: string;
  drink_name: string;
  status: OrderStatus;
  previous_status: OrderStatus;
  updated_at: string;
  version: string;
}

/**
 * `/orders/<user_key>`: a change to one of that guest's orders, with its place in line after
 * it (`queue_ticket`, `queue_position`, `eta_seconds`; nulls when not in line).
 */
export interface GuestOrderStatusChangedEvent extends OrderStatusChange, QueuePlace {}

/** Who placed an order and who made its last change, as the host hears it. */
export interface OrderChangeParties {
  /** Null for a walk-up (no guest account); `username` is then the walk-up's name. */
  user_key: string | null;
  username: string;
  /** Who made the change (a barback extension): the host, a bartender, or the guest (their own cancel). */
  changed_by: { role: 'admin' | 'bartender' | 'guest'; name: string } | null;
}

/** `/admin/order-updates`: the guest's event plus who placed the order and who made the change. */
export interface HostOrderStatusChangedEvent extends GuestOrderStatusChangedEvent, OrderChangeParties {}

/** `/queue`: the line after orders moved (shared/queue.ts); names no order, guest or drink. */
export interface QueueChangedEvent extends QueueSnapshot {
  type: 'QUEUE_CHANGED';
}

/** `/admin/new-orders`: an order was placed. */
export interface NewOrderEvent {
  type: 'NEW_ORDER';
  order_id: string;
  /** Null for a walk-up (no guest account); `username` is then the walk-up's name. */
  user_key: string | null;
  username: string;
  drink_id: string;
  drink_name: string;
  notes: string | null;
  status: 'pending';
  created_at: string;
  version: string;
  /** The chosen options (issue 19); absent from events of older servers. */
  options?: OrderOption[];
}

/** `/menu/changes`: the menu changed, so open menus refresh without a reload (a barback extension). */
export interface MenuChangedEvent {
  type: 'MENU_CHANGED';
  updated_at: string;
}

/** The bar opened, called last orders or closed (channel `/bar`, every signed-in user). */
export interface BarStatusChangedEvent {
  type: 'BAR_STATUS_CHANGED';
  status: 'open' | 'last_call' | 'closed';
  message: string | null;
  closes_at: string | null;
  previous_status: 'open' | 'last_call' | 'closed';
  updated_at: string;
}

/** `/orders/<user_key>`: the host called a ready order again. */
export interface GuestOrderCalledEvent {
  type: 'ORDER_CALLED';
  order_id: string;
  drink_name: string;
  calls: number;
  called_at: string;
}

/** `/admin/order-updates`: the guest's event plus who placed the order. */
export interface HostOrderCalledEvent extends GuestOrderCalledEvent {
  /** Null for a walk-up. */
  user_key: string | null;
  username: string;
}

export interface EventMap {
  ORDER_STATUS_CHANGED: GuestOrderStatusChangedEvent | HostOrderStatusChangedEvent;
  NEW_ORDER: NewOrderEvent;
  MENU_CHANGED: MenuChangedEvent;
  BAR_STATUS_CHANGED: BarStatusChangedEvent;
  ORDER_CALLED: GuestOrderCalledEvent | HostOrderCalledEvent;
  QUEUE_CHANGED: QueueChangedEvent;
}

export type EventType = keyof EventMap;
export type BarbackEvent = EventMap[EventType];
