import type { ApiAnswer } from '../../shared/schemas/api.ts';
import type { DrinkWithRecipe, MenuDrink, Section } from '../../shared/schemas/menu.ts';
import { menuDrink } from '../../shared/menu-list.ts';
import type { MenuEntry } from '../lib/db.ts';
import { requestJson } from '../lib/http.ts';
import { allergenName } from '../../shared/allergens.ts';

/**
 * The menu as the screens read it, without the phone's store (menu-store.ts keeps the copy):
 * what a stored copy shows, search, and one drink's details.
 */
export interface MenuSnapshot {
  sections: Section[];
  drinks: MenuDrink[];
  /** false until a menu has ever been stored. */
  loaded: boolean;
}

/** The drinks as stored (this list, or a copy stored before issue 19), gaps filled. */
export function storedDrinks(data: unknown[] | undefined): MenuDrink[] {
  return ((data ?? []) as Parameters<typeof menuDrink>[0][]).map(menuDrink);
}

/** The stored sections and drinks as the menu shows them: only the drinks on the menu. */
export function menuSnapshot(sections: MenuEntry<unknown> | undefined, drinks: MenuEntry<unknown> | undefined): MenuSnapshot {
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
