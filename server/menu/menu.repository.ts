import type { Queryable } from '../db/database.ts';
import type { Drink, DrinkWithRecipe, Recipe, Section } from '../../shared/schemas/menu.ts';
import type { OptionGroup } from '../../shared/schemas/menu-options.ts';
import { looksAlcoholFree } from '../../shared/allergens.ts';
import { glassFromText } from '../../shared/illustration/glasses.ts';
import { illustrationUrl } from '../../shared/illustration/spec.ts';
import { stockAnswer, type Shortage } from '../../shared/option-stock.ts';

interface DrinkRow {
  id: string;
  section_id: string | null;
  name: string;
  description: string;
  ingredients: string[];
  recipe: Recipe;
  image_hash: string | null;
  is_active: boolean;
  updated_at: Date;
  glass: string | null;
  alcohol_free: boolean | null;
  allergens: string[];
  /** numeric arrives as a string. */
  abv: string | null;
  options: OptionGroup[];
  /** What is out of stock that it may need (the shelf, drink_shortages() in migration 0021), or null. */
  shortages: Shortage[] | null;
}

const COLUMNS = ['id', 'section_id', 'name', 'description', 'ingredients', 'recipe', 'image_hash', 'is_active', 'updated_at', 'glass', 'alcohol_free', 'allergens', 'abv', 'options'];
/** The drink's columns (with a table alias, or none) and its stock. */
function drinkColumns(alias = ''): string {
  const prefix = alias ? `${alias}.` : '';
  return `${COLUMNS.map((column) => prefix + column).join(', ')}, drink_shortages(${prefix}ingredients, ${prefix}options) AS shortages`;
}
const DRINK_COLUMNS = drinkColumns();

const imageUrl = (hash: string, width: number) => `/images/${hash}-${width}.webp`;
export const IMAGE_WIDTHS = [200, 400, 800] as const;
const DEFAULT_IMAGE_WIDTH = 400;

/** The choices no combination can be made with are marked, with the ingredient they lack. */
function withStock(groups: OptionGroup[], outChoices: Map<string, string>): OptionGroup[] {
  if (outChoices.size === 0) return groups;
  return groups.map((group) => ({
    ...group,
    choices: group.choices.map((choice) => {
      const lacking = outChoices.get(`${group.id}=${choice.id}`);
      return lacking === undefined ? choice : { ...choice, available: false as const, unavailable_reason: lacking };
    }),
  }));
}

function toDrink(row: DrinkRow): Drink {
  const stock = stockAnswer(row.options, row.shortages);
  return {
    id: row.id,
    section_id: row.section_id ?? '',
    name: row.name,
    description: row.description,
    ingredients: row.ingredients,
    // A drink without a photo shows its drawing, made from its own data.
    image_url: row.image_hash
      ? imageUrl(row.image_hash, DEFAULT_IMAGE_WIDTH)
      : illustrationUrl({ glass: row.glass, ingredients: row.ingredients, recipe: row.recipe }),
    is_active: row.is_active,
    updated_at: row.updated_at.toISOString(),
    available: row.is_active && stock.available,
    unavailable_reason: stock.reason,
    options: withStock(row.options, stock.outChoices),
    alcohol_free: row.alcohol_free ?? looksAlcoholFree([...row.ingredients, ...row.recipe.ingredients.map((part) => part.name)]),
    allergens: row.allergens,
    abv: row.abv === null ? null : Number(row.abv),
    glass: row.glass ?? glassFromText(row.recipe.glassware),
  };
}

function toDrinkWithRecipe(row: DrinkRow): DrinkWithRecipe {
  return { ...toDrink(row), recipe: row.recipe };
}

export interface DrinkFields {
  section_id?: string;
  name?: string;
  description?: string;
  ingredients?: string[];
  recipe?: Recipe;
  is_active?: boolean;
  glass?: string | null;
  alcohol_free?: boolean | null;
  allergens?: string[];
  abv?: number | null;
  options?: OptionGroup[];
}

