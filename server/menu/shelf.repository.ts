import type { Queryable } from '../db/database.ts';
import type { Ingredient } from '../../shared/schemas/menu-facts.ts';

interface IngredientRow {
  key: string;
  name: string;
  in_stock: boolean;
  drinks: { id: string; name: string }[];
}

/**
 * The shelf's SQL. Ingredients are not a table of their own: the list is the drinks' ingredient
 * lists and what their choices add (listed_ingredients(), migration 0021), grouped by
 * ingredient_key() (migration 0013), so it is always exactly what the menu uses; `shelf` only
 * remembers what the host marked.
 */
export class ShelfRepository {
  constructor(private readonly db: Queryable) {}

  /** Every ingredient a live drink lists, plus any still marked out that none lists now; or just the one with this key. */
  async list(key?: string): Promise<Ingredient[]> {
    const { rows } = await this.db.query<IngredientRow>(
      `WITH used AS (
         SELECT ingredient_key(i.name) AS key, i.name, d.id, d.name AS drink_name
           FROM drinks d CROSS JOIN listed_ingredients(d.ingredients, d.options) AS i(name)
          WHERE d.deleted_at IS NULL),
       grouped AS (
         SELECT key, mode() WITHIN GROUP (ORDER BY name) AS name,
                jsonb_agg(DISTINCT jsonb_build_object('id', id, 'name', drink_name)) AS drinks
           FROM used GROUP BY key)
       SELECT g.key, coalesce(s.name, g.name) AS name, coalesce(s.in_stock, true) AS in_stock, g.drinks
         FROM grouped g LEFT JOIN shelf s ON s.key = g.key
       UNION ALL
       SELECT s.key, s.name, s.in_stock, '[]'::jsonb FROM shelf s
        WHERE NOT s.in_stock AND NOT EXISTS (SELECT 1 FROM used u WHERE u.key = s.key)`,
    );
    return rows
      .filter((row) => key === undefined || row.key === key)
      .map((row) => ({ name: row.name, in_stock: row.in_stock, drinks: [...row.drinks].sort((a, b) => a.name.localeCompare(b.name)) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Marks one ingredient in or out: one upsert of one row, so two hosts toggling at once
   * never lose each other's changes, and no drink row is touched. Returns its shelf name, or
   * undefined when no drink lists it and it was never marked.
   */
  async setInStock(name: string, inStock: boolean): Promise<{ key: string; name: string } | undefined> {
    const { rows } = await this.db.query<{ key: string; name: string }>(
      `WITH spelling AS (
         SELECT mode() WITHIN GROUP (ORDER BY i.name) AS name
           FROM drinks d CROSS JOIN listed_ingredients(d.ingredients, d.options) AS i(name)
          WHERE d.deleted_at IS NULL AND ingredient_key(i.name) = ingredient_key($1))
       INSERT INTO shelf (key, name, in_stock)
       SELECT ingredient_key($1), coalesce((SELECT name FROM shelf WHERE key = ingredient_key($1)), spelling.name), $2
         FROM spelling
        WHERE spelling.name IS NOT NULL OR EXISTS (SELECT 1 FROM shelf WHERE key = ingredient_key($1))
       ON CONFLICT (key) DO UPDATE SET in_stock = EXCLUDED.in_stock, updated_at = now()
       RETURNING key, name`,
      [name, inStock],
    );
    return rows[0];
  }
}
