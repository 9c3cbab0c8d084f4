import type { Drink, Section } from '../../shared/schemas/menu.ts';
import { db, type MenuEntry } from '../lib/db.ts';
import { ApiError, requestJson } from '../lib/http.ts';
import { menuSnapshot, type MenuSnapshot } from './menu.ts';

/**
 * The menu as last seen lives in Dexie, so it shows at once (and offline); each revalidation
 * asks with `If-None-Match`, and a 304 costs the server almost nothing.
 */
async function revalidate<T extends Drink | Section>(key: 'sections' | 'drinks', path: string): Promise<boolean> {
  const cached = (await db.menu.get(key)) as MenuEntry<T> | undefined;
  const headers: Record<string, string> = cached?.etag ? { 'if-none-match': cached.etag } : {};
  let etag: string | null = null;
  let body: Record<string, T[]>;
  try {
    body = await requestJson<Record<string, T[]>>(path, { headers, onResponse: (response) => (etag = response.headers.get('etag')) });
  } catch (error) {
    if (error instanceof ApiError && error.status === 304) return false;
    throw error;
  }
  await db.menu.put({ key, etag, data: body[key] ?? [], fetched_at: new Date().toISOString() });
  return true;
}

/** Revalidates sections and drinks; true when anything changed. */
export async function refreshMenu(): Promise<boolean> {
  const [sections, drinks] = await Promise.all([
    revalidate<Section>('sections', '/api/sections'),
    revalidate<Drink>('drinks', '/api/drinks'),
  ]);
  return sections || drinks;
}

export async function readMenu(): Promise<MenuSnapshot> {
  const [sections, drinks] = await Promise.all([db.menu.get('sections'), db.menu.get('drinks')]);
  return menuSnapshot(sections, drinks);
}

/** The menu query's fetch: revalidate, then the stored copy; the images warmed behind. */
export async function revalidateMenu(): Promise<MenuSnapshot> {
  await refreshMenu();
  const menu = await readMenu();
  void warmImages(menu.drinks);
  return menu;
}

const IMAGE_CACHE = 'barback-images';

/**
 * Puts every drink image in the worker's image cache now, so the menu looks complete offline
 * even for drinks the guest never scrolled to.
 */
async function warmImages(drinks: Drink[]): Promise<void> {
  if (typeof caches === 'undefined') return;
  const cache = await caches.open(IMAGE_CACHE);
  for (const drink of drinks) {
    if (!drink.image_url || (await cache.match(drink.image_url))) continue;
    await cache.add(drink.image_url).catch(() => undefined);
  }
}
