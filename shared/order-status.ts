/**
 * The order status machine, used by the server to enforce transitions and by the
 * dashboard to decide which button to show.
 */
export const ORDER_STATUSES = ['pending', 'preparing', 'ready', 'served', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses in which an order still counts against a guest's active-order limit. */
export const ACTIVE_STATUSES: readonly OrderStatus[] = ['pending', 'preparing', 'ready'];

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

/** The one-step-forward status for the host's main button, or null when the order is finished. */
export function nextStatus(from: OrderStatus): OrderStatus | null {
  const index = FORWARD.indexOf(from);
  if (index < 0 || index === FORWARD.length - 1) return null;
  return FORWARD[index + 1] ?? null;
}

export function isTerminal(status: OrderStatus): boolean {
  return status === 'served' || status === 'cancelled';
}
