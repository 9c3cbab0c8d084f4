import type { AdminOrder } from '../../shared/schemas/orders.ts';
import type { HostOrderCalledEvent, HostOrderStatusChangedEvent, NewOrderEvent } from '../../shared/events.ts';
import { isActiveStatus, type OrderStatus } from '../../shared/order-status.ts';
import { isNewer, mergeByVersion } from '../lib/versions.ts';

/**
 * The board's orders, keyed by id. Live events and REST answers can arrive in any order
 * (an event overtakes the catch-up request, or the other way round), so every merge keeps
 * whichever copy of an order has the higher `version` (lib/versions.ts).
 */
export type BoardOrders = ReadonlyMap<string, AdminOrder>;

/**
 * A catch-up answer is the truth about which orders are open: an open order we hold that
 * the server no longer lists was finished while we were away, unless a newer event for it
 * arrived after the request was sent (then it is `keep`).
 */
export function applySnapshot(board: BoardOrders, open: readonly AdminOrder[], keep: ReadonlySet<string>): BoardOrders {
  const listed = new Set(open.map((order) => order.id));
  const next = new Map<string, AdminOrder>();
  for (const [id, order] of board) {
    if (listed.has(id) || keep.has(id) || !isActiveStatus(order.status)) next.set(id, order);
  }
  return mergeByVersion(next, open);
}

export function applyNewOrder(board: BoardOrders, event: NewOrderEvent): BoardOrders {
  const order: AdminOrder = {
    id: event.order_id,
    drink_id: event.drink_id,
    drink_name: event.drink_name,
    notes: event.notes,
    options: event.options ?? board.get(event.order_id)?.options ?? [],
    status: event.status,
    created_at: event.created_at,
    updated_at: event.created_at,
    completed_at: null,
    ready_at: null,
    version: event.version,
    user_key: event.user_key,
    username: event.username,
    calls: 0,
    called_at: null,
    changed_by: null,
  };
  return mergeByVersion(board, [order]);
}

export function applyStatusChange(board: BoardOrders, event: HostOrderStatusChangedEvent): BoardOrders {
  const current = board.get(event.order_id);
  if (!isNewer(event, current)) return board;
  const order: AdminOrder = {
    id: event.order_id,
    drink_id: current?.drink_id ?? '',
    drink_name: event.drink_name,
    notes: current?.notes ?? null,
    options: current?.options ?? [],
    status: event.status,
    created_at: current?.created_at ?? event.updated_at,
    updated_at: event.updated_at,
    completed_at: event.status === 'served' ? event.updated_at : (current?.completed_at ?? null),
    ready_at: event.status === 'ready' ? event.updated_at : (current?.ready_at ?? null),
    version: event.version,
    user_key: event.user_key,
    username: event.username,
    calls: current?.calls ?? 0,
    called_at: current?.called_at ?? null,
    changed_by: event.changed_by,
  };
  return mergeByVersion(board, [order]);
}

/** "Call again": the count and time on the card; a call does not change the version. */
export function applyCall(board: BoardOrders, event: HostOrderCalledEvent): BoardOrders {
  const current = board.get(event.order_id);
  if (!current || current.calls >= event.calls) return board;
  return new Map(board).set(current.id, { ...current, calls: event.calls, called_at: event.called_at });
}

/** One change the board shows under "Recent changes", with its one-tap recall. */
export interface RecentChange {
  orderId: string;
  drinkName: string;
  username: string;
  from: OrderStatus;
  to: OrderStatus;
  /** The order's version after the change: a later change replaces this entry. */
  version: string;
  at: string;
  by: string | null;
  byStaff: boolean;
}

export const RECENT_CHANGES = 5;

/** Newest first, one entry per order (its last change), at most RECENT_CHANGES. */
export function addRecentChange(list: readonly RecentChange[], change: RecentChange): RecentChange[] {
  const existing = list.find((c) => c.orderId === change.orderId);
  if (existing && BigInt(existing.version) >= BigInt(change.version)) return [...list];
  return [change, ...list.filter((c) => c.orderId !== change.orderId)].slice(0, RECENT_CHANGES);
}

export function recentChangeOf(event: HostOrderStatusChangedEvent): RecentChange {
  return {
    orderId: event.order_id,
    drinkName: event.drink_name,
    username: event.username ?? '',
    from: event.previous_status,
    to: event.status,
    version: event.version,
    at: event.updated_at,
    by: event.changed_by?.name ?? null,
    byStaff: event.changed_by ? event.changed_by.role !== 'guest' : true,
  };
}

export const BOARD_COLUMNS = ['pending', 'preparing', 'ready'] as const satisfies readonly OrderStatus[];

/** Open orders of one column, oldest first: the bar works first come, first served. */
export function columnOrders(orders: Iterable<AdminOrder>, status: OrderStatus): AdminOrder[] {
  return [...orders]
    .filter((order) => order.status === status)
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

export interface DrinkGroup {
  drinkName: string;
  /** The options every order of the group has ("Ice: none · Size: double"), or '' for none. */
  optionsLabel: string;
  orders: AdminOrder[];
}

/** The chosen options as the bartender reads them. */
export function optionsLabel(order: Pick<AdminOrder, 'options'>): string {
  return (order.options ?? []).map((option) => `${option.group}: ${option.choice}`).join(' · ');
}

/**
 * Identical drinks together ("3× Negroni"), groups ordered by their oldest order. Identical
 * means the same choices too: a Negroni with no ice is not made like the others.
 */
export function groupByDrink(orders: readonly AdminOrder[]): DrinkGroup[] {
  const groups = new Map<string, DrinkGroup>();
  for (const order of orders) {
    const choices = (order.options ?? []).map((option) => `${option.group_id}=${option.choice_id}`).sort().join('&');
    const key = `${order.drink_name}\u0000${choices}`;
    const group = groups.get(key) ?? { drinkName: order.drink_name, optionsLabel: optionsLabel(order), orders: [] };
    group.orders.push(order);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export type AgeBand = 'fresh' | 'waiting' | 'late';

/** Under 5 minutes, 5–10, over 10: how urgently an order needs attention. */
export function ageBand(createdAt: string, now: number): AgeBand {
  const minutes = (now - Date.parse(createdAt)) / 60_000;
  if (minutes < 5) return 'fresh';
  if (minutes <= 10) return 'waiting';
  return 'late';
}

export function elapsedLabel(createdAt: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(createdAt)) / 1000));
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}`;
}
