import { z } from 'zod';
import { ALLERGENS } from '../allergens.ts';
import { GLASSES } from '../illustration/glasses.ts';

/** The dietary facts and the glass a drink carries (issue 19), as the host sends them. */
export const glassInput = z.enum(GLASSES).nullable();
export const allergensInput = z
  .array(z.enum(ALLERGENS))
  .max(ALLERGENS.length)
  .transform((list) => [...new Set(list)].sort((a, b) => ALLERGENS.indexOf(a) - ALLERGENS.indexOf(b)));
export const abvInput = z.number().min(0).max(100).nullable();

/** GET /api/admin/ingredients */
export const ingredientSchema = z.strictObject({
  name: z.string(),
  in_stock: z.boolean(),
  drinks: z.array(z.strictObject({ id: z.string(), name: z.string() })),
});
export type Ingredient = z.infer<typeof ingredientSchema>;

/** PUT /api/admin/ingredients/:name */
export const setIngredientBody = z.strictObject({ in_stock: z.boolean() });
export const ingredientsResponse = z.strictObject({ ingredients: z.array(ingredientSchema) });
export const ingredientResponse = z.strictObject({ ingredient: ingredientSchema });
