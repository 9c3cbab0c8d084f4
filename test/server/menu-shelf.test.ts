import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_CHANNEL } from '../../shared/channels.ts';
import { configureFromServer, installWebSocket, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

interface AdminDrink {
  id: string;
  name: string;
  section_id: string;
  ingredients: string[];
  is_active: boolean;
  available: boolean;
  unavailable_reason: string | null;
  options: { choices: { adds?: string[]; removes?: string[] }[] }[];
}
interface Ingredient {
  name: string;
  in_stock: boolean;
  drinks: { id: string; name: string }[];
}

let server: TestServer;
let admin: string;
let secondHost: string;
let guest: TestGuest;
const open: LiveChannel[] = [];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  // A second signed-in host (another phone behind the bar): its own token.
  secondHost = await adminToken(server);
  guest = await createGuestDirect(server, 'Lin');
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
});
afterAll(async () => {
  for (const live of open) await live.close().catch(() => undefined);
  await server?.stop();
});

const fold = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();
const drinks = async (): Promise<AdminDrink[]> => (await api(server, 'GET', '/api/admin/drinks', { token: admin })).body.drinks;
const ingredients = async (): Promise<Ingredient[]> => (await api(server, 'GET', '/api/admin/ingredients', { token: admin })).body.ingredients;
const mark = (name: string, inStock: boolean, token = admin) =>
  api(server, 'PUT', `/api/admin/ingredients/${encodeURIComponent(name)}`, { token, body: { in_stock: inStock } });
const uses = (drink: AdminDrink, name: string) => drink.ingredients.some((ingredient) => fold(ingredient) === fold(name));

/**
 * What every drink's availability must be, worked out from the shelf and the host's switches
 * alone. A default drink has at most one option group, its Style, whose alcohol-free choice may
 * do without some ingredients and add others: the drink can be made when the classic can, or
 * that choice can.
 */
async function expectConsistent(): Promise<void> {
  const out = (await ingredients()).filter((ingredient) => !ingredient.in_stock).map((ingredient) => ingredient.name);
  const isOut = (name: string) => out.some((gone) => fold(gone) === fold(name));
  for (const drink of await drinks()) {
    const missing = drink.ingredients.find(isOut);
    const other = drink.options.flatMap((group) => group.choices).find((choice) => choice.removes || choice.adds);
    const otherWay =
      other !== undefined && !(other.adds ?? []).some(isOut) && drink.ingredients.every((name) => !isOut(name) || (other.removes ?? []).some((gone) => fold(gone) === fold(name)));
    expect(drink.available, drink.name).toBe(drink.is_active && (missing === undefined || otherWay));
    expect(drink.unavailable_reason === null, drink.name).toBe(missing === undefined || otherWay);
  }
}

describe('the shelf: ingredients as one list', () => {
  it('lists each ingredient once, however the drinks spell it, with the drinks that need it', async () => {
    const section = (await drinks())[0]!.section_id;
    const made = await api(server, 'POST', '/api/admin/drinks', {
      token: admin,
      body: { section_id: section, name: 'Lime Rickey', ingredients: ['LIME  JUICE', 'Soda water'] },
    });
    expect(made.status).toBe(201);
    const list = await ingredients();
    const lime = list.filter((ingredient) => fold(ingredient.name) === 'lime juice');
    expect(lime).toHaveLength(1);
    expect(lime[0]!.name).toBe('Lime juice');
    expect(lime[0]!.in_stock).toBe(true);
    const needing = (await drinks()).filter((drink) => uses(drink, 'lime juice')).map((drink) => drink.name).sort();
    expect(lime[0]!.drinks.map((drink) => drink.name).sort()).toEqual(needing);
    expect(needing).toContain('Lime Rickey');
    expect(needing.length).toBeGreaterThanOrEqual(10);
    // "Lime" (a wedge) is another ingredient than "Lime juice".
    expect(list.filter((ingredient) => ingredient.name === 'Lime')).toHaveLength(1);
  });
});

