import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../client/lib/db.ts';
import { fetchDrink, matchesSearch } from '../../client/guest/menu.ts';
import { readMenu, revalidateMenu } from '../../client/guest/menu-store.ts';
import { optionLines, parseOptionLines } from '../../client/admin/drink-extras.tsx';
import { groupByDrink } from '../../client/admin/order-board.ts';
import { normaliseOptionGroups, type OptionGroup } from '../../shared/schemas/menu-options.ts';
import { illustrationSpec, parseIllustrationFile, illustrationPath } from '../../shared/illustration/spec.ts';
import { looksAlcoholFree } from '../../shared/allergens.ts';
import type { Drink, MenuDrink } from '../../shared/schemas/menu.ts';
import { listedDrink, menuDrink } from '../../shared/menu-list.ts';
import { defaultChoices, isAvailable, startingOptions } from '../../client/guest/drink-facts.tsx';
import type { AdminOrder } from '../../shared/schemas/orders.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { serveAppFrom } from './app-origin.ts';

const full = (fields: Partial<Drink>): Drink => ({
  id: 'd1',
  section_id: 's1',
  name: 'Whiskey Sour',
  description: '',
  ingredients: ['Bourbon', 'Lemon juice'],
  image_url: null,
  is_active: true,
  updated_at: '2026-12-02T00:00:00.000Z',
  available: true,
  unavailable_reason: null,
  options: [],
  alcohol_free: false,
  allergens: ['egg'],
  abv: 15,
  glass: 'rocks',
  ...fields,
});
const drink = (fields: Partial<Drink>): MenuDrink => menuDrink(listedDrink(full(fields)));

describe('menu search', () => {
  it('finds a drink by an allergen in English or French, and alcohol-free drinks by those words', () => {
    expect(matchesSearch(drink({}), 'egg')).toBe(true);
    expect(matchesSearch(drink({}), 'œuf')).toBe(true);
    expect(matchesSearch(drink({}), 'oeuf')).toBe(true);
    expect(matchesSearch(drink({}), 'milk')).toBe(false);
    expect(matchesSearch(drink({ alcohol_free: true, allergens: [] }), 'sans alcool')).toBe(true);
    expect(matchesSearch(drink({}), 'alcohol-free')).toBe(false);
  });
});

/** Every field API.md gives a drink in GET /api/drinks, issue 19's included. */
const CONTRACT_FIELDS = [
  'id', 'section_id', 'name', 'description', 'ingredients', 'image_url', 'is_active', 'updated_at',
  'available', 'unavailable_reason', 'options', 'alcohol_free', 'allergens', 'abv', 'glass',
].sort();

