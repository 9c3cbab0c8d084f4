import { Router } from 'express';
import { setIngredientBody } from '../../shared/schemas/menu-facts.ts';
import type { Deps } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { parse } from '../http/validate.ts';

/** The host's shelf: GET /api/admin/ingredients, PUT /api/admin/ingredients/:name. */
export function shelfRoutes(ctx: Deps<'auth' | 'shelf'>): Router {
  const router = Router();
  const { shelf } = ctx;

  router.get('/api/admin/ingredients', ctx.auth.admin, async (_req, res) => {
    res.json({ ingredients: await shelf.list() });
  });

  router.put('/api/admin/ingredients/:name', ctx.auth.admin, async (req, res) => {
    const name = String(req.params.name ?? '').normalize('NFC').trim();
    if (name === '' || [...name].length > 100 || /[\p{Cc}\p{Cs}]/u.test(name)) {
      throw new AppError(404, 'ingredient_not_found', 'No drink on the menu uses this ingredient.');
    }
    const { in_stock: inStock } = parse(setIngredientBody, req.body);
    res.json({ ingredient: await shelf.setInStock(name, inStock) });
  });

  return router;
}