/** Sets a nullable column only when the field was sent: `null` clears it, absent keeps it. */
const given = (value: unknown) => value !== undefined;

export class MenuRepository {
  constructor(private readonly db: Queryable) {}

  /** Every live drink's option groups, by drink id. */
  async optionGroupsByDrink(): Promise<Map<string, OptionGroup[]>> {
    const { rows } = await this.db.query<{ id: string; options: OptionGroup[] }>('SELECT id, options FROM drinks WHERE deleted_at IS NULL');
    return new Map(rows.map((row) => [row.id, row.options]));
  }

  /** One drink's option groups, or undefined for an unknown or deleted drink. */
  async drinkOptionGroups(drinkId: string): Promise<OptionGroup[] | undefined> {
    const { rows } = await this.db.query<{ options: OptionGroup[] }>('SELECT options FROM drinks WHERE id = $1 AND deleted_at IS NULL', [drinkId]);
    return rows[0]?.options;
  }

  async listSections(): Promise<Section[]> {
    const { rows } = await this.db.query<Section>('SELECT id, name, display_order FROM sections ORDER BY display_order, name, id');
    return rows;
  }

  async findSection(id: string): Promise<Section | undefined> {
    const { rows } = await this.db.query<Section>('SELECT id, name, display_order FROM sections WHERE id = $1', [id]);
    return rows[0];
  }

  async insertSection(name: string, displayOrder: number): Promise<Section> {
    const { rows } = await this.db.query<Section>(
      'INSERT INTO sections (name, display_order) VALUES ($1, $2) RETURNING id, name, display_order',
      [name, displayOrder],
    );
    return rows[0]!;
  }

  async nextSectionOrder(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT coalesce(max(display_order) + 1, 0)::int AS n FROM sections');
    return rows[0]!.n;
  }

  async updateSection(id: string, fields: { name?: string; display_order?: number }): Promise<Section | undefined> {
    const { rows } = await this.db.query<Section>(
      `UPDATE sections SET name = coalesce($2, name), display_order = coalesce($3, display_order), updated_at = now()
        WHERE id = $1 RETURNING id, name, display_order`,
      [id, fields.name ?? null, fields.display_order ?? null],
    );
    return rows[0];
  }

  /** Deletes a section only when no live drink is in it; returns 'deleted' | 'not_empty' | 'missing'. */
  async deleteSectionIfEmpty(id: string): Promise<'deleted' | 'not_empty' | 'missing'> {
    const { rows } = await this.db.query<{ outcome: string }>(
      `WITH target AS (SELECT id FROM sections WHERE id = $1 FOR UPDATE),
            live AS (SELECT 1 FROM drinks WHERE section_id = $1 AND deleted_at IS NULL LIMIT 1),
            gone AS (DELETE FROM sections WHERE id IN (SELECT id FROM target) AND NOT EXISTS (SELECT 1 FROM live) RETURNING id)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM gone) THEN 'deleted'
                   WHEN EXISTS (SELECT 1 FROM target) THEN 'not_empty'
                   ELSE 'missing' END AS outcome`,
      [id],
    );
    return rows[0]!.outcome as 'deleted' | 'not_empty' | 'missing';
  }

  async listDrinks(options: { includeInactive: boolean; sectionId?: string }): Promise<DrinkWithRecipe[]> {
    const { rows } = await this.db.query<DrinkRow>(
      `SELECT ${drinkColumns('d')}
         FROM drinks d LEFT JOIN sections s ON s.id = d.section_id
        WHERE d.deleted_at IS NULL
          AND ($1::boolean OR d.is_active)
          AND ($2::uuid IS NULL OR d.section_id = $2::uuid)
        ORDER BY s.display_order NULLS LAST, s.name, d.name, d.id`,
      [options.includeInactive, options.sectionId ?? null],
    );
    return rows.map(toDrinkWithRecipe);
  }