describe('the guests\' list carries every contract field (API.md: extend, never break)', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminToken(server);
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await db.menu.clear();
    serveAppFrom(() => server.url);
  });
  afterEach(() => vi.unstubAllGlobals());

  const storedDrinks = async () => ((await db.menu.get('drinks'))!.data as Record<string, unknown>[]);

  it('a drink at every usual value comes with each field, as it is: available, no reason, no options, not alcohol-free, no allergens, no ABV, its glass', async () => {
    const section = (await api(server, 'GET', '/api/sections')).body.sections[0].id as string;
    const made = await api(server, 'POST', '/api/admin/drinks', {
      token: admin,
      body: { section_id: section, name: 'House Martini', ingredients: ['Gin', 'Dry vermouth'], glass: 'martini', allergens: [], abv: null },
    });
    expect(made.status).toBe(201);
    const id = made.body.drink.id as string;

    // What the phone stores is what came over the wire.
    await revalidateMenu();
    const stored = (await storedDrinks()).find((drink) => drink.id === id)!;
    expect(Object.keys(stored).sort()).toEqual(CONTRACT_FIELDS);
    expect(stored).toMatchObject({ available: true, unavailable_reason: null, options: [], alcohol_free: false, allergens: [], abv: null, glass: 'martini' });
    // Every default drink too: each field present on each one, the glass the host's view has.
    const hosts = (await api(server, 'GET', '/api/admin/drinks', { token: admin })).body.drinks as Drink[];
    for (const listed of await storedDrinks()) {
      expect(Object.keys(listed).sort(), String(listed.name)).toEqual(CONTRACT_FIELDS);
      expect(listed.glass, String(listed.name)).toBe(hosts.find((host) => host.id === listed.id)!.glass);
    }
    // Read back, it is the same drink: nothing to fill in.
    expect((await readMenu()).drinks.find((drink) => drink.id === id)).toEqual(stored);
  });

  it('a choice\'s adds and removes are not in the list, but are in GET /api/drinks/:id; the group keeps required and default, the choice its availability', async () => {
    const gt = (await api(server, 'GET', '/api/admin/drinks', { token: admin })).body.drinks.find((drink: Drink) => drink.name === 'Gin & Tonic') as Drink;
    expect((await api(server, 'PUT', '/api/admin/ingredients/Gin', { token: admin, body: { in_stock: false } })).status).toBe(200);
    try {
      await revalidateMenu();
      const listed = (await readMenu()).drinks.find((drink) => drink.id === gt.id)!;
      expect(listed).toMatchObject({ available: true, unavailable_reason: null, glass: 'highball' });
      expect(listed.options).toEqual([
        {
          id: 'style',
          name: 'Style',
          required: false,
          default: 'classic',
          choices: [
            { id: 'classic', name: 'Classic', available: false, unavailable_reason: 'Gin' },
            { id: 'alcohol-free', name: 'Alcohol-free' },
          ],
        },
      ]);
      const detail = await fetchDrink(gt.id);
      expect(detail.options[0]!.choices).toEqual([
        { id: 'classic', name: 'Classic', available: false, unavailable_reason: 'Gin' },
        { id: 'alcohol-free', name: 'Alcohol-free', adds: ['Alcohol-free gin'], removes: ['Gin'] },
      ]);
    } finally {
      await api(server, 'PUT', '/api/admin/ingredients/Gin', { token: admin, body: { in_stock: true } });
    }
  });

  it('a copy stored before issue 19 reads with its gaps filled: available, no options, never taken for alcohol-free', async () => {
    const before19 = { id: 'd0', section_id: 's0', name: 'Old Negroni', description: '', ingredients: ['Gin', 'Campari', 'Sweet vermouth'], image_url: null, is_active: true, updated_at: '2026-11-01T00:00:00.000Z' };
    await db.menu.put({ key: 'drinks', etag: '"old"', data: [before19 as unknown as Drink], fetched_at: '2026-11-01T00:00:00.000Z' });
    const [read] = (await readMenu()).drinks;
    expect(read).toEqual({ ...before19, available: true, unavailable_reason: null, options: [], alcohol_free: false, allergens: [], abv: null, glass: null });
    expect(isAvailable(read!)).toBe(true);
  });
});

describe('the order sheet', () => {
  it('the order sheet starts from the default, or from the first choice that can be made while the default cannot', () => {
    const groups = drink({
      options: [
        { id: 'style', name: 'Style', required: false, default: 'classic', choices: [{ id: 'classic', name: 'Classic', available: false, unavailable_reason: 'Gin' }, { id: 'zero', name: 'Zero' }] },
        { id: 'ice', name: 'Ice', required: false, default: 'normal', choices: [{ id: 'none', name: 'None' }, { id: 'normal', name: 'Normal' }] },
        { id: 'size', name: 'Size', required: true, default: null, choices: [{ id: 'single', name: 'Single' }] },
      ],
    }).options;
    expect(defaultChoices(groups)).toEqual({ style: 'zero', ice: 'normal' });
    // A one-tap order (a suggestion, the bartender's proposal) starts there too; a required group
    // with nothing chosen is left to the server to ask about.
    expect(startingOptions({ options: groups.slice(0, 2) })).toEqual([
      { group_id: 'style', group: 'Style', choice_id: 'zero', choice: 'Zero' },
      { group_id: 'ice', group: 'Ice', choice_id: 'normal', choice: 'Normal' },
    ]);
    expect(startingOptions({ options: groups })).toEqual([]);
  });
});

