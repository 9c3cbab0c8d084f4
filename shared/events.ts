import type { OrderStatus } from './order-status.ts';

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
  /** Host channel only: who made the change. */
  changed_by?: { role: 'admin' | 'bartender' | 'guest'; name: string };
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
}

/** Menu changes, so open menus refresh without a reload (a barback extension). */
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

/** The host called a ready order again (the guest's channel; the host channel adds user_key). */
export interface OrderCalledEvent {
  type: 'ORDER_CALLED';
  order_id: string;
  drink_name: string;
  calls: number;
  called_at: string;
  /** Present on the host channel only. */
  user_key?: string;
  username?: string;
}

export interface EventMap {
  ORDER_STATUS_CHANGED: OrderStatusChangedEvent;
  NEW_ORDER: NewOrderEvent;
  MENU_CHANGED: MenuChangedEvent;
  BAR_STATUS_CHANGED: BarStatusChangedEvent;
  ORDER_CALLED: OrderCalledEvent;
}

export type EventType = keyof EventMap;
export type BarbackEvent = EventMap[EventType];
