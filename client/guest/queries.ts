import { useEffect } from 'react';
import { useQuery, useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { MenuDrink } from '../../shared/schemas/menu.ts';
import { db, type LocalOrder } from '../lib/db.ts';
import { readMenu, refreshMenu, type MenuSnapshot } from './menu-store.ts';
import { watchStore } from './use-live.ts';

/**
 * The guest's server state as the screens read it: TanStack Query's cache. IndexedDB (Dexie)
 * stays the phone's durable copy, shared with the service worker and other tabs, and every
 * write lands there first (server answers, live events, the outbox). One bridge mirrors the
 * stored copy into the cache with `setQueryData` whenever its tables change, whoever wrote
 * them; the query function is the part that asks the server.
 */
export const MENU_KEY = ['menu'] as const;
export const ORDERS_KEY = ['orders'] as const;

/** The bridge: `read` now and after every change to the tables it reads, into the cache. */
export function mirrorStore<T>(queryClient: QueryClient, queryKey: QueryKey, read: () => Promise<T>): () => void {
  return watchStore(read, (value) => queryClient.setQueryData(queryKey, value));
}

function useStoredQuery<T>(queryKey: QueryKey, read: () => Promise<T>, fetchFirst?: () => Promise<void>) {
  const queryClient = useQueryClient();
  // `queryKey` and `read` are module constants: the bridge is made once per cache.
  useEffect(() => mirrorStore(queryClient, queryKey, read), [queryClient]);
  return useQuery({
    queryKey,
    queryFn: async () => {
      await fetchFirst?.();
      return read();
    },
    // A query that only reads the phone works offline; one that asks the server first waits
    // for it (the stored copy shows meanwhile, through the bridge).
    networkMode: fetchFirst ? 'online' : 'always',
  });
}

/**
 * The menu: shown from the stored copy at once, revalidated with `If-None-Match` behind it
 * (and again on MENU_CHANGED, when the live connection returns, on focus).
 */
export function useMenu() {
  return useStoredQuery<MenuSnapshot>(MENU_KEY, readMenu, revalidateMenu);
}

async function revalidateMenu(): Promise<void> {
  await refreshMenu();
  void warmImages((await readMenu()).drinks);
}

export function readOrders(): Promise<LocalOrder[]> {
  return db.orders.orderBy('created_at').reverse().toArray();
}

/** The guest's orders, queued and failed ones included, newest first. */
export function useOrders() {
  return useStoredQuery<LocalOrder[]>(ORDERS_KEY, readOrders);
}

const IMAGE_CACHE = 'barback-images';

/**
 * Puts every drink image in the worker's image cache now, so the menu looks complete offline
 * even for drinks the guest never scrolled to.
 */
async function warmImages(drinks: MenuDrink[]): Promise<void> {
  if (typeof caches === 'undefined') return;
  const cache = await caches.open(IMAGE_CACHE);
  for (const drink of drinks) {
    if (!drink.image_url || (await cache.match(drink.image_url))) continue;
    await cache.add(drink.image_url).catch(() => undefined);
  }
}
