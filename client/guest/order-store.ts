import type { ApiAnswer } from '../../shared/schemas/api.ts';
import type { Order } from '../../shared/schemas/orders.ts';
import type { GuestOrderStatusChangedEvent } from '../../shared/events.ts';
import { db, getMeta, setMeta, type LocalOrder } from '../lib/db.ts';
import { authedRequest } from '../lib/session.ts';
import { singleFlight } from '../lib/locks.ts';
import { isNewer, versionAfter } from '../lib/versions.ts';

/**
 * The guest's orders on the phone. Server orders are merged by `version` (lib/versions.ts), so
 * an old answer arriving late never undoes a newer status. The catch-up cursor is the one the
 * server returned — event versions are only used to notice a gap.
 */
export const CURSOR_KEY = 'orders.cursor';

export interface OrderChange {
  order: Order;
  /** The status the phone showed before; undefined for an order it did not know. */
  previous: LocalOrder['status'] | undefined;
}

/** Stores server orders that are newer than what the phone has; returns what changed. */
export async function mergeServerOrders(orders: Order[]): Promise<OrderChange[]> {
  return db.transaction('rw', db.orders, async () => {
    const changed: OrderChange[] = [];
    for (const order of orders) {
      const existing = await db.orders.get(order.id);
      if (!isNewer(order, existing)) continue;
      await db.orders.put({ ...order });
      changed.push({ order, previous: existing?.status });
    }
    return changed;
  });
}

/**
 * GET /api/orders?since=<cursor>: what changed while the phone was not listening. The first
 * call (no cursor) fetches the whole history. Concurrent callers share one request.
 */
export const catchUp = singleFlight(async (): Promise<OrderChange[]> => {
  const cursor = await getMeta<string>(CURSOR_KEY);
  const query = cursor ? `?since=${encodeURIComponent(cursor)}` : '';
  const answer = await authedRequest<ApiAnswer<'GET /api/orders'>>(`/api/orders${query}`);
  const changed = await mergeServerOrders(answer.orders);
  const stored = await getMeta<string>(CURSOR_KEY);
  if (versionAfter(answer.cursor, stored)) await setMeta(CURSOR_KEY, answer.cursor);
  return changed;
});

/** The guest's orders on the phone, queued and failed ones included, newest first. */
export function readOrders(): Promise<LocalOrder[]> {
  return db.orders.orderBy('created_at').reverse().toArray();
}

export type EventOutcome = 'applied' | 'stale' | 'gap';

/**
 * Applies a live status change. The event's `previous_status` must be the status the phone
 * has: otherwise an event was missed (or the order is unknown here), so the caller catches up.
 */
export async function applyStatusEvent(event: GuestOrderStatusChangedEvent): Promise<EventOutcome> {
  return db.transaction('rw', db.orders, async () => {
    const existing = await db.orders.get(event.order_id);
    if (!existing || existing.version === null) return 'gap';
    if (!isNewer(event, existing)) return 'stale';
    if (existing.status !== event.previous_status) return 'gap';
    const next: LocalOrder = {
      ...existing,
      status: event.status,
      updated_at: event.updated_at,
      version: event.version,
      completed_at: event.status === 'served' ? event.updated_at : existing.completed_at,
      // The place after the change; the ticket stays known once told (it never changes).
      queue_ticket: event.queue_ticket ?? existing.queue_ticket ?? null,
      queue_position: event.queue_position,
      eta_seconds: event.eta_seconds,
    };
    await db.orders.put(next);
    return 'applied';
  });
}

/** POST /api/orders/:id/cancel; the answer is merged like any other server order. */
export async function cancelOrder(id: string): Promise<void> {
  const answer = await authedRequest<ApiAnswer<'POST /api/orders/:id/cancel'>>(`/api/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
  await mergeServerOrders([answer.order]);
}
