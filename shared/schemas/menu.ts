import { z } from 'zod';
import { cleanText } from './common.ts';
import { abvInput, allergensInput, glassInput } from './menu-facts.ts';
import { listedOptionGroupSchema, optionGroupSchema, optionGroupsInput, type ListedOptionGroup, type OptionGroup } from './menu-options.ts';

const recipeSchema = z.strictObject({
  ingredients: z.array(z.strictObject({ name: cleanText(1, 100), amount: cleanText(0, 50) })).max(30),
  steps: z.array(cleanText(1, 500)).max(30),
  garnish: cleanText(0, 200).optional(),
  glassware: cleanText(0, 100).optional(),
});
export type Recipe = z.infer<typeof recipeSchema>;

export const drinkSchema = z.strictObject({
  id: z.string(),
  section_id: z.string(),
  name: z.string(),
  description: z.string(),
  ingredients: z.array(z.string()),
  /** A photo, or else the drink's drawn illustration: never null since issue 19 (kept nullable for old copies). */
  image_url: z.string().nullable(),
  is_active: z.boolean(),
  updated_at: z.string(),
  /**
   * False while the host switched it off or no choice of it can be made: an ingredient it needs
   * is out of stock (a drink whose alcohol-free choice can still be made stays available).
   */
  available: z.boolean(),
  /** The missing ingredient's name while it is out of stock, else null. */
  unavailable_reason: z.string().nullable(),
  options: z.array(optionGroupSchema),
  alcohol_free: z.boolean(),
  allergens: z.array(z.string()),
  abv: z.number().nullable(),
  glass: z.string().nullable(),
});
export type Drink = z.infer<typeof drinkSchema>;

/**
 * A drink in the guests' menu list (GET /api/drinks), the answer every phone downloads: the
 * fields issue 19 added are left out at their usual value (available, no reason, no options,
 * not alcohol-free, no allergens, no ABV), and the glass, which only feeds the drawing whose URL
 * is already there, is left out (GET /api/drinks/:id has it). The fields before issue 19 are
 * always there. listedDrink() makes it and menuDrink() reads it back.
 */
export const listedDrinkSchema = drinkSchema.omit({ glass: true }).extend({
  available: z.literal(false).optional(),
  unavailable_reason: z.string().optional(),
  options: z.array(listedOptionGroupSchema).optional(),
  alcohol_free: z.literal(true).optional(),
  allergens: z.array(z.string()).optional(),
  abv: z.number().optional(),
});
export type ListedDrink = z.infer<typeof listedDrinkSchema>;

/** A listed drink with its gaps filled: what the guest app works with. */
export type MenuDrink = Omit<Drink, 'glass' | 'options'> & { options: ListedOptionGroup[] };

export function listedDrink(drink: Drink): ListedDrink {
  return {
    id: drink.id,
    section_id: drink.section_id,
    name: drink.name,
    description: drink.description,
    ingredients: drink.ingredients,
    image_url: drink.image_url,
    is_active: drink.is_active,
    updated_at: drink.updated_at,
    ...(drink.available ? {} : { available: false as const }),
    ...(drink.unavailable_reason === null ? {} : { unavailable_reason: drink.unavailable_reason }),
    ...(drink.options.length > 0 ? { options: drink.options.map(listedGroup) } : {}),
    ...(drink.alcohol_free ? { alcohol_free: true as const } : {}),
    ...(drink.allergens.length > 0 ? { allergens: drink.allergens } : {}),
    ...(drink.abv === null ? {} : { abv: drink.abv }),
  };
}

function listedGroup(group: OptionGroup): ListedOptionGroup {
  return {
    id: group.id,
    name: group.name,
    ...(group.required ? { required: true as const } : {}),
    ...(group.default === null ? {} : { default: group.default }),
    choices: group.choices.map(({ adds: _adds, removes: _removes, ...choice }) => choice),
  };
}

/**
 * A stored listed drink as the app uses it. Copies stored before issue 19 lack the same fields
 * and read the same way; a missing `alcohol_free` reads as false, so no drink is ever taken for
 * alcohol-free without the server saying so.
 */
export function menuDrink(drink: ListedDrink): MenuDrink {
  return {
    ...drink,
    available: drink.available ?? true,
    unavailable_reason: drink.unavailable_reason ?? null,
    options: drink.options ?? [],
    alcohol_free: drink.alcohol_free ?? false,
    allergens: drink.allergens ?? [],
    abv: drink.abv ?? null,
  };
}

/** A recipe as the server answers it (the request rule above also trims and bounds it). */
const recipeView = z.strictObject({
  ingredients: z.array(z.strictObject({ name: z.string(), amount: z.string() })),
  steps: z.array(z.string()),
  garnish: z.string().optional(),
  glassware: z.string().optional(),
});
export const drinkWithRecipeSchema = drinkSchema.extend({ recipe: recipeView });
export type DrinkWithRecipe = Drink & { recipe: Recipe };

export const sectionSchema = z.strictObject({ id: z.string(), name: z.string(), display_order: z.number() });
export type Section = z.infer<typeof sectionSchema>;

export const createDrinkBody = z.strictObject({
  section_id: z.uuid(),
  name: cleanText(1, 100),
  description: cleanText(0, 1000).optional(),
  ingredients: z.array(cleanText(1, 100)).max(30),
  recipe: recipeSchema.optional(),
  is_active: z.boolean().optional(),
  glass: glassInput.optional(),
  /** null: derived from the ingredients. */
  alcohol_free: z.boolean().nullable().optional(),
  allergens: allergensInput.optional(),
  abv: abvInput.optional(),
  options: optionGroupsInput.optional(),
});
export type CreateDrinkBody = z.infer<typeof createDrinkBody>;

export const updateDrinkBody = createDrinkBody.partial();
export type UpdateDrinkBody = z.infer<typeof updateDrinkBody>;

export const createSectionBody = z.strictObject({
  name: cleanText(1, 80),
  display_order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
});
export type CreateSectionBody = z.infer<typeof createSectionBody>;

export const updateSectionBody = createSectionBody.partial();
export type UpdateSectionBody = z.infer<typeof updateSectionBody>;

/** GET /api/drinks?section_id= (any 8-4-4-4-12 hex id, like a path id). */
export const drinksQuery = z.object({
  section_id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID')
    .transform((value) => value.toLowerCase())
    .optional(),
});
