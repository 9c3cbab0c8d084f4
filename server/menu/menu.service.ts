import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { AppError, notFound } from '../http/errors.ts';
import {
  type CreateDrinkBody,
  type CreateSectionBody,
  type DrinkWithRecipe,
  type Section,
  type UpdateDrinkBody,
  type UpdateSectionBody,
} from '../../shared/schemas/menu.ts';
import { MenuRepository } from './menu.repository.ts';
import { listedDrink } from '../../shared/menu-list.ts';
import { processImage } from './images.ts';
import { defaultMenu, type MenuLanguage } from './default-menu.ts';
import { normaliseOptionGroups, type OptionGroup, type OptionGroupInput } from '../../shared/schemas/menu-options.ts';

/** A ready-to-send public answer: the JSON text and its ETag, built once per menu change. */
export interface CachedBody {
  body: string;
  etag: string;
}

function cached(value: unknown): CachedBody {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/**
 * The menu. Public reads are served from memory: guests hit the menu far more often than
 * the host changes it. A change here clears the cache at once; a change made on another
 * instance arrives as a menu.changed event, and a short lifetime covers a missed one.
 */
export class MenuService {
  private readonly repo: MenuRepository;
  private readonly publicCache = new Map<string, { value: CachedBody; until: number }>();
  private static readonly CACHE_MS = 5_000;
  // Bumped on every change, so a read that started before a change never caches stale rows.
  private generation = 0;
  /** Every live drink's option groups (orders check choices against them), and the load under way. */
  private optionGroups: { byDrink: Map<string, OptionGroup[]>; until: number } | undefined;
  private optionGroupsLoad: Promise<Map<string, OptionGroup[]>> | undefined;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
  ) {
    this.repo = new MenuRepository(db);
    // Here or on another instance: either way this instance's cache is stale.
    events.on('menu.changed', () => this.invalidate());
  }

  /** Seeds the default menu once, on the first start of an empty database, in the host's language. */
  async seedDefaultMenu(language: MenuLanguage = 'en'): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE sections IN EXCLUSIVE MODE');
      const seeded = await tx.query("SELECT 1 FROM server_secrets WHERE name = 'menu_seeded'");
      if (seeded.rowCount || (await new MenuRepository(tx).countSections()) > 0) return false;
      const repo = new MenuRepository(tx);
      for (const [index, section] of defaultMenu(language).entries()) {
        const created = await repo.insertSection(section.name, index);
        for (const drink of section.drinks) {
          await repo.insertDrink({ section_id: created.id, is_active: true, ...drink });
        }
      }
      await tx.query(`INSERT INTO server_secrets (name, value) VALUES ('menu_seeded', 'true')`);
      return true;
    });
  }

  /** The cached answer when it is fresh, without waiting: the common case. */
  peekPublicSections(): CachedBody | undefined {
    return this.peek('sections');
  }

  peekPublicDrinks(sectionId: string | undefined): CachedBody | undefined {
    return this.peek(`drinks:${sectionId ?? ''}`);
  }

  private peek(key: string): CachedBody | undefined {
    const hit = this.publicCache.get(key);
    return hit && hit.until > Date.now() ? hit.value : undefined;
  }

  async publicSections(): Promise<CachedBody> {
    return this.fromCache('sections', async () => ({ sections: await this.repo.listSections() }));
  }

  async publicDrinks(sectionId: string | undefined): Promise<CachedBody> {
    return this.fromCache(`drinks:${sectionId ?? ''}`, async () => ({
      drinks: (await this.repo.listDrinks({ includeInactive: false, sectionId })).map(listedDrink),
    }));
  }

  async publicDrink(id: string): Promise<DrinkWithRecipe> {
    const drink = await this.repo.findDrink(id);
    if (!drink || !drink.is_active) throw notFound('drink');
    return drink;
  }

  /**
   * A drink's option groups, or undefined for an unknown or deleted drink. Every order asks,
   * so they are kept in memory like the public menu (cleared by any menu change, here or on
   * another instance); a drink the memory does not know yet (created a moment ago elsewhere)
   * is looked up directly.
   */
  async drinkOptionGroups(drinkId: string): Promise<OptionGroup[] | undefined> {
    const known = this.optionGroups && this.optionGroups.until > Date.now() ? this.optionGroups.byDrink : await this.loadOptionGroups();
    return known.get(drinkId) ?? (await this.repo.drinkOptionGroups(drinkId));
  }

  private loadOptionGroups(): Promise<Map<string, OptionGroup[]>> {
    // One load at a time: when the memory expires under load, the waiting orders share it.
    this.optionGroupsLoad ??= (async () => {
      const generation = this.generation;
      try {
        const byDrink = await this.repo.optionGroupsByDrink();
        if (generation === this.generation) this.optionGroups = { byDrink, until: Date.now() + MenuService.CACHE_MS };
        return byDrink;
      } finally {
        this.optionGroupsLoad = undefined;
      }
    })();
    return this.optionGroupsLoad;
  }

  listAllDrinks(): Promise<DrinkWithRecipe[]> {
    return this.repo.listDrinks({ includeInactive: true });
  }

  listSections(): Promise<Section[]> {
    return this.repo.listSections();
  }

  async createSection(body: CreateSectionBody): Promise<Section> {
    const order = body.display_order ?? (await this.repo.nextSectionOrder());
    return this.changed(await this.repo.insertSection(body.name, order));
  }

  async updateSection(id: string, body: UpdateSectionBody): Promise<Section> {
    const section = await this.repo.updateSection(id, body);
    if (!section) throw notFound('section');
    return this.changed(section);
  }

  async deleteSection(id: string): Promise<void> {
    const outcome = await this.repo.deleteSectionIfEmpty(id);
    if (outcome === 'missing') throw notFound('section');
    if (outcome === 'not_empty') throw new AppError(409, 'section_not_empty', 'Move or delete the drinks in this section first.');
    this.changed(undefined);
  }

  async createDrink(body: CreateDrinkBody): Promise<DrinkWithRecipe> {
    await this.requireSection(body.section_id);
    const drink = await this.repo.insertDrink({
      section_id: body.section_id,
      name: body.name,
      description: body.description ?? '',
      ingredients: body.ingredients,
      recipe: body.recipe ?? { ingredients: [], steps: [] },
      is_active: body.is_active ?? true,
      glass: body.glass ?? null,
      alcohol_free: body.alcohol_free ?? null,
      allergens: body.allergens ?? [],
      abv: body.abv ?? null,
      options: optionGroups(body.options ?? []),
    });
    return this.changed(drink);
  }

  async updateDrink(id: string, body: UpdateDrinkBody): Promise<DrinkWithRecipe> {
    if (body.section_id) await this.requireSection(body.section_id);
    const { options, ...rest } = body;
    const drink = await this.repo.updateDrink(id, { ...rest, ...(options ? { options: optionGroups(options) } : {}) });
    if (!drink) throw notFound('drink');
    return this.changed(drink);
  }

  async deleteDrink(id: string): Promise<void> {
    if (!(await this.repo.softDeleteDrink(id))) throw notFound('drink');
    this.changed(undefined);
  }

  async setDrinkImage(id: string, bytes: Buffer): Promise<DrinkWithRecipe> {
    if (!(await this.repo.findDrink(id))) throw notFound('drink');
    const image = await processImage(bytes);
    const drink = await this.db.transaction(async (tx) => {
      const repo = new MenuRepository(tx);
      for (const version of image.versions) await repo.insertImageVersion(image.hash, version.width, version.data);
      return repo.setDrinkImage(id, image.hash);
    });
    if (!drink) throw notFound('drink');
    return this.changed(drink);
  }

  image(hash: string, width: number): Promise<Buffer | undefined> {
    return this.repo.findImage(hash, width);
  }

  private async requireSection(id: string): Promise<void> {
    if (!(await this.repo.findSection(id))) throw notFound('section');
  }

  private invalidate(): void {
    this.generation += 1;
    this.publicCache.clear();
    this.optionGroups = undefined;
  }

  /** Tells every open menu (and every instance's cache) that the menu changed. */
  announceChange(): void {
    this.changed(undefined);
  }

  private changed<T>(value: T): T {
    this.invalidate();
    this.events.emit('menu.changed', { at: new Date().toISOString() });
    return value;
  }

  private async fromCache(key: string, load: () => Promise<unknown>): Promise<CachedBody> {
    const hit = this.peek(key);
    if (hit) return hit;
    const generation = this.generation;
    const value = cached(await load());
    if (generation === this.generation) this.publicCache.set(key, { value, until: Date.now() + MenuService.CACHE_MS });
    return value;
  }
}

function optionGroups(input: OptionGroupInput[]): OptionGroup[] {
  const groups = normaliseOptionGroups(input);
  if ('problem' in groups) throw new AppError(400, 'validation_failed', groups.problem);
  return groups;
}
