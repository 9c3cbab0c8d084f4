import { QueryClient, useQuery } from '@tanstack/react-query';
import type { LocalOrder } from '../lib/db.ts';
import type { MenuSnapshot } from './menu.ts';
import type { FirstPaint } from './first-paint.ts';

/**
 * The guest's server state as the screens read it: TanStack Query's cache. IndexedDB (Dexie)
 * stays the phone's durable copy, shared with the service worker and other tabs, and every
 * write lands there first (server answers, live events, the outbox). One bridge per key
 * (store-bridge.ts, started with the runtime) mirrors the stored copy into the cache with
 * `setQueryData` whenever its tables change, whoever wrote them; the query functions are the
 * parts that ask the server. Both load the store on first use, after the menu has shown: the
 * first paint comes from first-paint.ts, put in the cache when it is made.
 */
export const MENU_KEY = ['menu'] as const;
export const ORDERS_KEY = ['orders'] as const;

/** One cache per signed-in guest, holding what the first paint read for them (if anything). */
export function createGuestQueryClient(first: FirstPaint | null): QueryClient {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: true, refetchOnReconnect: true } },
  });
  // Dated 0, so they count as stale: shown at once, read again as soon as a screen mounts.
  if (first?.menu) queryClient.setQueryData(MENU_KEY, first.menu, { updatedAt: 0 });
  if (first) queryClient.setQueryData(ORDERS_KEY, first.orders, { updatedAt: 0 });
  return queryClient;
}

/**
 * The menu: shown from the stored copy at once, revalidated with `If-None-Match` behind it
 * (and again on MENU_CHANGED, when the live connection returns, on focus). It asks the server
 * first, so it waits for it (the stored copy shows meanwhile).
 */
export function useMenu() {
  return useQuery<MenuSnapshot>({
    queryKey: MENU_KEY,
    queryFn: async () => (await import('./menu-store.ts')).revalidateMenu(),
    networkMode: 'online',
  });
}

/** The guest's orders, queued and failed ones included, newest first; read from the phone, so offline too. */
export function useOrders() {
  return useQuery<LocalOrder[]>({
    queryKey: ORDERS_KEY,
    queryFn: async () => (await import('./order-store.ts')).readOrders(),
    networkMode: 'always',
  });
}
