import type { ApiAnswer } from '../../shared/schemas/api.ts';
import { menuDrink, type DrinkWithRecipe, type ListedDrink, type MenuDrink, type Section } from '../../shared/schemas/menu.ts';
import { db, type MenuEntry } from '../lib/db.ts';
import { ApiError, requestJson } from '../lib/http.ts';
import { allergenName } from '../../shared/allergens.ts';

/**
 * The menu as last seen lives in Dexie, so it shows at once (and offline); each revalidation
 * asks with `If-None-Match`, and a 304 costs the server almost nothing.
 */
async function revalidate<T extends ListedDrink | Section>(key: 'sections' | 'drinks', path: string): Promise<boolean> {
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
    revalidate<ListedDrink>('drinks', '/api/drinks'),
  ]);
  return sections || drinks;
}

export interface MenuSnapshot {
  sections: Section[];
  drinks: MenuDrink[];
  /** false until a menu has ever been stored. */
  loaded: boolean;
}

/** The drinks as stored (the list's compact form, or an older copy's), gaps filled. */
export function storedDrinks(data: unknown[] | undefined): MenuDrink[] {
  return ((data ?? []) as ListedDrink[]).map(menuDrink);
}

export async function readMenu(): Promise<MenuSnapshot> {
  const [sections, drinks] = await Promise.all([db.menu.get('sections'), db.menu.get('drinks')]);
  return {
    sections: (sections?.data ?? []) as Section[],
    drinks: storedDrinks(drinks?.data).filter((drink) => drink.is_active),
    loaded: Boolean(sections && drinks),
  };
}

/**
 * Search by name, ingredient or allergen (in English or French: "egg" and "œuf" both find a
 * sour), and "alcohol-free" / "sans alcool"; case- and accent-insensitive.
 */
export function matchesSearch(drink: MenuDrink, query: string): boolean {
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/œ/g, 'oe').toLowerCase();
  const needle = fold(query.trim());
  if (!needle) return true;
  const words = [
    drink.name,
    ...drink.ingredients,
    ...drink.allergens.flatMap((id) => [allergenName(id, 'en'), allergenName(id, 'fr')]),
    ...(drink.alcohol_free ? ['alcohol-free', 'alcohol free', 'non-alcoholic', 'sans alcool'] : []),
  ];
  return words.some((word) => fold(word).includes(needle));
}

export async function fetchDrink(id: string): Promise<DrinkWithRecipe> {
  const answer = await requestJson<ApiAnswer<'GET /api/drinks/:id'>>(`/api/drinks/${encodeURIComponent(id)}`);
  return answer.drink;
}
