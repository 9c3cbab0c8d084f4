import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

interface Drink {
  id: string;
  name: string;
  section_id: string;
  alcohol_free: boolean;
  allergens: string[];
  abv: number | null;
}
/** The guests' list: every drink carries its dietary facts, at their usual value too (false, [], null). */
const listedDrinks = async (): Promise<Drink[]> => (await api(server, 'GET', '/api/drinks')).body.drinks as Drink[];

let server: TestServer;
let admin: string;
let section: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
  section = (await api(server, 'GET', '/api/sections')).body.sections[0].id;
});
afterAll(async () => {
  await server?.stop();
});

const create = (body: Record<string, unknown>) => api(server, 'POST', '/api/admin/drinks', { token: admin, body: { section_id: section, ...body } });

describe('dietary facts', () => {
  it('the default menu says which drinks are alcohol-free, their allergens and ABV', async () => {
    const sections = (await api(server, 'GET', '/api/sections')).body.sections as { id: string; name: string }[];
    const zero = sections.find((candidate) => candidate.name === 'Non-alcoholic')!.id;
    const drinks = await listedDrinks();
    for (const drink of drinks) expect(drink.alcohol_free, drink.name).toBe(drink.section_id === zero);
    const byName = new Map(drinks.map((drink) => [drink.name, drink]));
    expect(byName.get('Whiskey Sour')).toMatchObject({ allergens: ['egg'], abv: 15 });
    expect(byName.get('Eggnog')!.allergens).toEqual(['egg', 'milk']);
    expect(byName.get('Virgin Mary')).toMatchObject({ allergens: ['celery', 'fish'], abv: 0, alcohol_free: true });
    expect(byName.get('Gin & Tonic')).toMatchObject({ allergens: [], abv: 10, alcohol_free: false });
    // The usual values are there too, not left out (alcohol_free is checked on every drink above).
    for (const drink of drinks) {
      expect(Array.isArray(drink.allergens), drink.name).toBe(true);
      expect(drink, drink.name).toHaveProperty('abv');
    }
  });

  it('alcohol-free is derived from the ingredients where the host says nothing, and the host can overrule it', async () => {
    const juice = await create({ name: 'Orchard Fizz', ingredients: ['Apple juice', 'Ginger beer', 'Lime'] });
    expect(juice.body.drink.alcohol_free).toBe(true);
    const spirit = await create({ name: 'House Martini', ingredients: ['Gin', 'Dry vermouth'] });
    expect(spirit.body.drink.alcohol_free).toBe(false);
    // A zero-proof gin the words cannot tell from the real thing: the host says so.
    const said = await api(server, 'PUT', `/api/admin/drinks/${spirit.body.drink.id}`, { token: admin, body: { alcohol_free: true } });
    expect(said.body.drink.alcohol_free).toBe(true);
    const back = await api(server, 'PUT', `/api/admin/drinks/${spirit.body.drink.id}`, { token: admin, body: { alcohol_free: null } });
    expect(back.body.drink.alcohol_free).toBe(false);
  });

  it('allergens come from the fixed list (kept in its order, once each); ABV is a percentage or null', async () => {
    const made = await create({ name: 'Amaretto Sour', ingredients: ['Amaretto', 'Lemon juice', 'Egg white'], allergens: ['nuts', 'egg', 'nuts'], abv: 12.5 });
    expect(made.status).toBe(201);
    expect(made.body.drink).toMatchObject({ allergens: ['egg', 'nuts'], abv: 12.5, alcohol_free: false });
    const cleared = await api(server, 'PUT', `/api/admin/drinks/${made.body.drink.id}`, { token: admin, body: { abv: null } });
    expect(cleared.body.drink).toMatchObject({ abv: null, allergens: ['egg', 'nuts'] });
    for (const body of [{ allergens: ['shellfish'] }, { allergens: 'egg' }, { abv: 101 }, { abv: -1 }, { abv: '12' }, { alcohol_free: 'yes' }]) {
      const res = await api(server, 'PUT', `/api/admin/drinks/${made.body.drink.id}`, { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const publicView = (await listedDrinks()).find((drink) => drink.id === made.body.drink.id)!;
    expect(publicView).toMatchObject({ allergens: ['egg', 'nuts'], alcohol_free: false });
    expect(publicView).toHaveProperty('abv', null);
  });
});
