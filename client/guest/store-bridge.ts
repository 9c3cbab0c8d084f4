import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { readMenu } from './menu-store.ts';
import { readOrders } from './order-store.ts';
import { MENU_KEY, ORDERS_KEY } from './queries.ts';
import { watchStore } from './use-live.ts';

/** The bridge: `read` now and after every change to the tables it reads, into the cache. */
export function mirrorStore<T>(queryClient: QueryClient, queryKey: QueryKey, read: () => Promise<T>): () => void {
  return watchStore(read, (value) => queryClient.setQueryData(queryKey, value));
}

/** The stored menu and orders, mirrored into the guest's cache while the app is open. */
export function startStoreBridges(queryClient: QueryClient): () => void {
  const stops = [mirrorStore(queryClient, MENU_KEY, readMenu), mirrorStore(queryClient, ORDERS_KEY, readOrders)];
  return () => stops.forEach((stop) => stop());
}
