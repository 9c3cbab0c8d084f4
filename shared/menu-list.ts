import type { Drink, ListedDrink, MenuDrink } from './schemas/menu.ts';
import type { ListedOptionGroup, OptionGroup } from './schemas/menu-options.ts';

/**
 * The guests' menu list, made (server) and read back (phone). Plain functions with no schema
 * library behind them: the guest's first paint imports this, and zod stays off that path.
 */

export function listedDrink(drink: Drink): ListedDrink {
  // Field by field: a drink read with its recipe must not carry it into the list.
  return {
    id: drink.id,
    section_id: drink.section_id,
    name: drink.name,
    description: drink.description,
    ingredients: drink.ingredients,
    image_url: drink.image_url,
    is_active: drink.is_active,
    updated_at: drink.updated_at,
    available: drink.available,
    unavailable_reason: drink.unavailable_reason,
    options: drink.options.map(listedGroup),
    alcohol_free: drink.alcohol_free,
    allergens: drink.allergens,
    abv: drink.abv,
    glass: drink.glass,
  };
}

function listedGroup(group: OptionGroup): ListedOptionGroup {
  return { ...group, choices: group.choices.map(({ adds: _adds, removes: _removes, ...choice }) => choice) };
}

/**
 * A stored listed drink as the app uses it. Copies stored before issue 19 lack its fields and
 * read the same way; a missing `alcohol_free` reads as false, so no drink is ever taken for
 * alcohol-free without the server saying so.
 */
export function menuDrink(drink: Partial<ListedDrink> & Omit<ListedDrink, 'available' | 'unavailable_reason' | 'options' | 'alcohol_free' | 'allergens' | 'abv' | 'glass'>): MenuDrink {
  return {
    ...drink,
    available: drink.available ?? true,
    unavailable_reason: drink.unavailable_reason ?? null,
    options: drink.options ?? [],
    alcohol_free: drink.alcohol_free ?? false,
    allergens: drink.allergens ?? [],
    abv: drink.abv ?? null,
    glass: drink.glass ?? null,
  };
}

