import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { db, type LocalOrder } from '../../client/lib/db.ts';
import { ORDERS_KEY } from '../../client/guest/queries.ts';
import { mirrorStore } from '../../client/guest/store-bridge.ts';
import { readOrders } from '../../client/guest/order-store.ts';
import { enqueueOrder } from '../../client/guest/outbox.ts';

/**
 * The split of client/guest/queries.ts and store-bridge.ts: the phone's Dexie store stays the durable copy that the
 * service worker and other tabs write too, and one bridge mirrors it into TanStack Query's
 * cache, so a write by anyone shows on the screens that read the cache.
 */
let queryClient: QueryClient;
let stop: () => void;

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  queryClient = new QueryClient();
  stop = mirrorStore(queryClient, ORDERS_KEY, readOrders);
});
afterEach(() => {
  stop();
  queryClient.clear();
});

const cached = () => queryClient.getQueryData<LocalOrder[]>(ORDERS_KEY);

describe('the store → query cache bridge', () => {
  it('puts the stored orders in the cache at once, then every later write, newest first', async () => {
    await expect.poll(cached).toEqual([]);
    const first = await enqueueOrder({ id: 'drink-1', name: 'Negroni' }, null);
    await expect.poll(() => cached()?.map((order) => [order.id, order.status])).toEqual([[first, 'queued']]);

    // A write that is not the page's own (as the service worker's drain would make).
    await db.orders.update(first, { status: 'pending', version: '7' });
    await expect.poll(() => cached()?.[0]?.status).toBe('pending');

    const second = await enqueueOrder({ id: 'drink-2', name: 'Spritz' }, 'no ice');
    await expect.poll(() => cached()?.map((order) => order.id)).toEqual([second, first]);
  });

  it('stops mirroring once stopped', async () => {
    await expect.poll(cached).toEqual([]);
    stop();
    await enqueueOrder({ id: 'drink-1', name: 'Negroni' }, null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cached()).toEqual([]);
  });
});
