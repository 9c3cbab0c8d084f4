import { useSyncExternalStore } from 'react';
import type { ApiAnswer } from '../../shared/schemas/api.ts';
import { snapshotAtLeast, type QueueSnapshot } from '../../shared/queue.ts';
import { isInLine } from '../../shared/order-status.ts';
import type { LocalOrder } from '../lib/db.ts';
import { authedRequest } from '../lib/session.ts';
import { Signal } from '../lib/signal.ts';

/**
 * The line as the phone last heard it (QUEUE_CHANGED on /queue, or GET /api/queue after a
 * (re)subscription); each order finds its own place in it (shared/queue.ts currentPlace). Kept
 * in memory only: a snapshot is stale by the time the app opens again, so it asks afresh.
 */
export const queueState = new Signal<QueueSnapshot | null>(null);

/** Keeps the newest snapshot: an older one arriving late never moves a guest back. */
export function noteQueue(snapshot: QueueSnapshot): void {
  if (snapshotAtLeast(snapshot, queueState.value)) queueState.set(snapshot);
}

/** The line now, for a phone that joined it or came back from a drop (missed snapshots are not replayed). */
export async function refreshQueue(): Promise<void> {
  try {
    noteQueue((await authedRequest<ApiAnswer<'GET /api/queue'>>('/api/queue')).queue);
  } catch {
    // Unreachable: the orders' own places show meanwhile; the next snapshot or reconnect fixes it.
  }
}

/** Whether the phone has an order in line, so it should follow /queue. */
export function hasOrderInLine(orders: readonly LocalOrder[]): boolean {
  return orders.some((order) => order.version !== null && isInLine(order.status));
}

export function useQueueSnapshot(): QueueSnapshot | null {
  return useSyncExternalStore(queueState.subscribe, () => queueState.value);
}
