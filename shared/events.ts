import type { OrderStatus } from './order-status.ts';
import type { OrderOption } from './schemas/menu-options.ts';

/**
 * The typed map of live events: publishing `ORDER_STATUS_CHANGED` with a wrong payload
 * does not compile.
 */
export interface OrderStatusChangedEvent {
  type: 'ORDER_STATUS_CHANGED';
  order_id: string;
  drink_name: string;
  status: OrderStatus;
  previous_status: OrderStatus;
  updated_at: string;
  version: string;
  /** Present on the host channel only. */
  user_key?: string;
  username?: string;
}

export interface NewOrderEvent {
  type: 'NEW_ORDER';
  order_id: string;
  user_key: string;
  username: string;
  drink_name: string;
  notes: string | null;
  status: 'pending';
  created_at: string;
  version: string;
  /** The chosen options (issue 19); absent from events of older servers. */
  options?: OrderOption[];
}

/** Menu changes, so open menus refresh without a reload (a barback extension). */
export interface MenuChangedEvent {
  type: 'MENU_CHANGED';
  updated_at: string;
}

export interface EventMap {
  ORDER_STATUS_CHANGED: OrderStatusChangedEvent;
  NEW_ORDER: NewOrderEvent;
  MENU_CHANGED: MenuChangedEvent;
}

export type EventType = keyof EventMap;
export type BarbackEvent = EventMap[EventType];