describe('options as the host types them', () => {
  it('one group per line; * marks the default, ! a required group; saving again keeps the ids orders refer to', () => {
    const parsed = parseOptionLines('Ice: None, Normal*, Extra\nSize!: Single, Double\nnot a group', []);
    const groups = normaliseOptionGroups(parsed) as OptionGroup[];
    expect(groups).toEqual([
      { id: 'ice', name: 'Ice', required: false, default: 'normal', choices: [{ id: 'none', name: 'None' }, { id: 'normal', name: 'Normal' }, { id: 'extra', name: 'Extra' }] },
      { id: 'size', name: 'Size', required: true, default: null, choices: [{ id: 'single', name: 'Single' }, { id: 'double', name: 'Double' }] },
    ]);
    expect(optionLines(groups)).toBe('Ice: None, Normal*, Extra\nSize!: Single, Double');
    const renamedGroup = groups.map((group) => (group.id === 'ice' ? { ...group, id: 'ice-1' } : group));
    expect(parseOptionLines('Ice: None*, Normal', renamedGroup)[0]).toMatchObject({ id: 'ice-1', default: 'None' });
  });

  it('what a choice changes goes in brackets: -removes, +adds (a bare name adds); it survives a round trip', () => {
    const parsed = parseOptionLines('Style: Classic*, Alcohol-free (-Gin, +Alcohol-free gin), Tall (Soda water)', []);
    expect(parsed).toEqual([
      {
        name: 'Style',
        required: false,
        default: 'Classic',
        choices: [{ name: 'Classic' }, { name: 'Alcohol-free', adds: ['Alcohol-free gin'], removes: ['Gin'] }, { name: 'Tall', adds: ['Soda water'] }],
      },
    ]);
    const groups = normaliseOptionGroups(parsed) as OptionGroup[];
    expect(optionLines(groups)).toBe('Style: Classic*, Alcohol-free (-Gin, +Alcohol-free gin), Tall (+Soda water)');
    expect(parseOptionLines(optionLines(groups), groups)[0]!.choices).toEqual([
      { id: 'classic', name: 'Classic' },
      { id: 'alcohol-free', name: 'Alcohol-free', adds: ['Alcohol-free gin'], removes: ['Gin'] },
      { id: 'tall', name: 'Tall', adds: ['Soda water'] },
    ]);
    // The default star may follow the brackets too.
    expect(parseOptionLines('Style: Classic, Zero (-Gin)*', [])[0]).toMatchObject({ default: 'Zero', choices: [{ name: 'Classic' }, { name: 'Zero', removes: ['Gin'] }] });
  });
});

describe('the board groups identical drinks', () => {
  const order = (id: string, choices: [string, string][]): AdminOrder => ({
    id,
    drink_id: 'd1',
    drink_name: 'Negroni',
    notes: null,
    options: choices.map(([group, choice]) => ({ group_id: group, group, choice_id: choice, choice })),
    status: 'pending',
    created_at: '2026-12-02T20:00:00.000Z',
    updated_at: '2026-12-02T20:00:00.000Z',
    completed_at: null,
    ready_at: null,
    calls: 0,
    called_at: null,
    changed_by: null,
    version: '1',
    user_key: 'u',
    username: 'Lin',
  });
  it('only orders with the same choices share a group, whatever order the choices came in', () => {
    const groups = groupByDrink([
      order('a', [['ice', 'none'], ['size', 'double']]),
      order('b', [['size', 'double'], ['ice', 'none']]),
      order('c', [['ice', 'extra'], ['size', 'double']]),
      order('d', []),
    ]);
    expect(groups.map((group) => [group.optionsLabel, group.orders.map((o) => o.id)])).toEqual([
      ['ice: none · size: double', ['a', 'b']],
      ['ice: extra · size: double', ['c']],
      ['', ['d']],
    ]);
  });
});

describe('drawings and dietary guesses', () => {
  it('works the picture out of the recipe: a red Negroni with an orange peel on ice; no steam for hot sauce', () => {
    const negroni = illustrationSpec({ ingredients: ['Gin', 'Campari', 'Sweet vermouth'], recipe: { ingredients: [{ name: 'Gin', amount: '30 ml' }, { name: 'Campari', amount: '30 ml' }, { name: 'Sweet vermouth', amount: '30 ml' }], garnish: 'Orange peel', glassware: 'Rocks glass' } });
    expect(negroni).toMatchObject({ glass: 'rocks', garnish: 'orange_peel', ice: true, steam: false });
    const [r, g] = [parseInt(negroni.top.slice(0, 2), 16), parseInt(negroni.top.slice(2, 4), 16)];
    expect(r).toBeGreaterThan(g + 80);
    expect(illustrationSpec({ ingredients: ['Tomato juice', 'Hot sauce'], recipe: { glassware: 'Highball glass' } }).steam).toBe(false);
    expect(illustrationSpec({ ingredients: ['Whisky', 'Hot water'], recipe: { glassware: 'Heatproof glass or mug' } })).toMatchObject({ glass: 'mug', steam: true, ice: false });
    expect(parseIllustrationFile(illustrationPath(negroni).split('/').pop()!)).toEqual(negroni);
  });

  it('guesses alcohol-free only when no ingredient is alcoholic (ginger beer is not beer)', () => {
    expect(looksAlcoholFree(['Ginger beer', 'Lime juice'])).toBe(true);
    expect(looksAlcoholFree(['Mint', 'Soda water', 'Sugar syrup'])).toBe(true);
    expect(looksAlcoholFree(['Vodka', 'Ginger beer'])).toBe(false);
    expect(looksAlcoholFree(['Crème de cassis', 'Champagne'])).toBe(false);
    expect(looksAlcoholFree(['Vin rouge', 'Miel'])).toBe(false);
  });
});
