/**
 * The order status machine, used by the server to enforce transitions and by the
 * dashboard to decide which button to show.
 */
export const ORDER_STATUSES = ['pending', 'preparing', 'ready', 'served', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses in which an order still counts against a guest's active-order limit. */
export const ACTIVE_STATUSES: readonly OrderStatus[] = ['pending', 'preparing', 'ready'];

/** Statuses in which an order is in line (shared/queue.ts): placed or being made, not yet ready. */
export const QUEUE_STATUSES: readonly OrderStatus[] = ['pending', 'preparing'];

const FORWARD: readonly OrderStatus[] = ['pending', 'preparing', 'ready', 'served'];
const CANCELLABLE_BY_HOST: readonly OrderStatus[] = ['pending', 'preparing'];

export type Actor = 'host' | 'guest';

export function isActiveStatus(status: OrderStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/**
 * Whether `actor` may move an order from `from` to `to`. Setting the current status
 * again is not a transition; callers treat it as a no-op before asking.
 */
export function canTransition(from: OrderStatus, to: OrderStatus, actor: Actor): boolean {
  if (from === to) return false;
  if (actor === 'guest') return from === 'pending' && to === 'cancelled';
  if (to === 'cancelled') return CANCELLABLE_BY_HOST.includes(from);
  const fromIndex = FORWARD.indexOf(from);
  const toIndex = FORWARD.indexOf(to);
  return fromIndex >= 0 && toIndex > fromIndex;
}

/** How long after a change the host may still take it back ("Recall"). */
export const RECALL_WINDOW_SECONDS = 15 * 60;

/** What a recall needs to know about the order's last change. */
export interface LastChange {
  /** The status before the last change (null for an order never changed). */
  previous: OrderStatus | null;
  /** Whether the host or a bartender made it (a guest's own cancel is not theirs to undo). */
  byStaff: boolean;
  ageSeconds: number;
}

/**
 * The one step back from `from`: ready → preparing, preparing → pending, served → ready, and
 * a cancel the host made → the status it had. Null when there is none.
 */
export function recallTarget(from: OrderStatus, last: Pick<LastChange, 'previous' | 'byStaff'>): OrderStatus | null {
  switch (from) {
    case 'ready':
      return 'preparing';
    case 'preparing':
      return 'pending';
    case 'served':
      return 'ready';
    case 'cancelled':
      return last.byStaff && last.previous !== null && last.previous !== 'cancelled' ? last.previous : null;
    default:
      return null;
  }
}

/** Whether the host may step an order from `from` back to `to` now (the only backward moves). */
export function canRecall(from: OrderStatus, to: OrderStatus, last: LastChange): boolean {
  return last.ageSeconds <= RECALL_WINDOW_SECONDS && recallTarget(from, last) === to;
}

/** The one-step-forward status for the host's main button, or null when the order is finished. */
export function nextStatus(from: OrderStatus): OrderStatus | null {
  const index = FORWARD.indexOf(from);
  if (index < 0 || index === FORWARD.length - 1) return null;
  return FORWARD[index + 1] ?? null;
}

export function isInLine(status: string): boolean {
  return (QUEUE_STATUSES as readonly string[]).includes(status);
}

export function isTerminal(status: OrderStatus): boolean {
  return status === 'served' || status === 'cancelled';
}
