import { z } from 'zod';
import { cleanText } from './common.ts';
import { abvInput, allergensInput, glassInput } from './menu-facts.ts';
import { listedOptionGroupSchema, optionGroupSchema, optionGroupsInput } from './menu-options.ts';

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
 * A drink in the guests' menu list (GET /api/drinks), the answer every phone downloads: every
 * field of the contract, with each choice's availability, and without what a choice adds or
 * removes (the bartender's business, in GET /api/drinks/:id). shared/menu-list.ts makes it and
 * reads a stored copy back, filling the fields a copy stored before issue 19 lacks.
 */
export const listedDrinkSchema = drinkSchema.extend({ options: z.array(listedOptionGroupSchema) });
export type ListedDrink = z.infer<typeof listedDrinkSchema>;

/** What the guest app works with: a listed drink. */
export type MenuDrink = ListedDrink;

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