describe('out of stock and back', () => {
  it('marking one out makes exactly its drinks unavailable, live, with the reason; back in restores exactly those', async () => {
    const before = await drinks();
    // The host has switched one lime drink off by hand: the shelf must never switch it back on.
    const daiquiri = before.find((drink) => drink.name === 'Daiquiri')!;
    expect((await api(server, 'PUT', `/api/admin/drinks/${daiquiri.id}`, { token: admin, body: { is_active: false } })).status).toBe(200);
    const baseline = await drinks();

    const live = await subscribe<{ type: string }>(MENU_CHANNEL, guest.access_token);
    open.push(live as LiveChannel);
    await live.ready;
    const out = await mark('lime juice', false);
    expect(out.status).toBe(200);
    expect(out.body.ingredient).toMatchObject({ name: 'Lime juice', in_stock: false });
    expect(await live.next()).toMatchObject({ type: 'MENU_CHANGED' });

    const during = await drinks();
    for (const drink of during) {
      const was = baseline.find((candidate) => candidate.id === drink.id)!;
      if (uses(drink, 'Lime juice')) {
        expect(drink, drink.name).toMatchObject({ available: false, unavailable_reason: 'Lime juice', is_active: was.is_active });
      } else {
        expect(drink, drink.name).toMatchObject({ available: was.available, unavailable_reason: null });
      }
    }
    // Guests still see them (greyed, with the reason), so they know why.
    const publicMojito = ((await api(server, 'GET', '/api/drinks')).body.drinks as AdminDrink[]).find((drink) => drink.name === 'Mojito')!;
    expect(publicMojito).toMatchObject({ available: false, unavailable_reason: 'Lime juice' });

    // A second ingredient out: a drink needing both stays out when the first comes back.
    expect((await mark('Sugar syrup', false)).status).toBe(200);
    expect((await mark('Lime Juice', true)).status).toBe(200);
    for (const drink of await drinks()) {
      const reason = uses(drink, 'Sugar syrup') ? 'Sugar syrup' : null;
      expect(drink.unavailable_reason, drink.name).toBe(reason);
    }
    expect((await mark('sugar syrup', true)).status).toBe(200);

    const after = await drinks();
    expect(after.map(({ id, available, is_active, unavailable_reason }) => ({ id, available, is_active, unavailable_reason }))).toEqual(
      baseline.map(({ id, available, is_active, unavailable_reason }) => ({ id, available, is_active, unavailable_reason })),
    );
    expect(after.find((drink) => drink.id === daiquiri.id)).toMatchObject({ is_active: false, available: false, unavailable_reason: null });
    await api(server, 'PUT', `/api/admin/drinks/${daiquiri.id}`, { token: admin, body: { is_active: true } });
  });

  it('orders for a drink that lacks an ingredient get 409 drink_unavailable with the reason; a replay of an order placed before still answers 200', async () => {
    const mojito = (await drinks()).find((drink) => drink.name === 'Mojito')!;
    const earlier = { id: randomUUID(), drink_id: mojito.id };
    expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: earlier })).status).toBe(201);

    await mark('Mint', false);
    const refused = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: mojito.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'drink_unavailable', details: { reason: 'Mint' } });
    expect(refused.body.error.message).toMatch(/out of mint/);
    // The outbox replaying the order the bar already took: it was accepted, it stays accepted.
    expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: earlier })).status).toBe(200);

    await mark('Mint', true);
    expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: mojito.id } })).status).toBe(201);
  });

  it('two hosts toggling ingredients and drinks at the same time leave every drink consistent with the shelf and the switches', async () => {
    const all = await drinks();
    const names = ['Gin', 'Vodka', 'Soda water', 'Lemon juice', 'Tequila blanco', 'Honey'];
    const switched = all.filter((drink) => drink.ingredients.some((name) => names.includes(name))).slice(0, 6);
    // Host A marks ingredients out and in, host B does the same on overlapping ones and flips
    // drinks' own switches, all at once.
    await Promise.all([
      ...names.flatMap((name, index) => [mark(name, false, admin), mark(name, index % 2 === 0, secondHost)]),
      ...switched.map((drink) => api(server, 'PUT', `/api/admin/drinks/${drink.id}`, { token: secondHost, body: { is_active: false } })),
    ]);
    await expectConsistent();
    const now = await drinks();
    for (const drink of switched) expect(now.find((candidate) => candidate.id === drink.id)!.is_active, drink.name).toBe(false);

    // Twenty toggles of one ingredient racing: whatever wins, the menu agrees with it.
    await Promise.all(Array.from({ length: 20 }, (_, index) => mark('Gin', index % 2 === 0, index % 3 ? admin : secondHost)));
    await expectConsistent();

    await Promise.all([
      ...names.map((name, index) => mark(name, true, index % 2 ? admin : secondHost)),
      ...switched.map((drink) => api(server, 'PUT', `/api/admin/drinks/${drink.id}`, { token: admin, body: { is_active: true } })),
    ]);
    await expectConsistent();
    expect((await drinks()).every((drink) => drink.available)).toBe(true);
  });
});

describe('the shelf refuses what it should', () => {
  it('an unknown ingredient is 404; a bad body 400; a guest 403; no token 401', async () => {
    const unknown = await mark('Unicorn tears', false);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ingredient_not_found');
    const bad = await api(server, 'PUT', '/api/admin/ingredients/Gin', { token: admin, body: { in_stock: 'no' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await api(server, 'PUT', '/api/admin/ingredients/Gin', { token: guest.access_token, body: { in_stock: false } })).status).toBe(403);
    expect((await api(server, 'GET', '/api/admin/ingredients')).status).toBe(401);
    expect((await ingredients()).find((ingredient) => ingredient.name === 'Gin')!.in_stock).toBe(true);
  });
});
