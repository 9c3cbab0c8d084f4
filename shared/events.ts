import type { OrderStatus } from './order-status.ts';
import type { OrderOption } from './schemas/menu-options.ts';

/**
 * The live events clients receive, by wire type. The server builds them in one place
 * (server/orders/order-presenter.ts) and decides which channel hears which in another
 * (server/events/projection.ts).
 */

/** `/orders/<user_key>`: a change to one of that guest's orders. */
export interface GuestOrderStatusChangedEvent {
  type: 'ORDER_STATUS_CHANGED';
  order_id: string;
  drink_name: string;
  status: OrderStatus;
  previous_status: OrderStatus;
  updated_at: string;
  version: string;
}

/** `/admin/order-updates`: the guest's event plus who placed the order. */
export interface HostOrderStatusChangedEvent extends GuestOrderStatusChangedEvent {
  user_key: string;
  username: string;
}

/** `/admin/new-orders`: an order was placed. */
export interface NewOrderEvent {
  type: 'NEW_ORDER';
  order_id: string;
  user_key: string;
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

export interface EventMap {
  ORDER_STATUS_CHANGED: GuestOrderStatusChangedEvent | HostOrderStatusChangedEvent;
  NEW_ORDER: NewOrderEvent;
  MENU_CHANGED: MenuChangedEvent;
}

export type EventType = keyof EventMap;
export type BarbackEvent = EventMap[EventType];
