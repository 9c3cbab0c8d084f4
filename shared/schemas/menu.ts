import { z } from 'zod';
import { cleanText } from './common.ts';

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
  image_url: z.string().nullable(),
  is_active: z.boolean(),
  updated_at: z.string(),
});
export type Drink = z.infer<typeof drinkSchema>;

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
