import type { ApiAnswer, ApiBody } from '../../shared/schemas/api.ts';
import type { Order } from '../../shared/schemas/orders.ts';
import type { OrderOption } from '../../shared/schemas/menu-options.ts';
import { db, type LocalOrder, type OutboxItem } from '../lib/db.ts';
import { ApiError, SessionEndedError } from '../lib/http.ts';
import { newId } from '../lib/ids.ts';
import { withLock } from '../lib/locks.ts';
import { isNewer } from '../lib/versions.ts';
import { authedRequest } from '../lib/session.ts';

/**
 * The outbox: an order is written to the phone (outbox + orders, status `queued`) before
 * anything is sent, and leaves the outbox only when the server has answered for it. Both the
 * page and the service worker drain it, one at a time under a Web Lock; the client id makes a
 * resend after an unanswered request harmless (the server answers 200 with the same order).
 */
export const OUTBOX_LOCK = 'barback-outbox';
export const OUTBOX_SYNC_TAG = 'outbox';

export async function enqueueOrder(drink: { id: string; name: string }, notes: string | null, options: OrderOption[] = []): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  const chosen = Object.fromEntries(options.map((option) => [option.group_id, option.choice_id]));
  const item: OutboxItem = { id, drink_id: drink.id, drink_name: drink.name, notes, options: chosen, created_at: now, attempts: 0 };
  const order: LocalOrder = {
    id,
    drink_id: drink.id,
    drink_name: drink.name,
    notes,
    options,
    status: 'queued',
    created_at: now,
    updated_at: now,
    completed_at: null,
    version: null,
  };
  await db.transaction('rw', db.outbox, db.orders, async () => {
    await db.outbox.add(item);
    await db.orders.add(order);
  });
  return id;
}

/**
 * Why the drain stopped: `done` (empty), `unreachable` (network error: try when the server is
 * back), `retry` (the server is struggling: 5xx/429, back off), `signed-out` (join again).
 */
export type DrainResult = { outcome: 'done' | 'unreachable' | 'retry' | 'signed-out'; sent: number; failed: number };

/** A refusal that resending cannot fix: the order ends as failed with the server's reason. */
function isFinalRefusal(error: ApiError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 408 && error.status !== 429;
}

async function accept(item: OutboxItem, order: Order): Promise<void> {
  await db.transaction('rw', db.outbox, db.orders, async () => {
    await db.outbox.delete(item.id);
    const existing = await db.orders.get(order.id);
    // A catch-up may already have stored a newer state of this order.
    if (!isNewer(order, existing)) return;
    await db.orders.put({ ...order });
  });
}

async function refuse(item: OutboxItem, error: ApiError): Promise<void> {
  await db.transaction('rw', db.outbox, db.orders, async () => {
    await db.outbox.delete(item.id);
    const existing = await db.orders.get(item.id);
    const base: LocalOrder = existing ?? {
      id: item.id,
      drink_id: item.drink_id,
      drink_name: item.drink_name,
      notes: item.notes,
      created_at: item.created_at,
      updated_at: item.created_at,
      completed_at: null,
      version: null,
      status: 'failed',
    };
    const reason = (error.details as { reason?: unknown } | undefined)?.reason;
    const failure = { code: error.code, message: error.message, ...(typeof reason === 'string' ? { reason } : {}) };
    await db.orders.put({ ...base, status: 'failed', failure });
  });
}

async function drainUnderLock(): Promise<DrainResult> {
  const items = await db.outbox.orderBy('created_at').toArray();
  let sent = 0;
  let failed = 0;
  for (const listed of items) {
    // Another drainer may have handled it between our listing and now.
    const item = await db.outbox.get(listed.id);
    if (!item) continue;
    await db.outbox.update(item.id, { attempts: item.attempts + 1 });
    try {
      const body: ApiBody<'POST /api/orders'> = {
        id: item.id,
        drink_id: item.drink_id,
        ...(item.notes ? { notes: item.notes } : {}),
        ...(item.options && Object.keys(item.options).length > 0 ? { options: item.options } : {}),
      };
      const answer = await authedRequest<ApiAnswer<'POST /api/orders'>>('/api/orders', { method: 'POST', body });
      await accept(item, answer.order);
      sent += 1;
    } catch (error) {
      if (error instanceof SessionEndedError) return { outcome: 'signed-out', sent, failed };
      if (!(error instanceof ApiError)) throw error;
      await db.outbox.update(item.id, { last_error: error.code });
      if (error.isNetwork) return { outcome: 'unreachable', sent, failed };
      if (isFinalRefusal(error)) {
        await refuse(item, error);
        failed += 1;
        continue;
      }
      return { outcome: 'retry', sent, failed };
    }
  }
  return { outcome: 'done', sent, failed };
}

/** Sends everything in the outbox, oldest first; only one drainer runs at a time anywhere. */
export function drainOutbox(): Promise<DrainResult> {
  return withLock(OUTBOX_LOCK, drainUnderLock);
}
