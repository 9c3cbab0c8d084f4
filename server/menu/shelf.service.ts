import type { Database } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import type { Ingredient } from '../../shared/schemas/menu-facts.ts';
import type { MenuService } from './menu.service.ts';
import { ShelfRepository } from './shelf.repository.ts';

/**
 * What is on the shelf. A drink's availability, and each choice's, is worked out when the menu is
 * read (drink_shortages() in migration 0021), so marking an ingredient here only changes the shelf
 * and tells open menus, like any other menu change, that they should look again.
 */
export class ShelfService {
  private readonly repo: ShelfRepository;

  constructor(
    db: Database,
    private readonly menu: MenuService,
  ) {
    this.repo = new ShelfRepository(db);
  }

  list(): Promise<Ingredient[]> {
    return this.repo.list();
  }

  async setInStock(name: string, inStock: boolean): Promise<Ingredient> {
    const marked = await this.repo.setInStock(name, inStock);
    if (!marked) throw new AppError(404, 'ingredient_not_found', 'No drink on the menu uses this ingredient.');
    this.menu.announceChange();
    const [ingredient] = await this.repo.list(marked.key);
    return ingredient ?? { name: marked.name, in_stock: inStock, drinks: [] };
  }
}

/** SQLSTATE raised by the orders_need_stock trigger (migration 0013); its message is the ingredient. */
const OUT_OF_STOCK = 'BB001';

/**
 * The 409 for an order refused because an ingredient ran out, from the database's refusal; any
 * other error is not this one. `details.reason` names the ingredient for the guest's app. With
 * options chosen, another choice may still be possible, so the message says so.
 */
export function outOfStockRefusal(error: unknown, withChoices = false): AppError | undefined {
  if (typeof error !== 'object' || error === null || (error as { code?: unknown }).code !== OUT_OF_STOCK) return undefined;
  const ingredient = String((error as { message?: unknown }).message ?? '');
  const what = withChoices ? 'This drink is not available with these choices' : 'This drink is not available';
  return new AppError(409, 'drink_unavailable', `${what} right now: out of ${ingredient.toLowerCase()}.`, { reason: ingredient });
}