  async findDrink(id: string): Promise<DrinkWithRecipe | undefined> {
    const { rows } = await this.db.query<DrinkRow>(`SELECT ${DRINK_COLUMNS} FROM drinks WHERE id = $1 AND deleted_at IS NULL`, [id]);
    return rows[0] ? toDrinkWithRecipe(rows[0]) : undefined;
  }

  async insertDrink(fields: Required<Omit<DrinkFields, 'recipe'>> & { recipe: Recipe }): Promise<DrinkWithRecipe> {
    const { rows } = await this.db.query<DrinkRow>(
      `INSERT INTO drinks (section_id, name, description, ingredients, recipe, is_active, glass, alcohol_free, allergens, abv, options)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${DRINK_COLUMNS}`,
      [
        fields.section_id,
        fields.name,
        fields.description,
        JSON.stringify(fields.ingredients),
        JSON.stringify(fields.recipe),
        fields.is_active,
        fields.glass,
        fields.alcohol_free,
        JSON.stringify(fields.allergens),
        fields.abv,
        JSON.stringify(fields.options),
      ],
    );
    return toDrinkWithRecipe(rows[0]!);
  }

  async updateDrink(id: string, fields: DrinkFields): Promise<DrinkWithRecipe | undefined> {
    const { rows } = await this.db.query<DrinkRow>(
      `UPDATE drinks SET
          section_id  = coalesce($2, section_id),
          name        = coalesce($3, name),
          description = coalesce($4, description),
          ingredients = coalesce($5::jsonb, ingredients),
          recipe      = coalesce($6::jsonb, recipe),
          is_active   = coalesce($7, is_active),
          glass        = CASE WHEN $8 THEN $9 ELSE glass END,
          alcohol_free = CASE WHEN $10 THEN $11::boolean ELSE alcohol_free END,
          abv          = CASE WHEN $12 THEN $13::numeric ELSE abv END,
          allergens   = coalesce($14::jsonb, allergens),
          options     = coalesce($15::jsonb, options),
          updated_at  = now()
        WHERE id = $1 AND deleted_at IS NULL
        RETURNING ${DRINK_COLUMNS}`,
      [
        id,
        fields.section_id ?? null,
        fields.name ?? null,
        fields.description ?? null,
        fields.ingredients ? JSON.stringify(fields.ingredients) : null,
        fields.recipe ? JSON.stringify(fields.recipe) : null,
        fields.is_active ?? null,
        given(fields.glass),
        fields.glass ?? null,
        given(fields.alcohol_free),
        fields.alcohol_free ?? null,
        given(fields.abv),
        fields.abv ?? null,
        fields.allergens ? JSON.stringify(fields.allergens) : null,
        fields.options ? JSON.stringify(fields.options) : null,
      ],
    );
    return rows[0] ? toDrinkWithRecipe(rows[0]) : undefined;
  }

  async softDeleteDrink(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE drinks SET deleted_at = now(), is_active = false, updated_at = now() WHERE id = $1 AND deleted_at IS NULL',
      [id],
    );
    return rowCount === 1;
  }

  async setDrinkImage(id: string, hash: string): Promise<DrinkWithRecipe | undefined> {
    const { rows } = await this.db.query<DrinkRow>(
      `UPDATE drinks SET image_hash = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING ${DRINK_COLUMNS}`,
      [id, hash],
    );
    return rows[0] ? toDrinkWithRecipe(rows[0]) : undefined;
  }

  async insertImageVersion(hash: string, width: number, data: Buffer): Promise<void> {
    await this.db.query(
      `INSERT INTO images (hash, width, content_type, data) VALUES ($1, $2, 'image/webp', $3)
       ON CONFLICT (hash, width) DO NOTHING`,
      [hash, width, data],
    );
  }

  async findImage(hash: string, width: number): Promise<Buffer | undefined> {
    const { rows } = await this.db.query<{ data: Buffer }>('SELECT data FROM images WHERE hash = $1 AND width = $2', [hash, width]);
    return rows[0]?.data;
  }

  async countSections(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sections');
    return rows[0]!.n;
  }
}
