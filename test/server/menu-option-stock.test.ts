import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_CHANNEL } from '../../shared/channels.ts';
import { configureFromServer, installWebSocket, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Choices that change what a drink needs (issue 19): with the spirit out, a drink stays on the
 * menu through its alcohol-free choice, and the orders follow the same rule as the menu.
 */

interface Choice {
  id: string;
  name: string;
  adds?: string[];
  removes?: string[];
  available?: false;
  unavailable_reason?: string;
}
interface Group {
  id: string;
  name: string;
  required?: boolean;
  default?: string | null;
  choices: Choice[];
}
interface AdminDrink {
  id: string;
  name: string;
  section_id: string;
  ingredients: string[];
  available: boolean;
  unavailable_reason: string | null;
  options: Group[];
}
interface ListedDrink {
  id: string;
  name: string;
  available: boolean;
  unavailable_reason: string | null;
  options: Group[];
}

let server: TestServer;
let admin: string;
let guest: TestGuest;
const open: LiveChannel[] = [];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  guest = await createGuestDirect(server, 'Ada');
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
});
afterAll(async () => {
  for (const live of open) await live.close().catch(() => undefined);
  await server?.stop();
});

const adminDrinks = async (): Promise<AdminDrink[]> => (await api(server, 'GET', '/api/admin/drinks', { token: admin })).body.drinks;
const listed = async (name: string): Promise<ListedDrink> =>
  ((await api(server, 'GET', '/api/drinks')).body.drinks as ListedDrink[]).find((drink) => drink.name === name)!;
const mark = async (name: string, inStock: boolean) => {
  const res = await api(server, 'PUT', `/api/admin/ingredients/${encodeURIComponent(name)}`, { token: admin, body: { in_stock: inStock } });
  expect(res.status, `${name} → ${inStock}`).toBe(200);
};
const order = (drinkId: string, options?: Record<string, string>, id = randomUUID(), who = guest) =>
  api(server, 'POST', '/api/orders', { token: who.access_token, body: { id, drink_id: drinkId, ...(options ? { options } : {}) } });
/** What every drink shows about its stock and its choices: the whole menu's availability at once. */
const availability = (drinks: AdminDrink[]) =>
  drinks.map(({ id, available, unavailable_reason, options }) => ({ id, available, unavailable_reason, options }));

describe('the default menu: a few drinks can be made alcohol-free', () => {
  it('Gin & Tonic, Moscow Mule and Paloma have a Style whose alcohol-free choice does without the spirit; the shelf lists what a choice adds', async () => {
    const drinks = await adminDrinks();
    const styled = drinks.filter((drink) => drink.options.some((group) => group.id === 'style')).map((drink) => drink.name).sort();
    expect(styled).toEqual(['Gin & Tonic', 'Moscow Mule', 'Paloma']);
    const gt = drinks.find((drink) => drink.name === 'Gin & Tonic')!;
    expect(gt.options).toEqual([
      {
        id: 'style',
        name: 'Style',
        required: false,
        default: 'classic',
        choices: [
          { id: 'classic', name: 'Classic' },
          { id: 'alcohol-free', name: 'Alcohol-free', adds: ['Alcohol-free gin'], removes: ['Gin'] },
        ],
      },
    ]);
    // The guests' list carries the group whole and the choices, not what they change (that is
    // the bar's business, in GET /api/drinks/:id).
    expect((await listed('Gin & Tonic')).options).toEqual([
      { id: 'style', name: 'Style', required: false, default: 'classic', choices: [{ id: 'classic', name: 'Classic' }, { id: 'alcohol-free', name: 'Alcohol-free' }] },
    ]);
    expect((await api(server, 'GET', `/api/drinks/${gt.id}`)).body.drink.options).toEqual(gt.options);
    const shelf = (await api(server, 'GET', '/api/admin/ingredients', { token: admin })).body.ingredients as { name: string; drinks: { name: string }[] }[];
    expect(shelf.find((ingredient) => ingredient.name === 'Alcohol-free gin')).toEqual({ name: 'Alcohol-free gin', in_stock: true, drinks: [{ id: gt.id, name: 'Gin & Tonic' }] });
  });
});

describe('the spirit runs out', () => {
  it('the drink stays available through its alcohol-free choice, live; the classic is refused with the reason, the alcohol-free accepted; back in restores exactly', async () => {
    const drinks = await adminDrinks();
    const gt = drinks.find((drink) => drink.name === 'Gin & Tonic')!;
    const negroni = drinks.find((drink) => drink.name === 'Negroni')!;
    const baseline = availability(drinks);
    expect(baseline.every((drink) => drink.available && drink.unavailable_reason === null)).toBe(true);
    // An order the bar took before the gin ran out, which the phone's outbox will replay.
    const earlier = randomUUID();
    expect((await order(gt.id, { style: 'classic' }, earlier)).status).toBe(201);

    const live = await subscribe<{ type: string }>(MENU_CHANNEL, guest.access_token);
    open.push(live as LiveChannel);
    await live.ready;
    // Whatever fails below, the shelf is restored for the tests after this one.
    try {
      await mark('gin', false);
      expect(await live.next()).toMatchObject({ type: 'MENU_CHANGED' });

      // Guests see the Gin & Tonic available, the classic greyed with the reason.
      const during = await listed('Gin & Tonic');
      expect(during).toMatchObject({ available: true, unavailable_reason: null });
      expect(during.options[0]!.choices).toEqual([
        { id: 'classic', name: 'Classic', available: false, unavailable_reason: 'Gin' },
        { id: 'alcohol-free', name: 'Alcohol-free' },
      ]);
      // A drink without another way is out, as before.
      expect(await listed('Negroni')).toMatchObject({ available: false, unavailable_reason: 'Gin' });

      const classic = await order(gt.id, { style: 'classic' });
      expect(classic.status).toBe(409);
      expect(classic.body.error).toMatchObject({ code: 'drink_unavailable', details: { reason: 'Gin' } });
      expect(classic.body.error.message).toMatch(/out of gin/);
      // No options: the default (classic) is what would be made, so the same answer.
      expect((await order(gt.id)).body.error).toMatchObject({ code: 'drink_unavailable', details: { reason: 'Gin' } });
      expect((await order(negroni.id)).body.error).toMatchObject({ code: 'drink_unavailable', details: { reason: 'Gin' } });
      const zero = await order(gt.id, { style: 'alcohol-free' });
      expect(zero.status).toBe(201);
      expect(zero.body.order.options).toEqual([{ group_id: 'style', group: 'Style', choice_id: 'alcohol-free', choice: 'Alcohol-free' }]);
      // The outbox replaying the order taken before: accepted then, so still that order.
      expect((await order(gt.id, { style: 'classic' }, earlier)).status).toBe(200);

      // What the alcohol-free choice adds runs out too: now nothing can be made.
      await mark('Alcohol-free gin', false);
      expect(await listed('Gin & Tonic')).toMatchObject({
        available: false,
        unavailable_reason: 'Gin',
        options: [
          {
            choices: [
              { id: 'classic', available: false, unavailable_reason: 'Gin' },
              { id: 'alcohol-free', available: false, unavailable_reason: 'Alcohol-free gin' },
            ],
          },
        ],
      });
      expect((await order(gt.id, { style: 'alcohol-free' })).body.error).toMatchObject({ code: 'drink_unavailable', details: { reason: 'Alcohol-free gin' } });

      // The gin comes back: the classic can be made again, the alcohol-free still cannot.
      await mark('Gin', true);
      const back = await listed('Gin & Tonic');
      expect(back).toMatchObject({ available: true, unavailable_reason: null });
      expect(back.options[0]!.choices).toEqual([
        { id: 'classic', name: 'Classic' },
        { id: 'alcohol-free', name: 'Alcohol-free', available: false, unavailable_reason: 'Alcohol-free gin' },
      ]);
      expect((await order(gt.id, { style: 'classic' })).status).toBe(201);
      expect((await order(negroni.id)).status).toBe(201);

      await mark('alcohol-free GIN', true);
      expect(availability(await adminDrinks())).toEqual(baseline);
    } finally {
      await mark('Gin', true);
      await mark('Alcohol-free gin', true);
    }
  });

  it('while the host marks the spirit out, orders keep coming: none for the classic is accepted once the mark has committed', async () => {
    const gt = (await adminDrinks()).find((drink) => drink.name === 'Gin & Tonic')!;
    const guests = await Promise.all(['Bo', 'Cy', 'Di', 'Ed'].map((name) => createGuestDirect(server, name)));
    let markedAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const results: { sentAt: number; status: number; style: string; createdAt?: string }[] = [];
    const stream = async (who: TestGuest, style: string) => {
      while (!stop) {
        const sentAt = Date.now();
        const res = await order(gt.id, { style }, randomUUID(), who);
        results.push({ sentAt, status: res.status, style, createdAt: res.body.order?.created_at });
      }
    };
    const streams = guests.map((who, index) => stream(who, index === 0 ? 'alcohol-free' : 'classic'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const markStarted = Date.now();
    await mark('Gin', false);
    markedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await Promise.all(streams);
    await mark('Gin', true);

    const classic = results.filter((result) => result.style === 'classic');
    expect(classic.filter((result) => result.sentAt < markStarted && result.status === 201).length).toBeGreaterThan(0);
    const after = classic.filter((result) => result.sentAt >= markedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((result) => result.status)).toEqual(after.map(() => 409));
    // Every classic accepted was created before the mark's answer came back.
    for (const result of classic.filter((r) => r.status === 201)) expect(Date.parse(result.createdAt!)).toBeLessThanOrEqual(markedAt);
    // The alcohol-free stream never stopped being served.
    const zero = results.filter((result) => result.style === 'alcohol-free');
    expect(zero.length).toBeGreaterThan(0);
    expect(zero.every((result) => result.status === 201)).toBe(true);
  });
});

describe('the menu and the orders follow one rule', () => {
  it('for every shelf state, a choice shows available exactly when some order with it is accepted, and its reason is one such an order is refused for', async () => {
    const section = (await adminDrinks())[0]!.section_id;
    const made = await api(server, 'POST', '/api/admin/drinks', {
      token: admin,
      body: {
        section_id: section,
        name: 'Highball Lab',
        ingredients: ['Lab rum', 'Lab lime'],
        options: [
          { id: 'style', name: 'Style', default: 'classic', choices: [{ id: 'classic', name: 'Classic' }, { id: 'zero', name: 'Zero', removes: ['lab RUM'], adds: ['Lab zero rum'] }] },
          { id: 'mixer', name: 'Mixer', required: true, choices: [{ id: 'cola', name: 'Cola', adds: ['Lab cola'] }, { id: 'ginger', name: 'Ginger', adds: ['Lab ginger beer'], removes: ['Lab lime'] }] },
          // Optional, no default: leaving it out is a combination of its own (with the cola and
          // the zero rum out, the only one left).
          { id: 'extra', name: 'Extra', choices: [{ id: 'topped', name: 'Topped', adds: ['Lab cola'] }, { id: 'float', name: 'Float', adds: ['Lab zero rum'] }] },
        ],
      },
    });
    expect(made.status).toBe(201);
    const id = made.body.drink.id as string;
    const shelf = ['Lab rum', 'Lab zero rum', 'Lab cola', 'Lab lime'];
    const combos: Record<string, string>[] = [];
    for (const style of ['classic', 'zero']) {
      for (const mixer of ['cola', 'ginger']) {
        for (const extra of [undefined, 'topped', 'float']) combos.push({ style, mixer, ...(extra ? { extra } : {}) });
      }
    }
    for (let state = 0; state < 1 << shelf.length; state += 1) {
      const out = shelf.filter((_, bit) => state & (1 << bit));
      for (const name of shelf) await mark(name, !out.includes(name));
      const drink = (await adminDrinks()).find((candidate) => candidate.id === id)!;
      const refused = new Map<string, string>();
      const accepted: Record<string, string>[] = [];
      for (const combo of combos) {
        const res = await order(id, combo);
        expect([201, 409], JSON.stringify(combo)).toContain(res.status);
        if (res.status === 201) accepted.push(combo);
        else refused.set(JSON.stringify(combo), res.body.error.details.reason);
      }
      const context = `out: ${out.join(', ') || 'nothing'}`;
      expect(drink.available, context).toBe(accepted.length > 0);
      for (const group of drink.options) {
        for (const choice of group.choices) {
          const withIt = combos.filter((combo) => combo[group.id] === choice.id);
          const canBeMade = withIt.some((combo) => accepted.includes(combo));
          expect(choice.available !== false, `${context}; ${group.id}=${choice.id}`).toBe(canBeMade);
          if (!canBeMade) expect(withIt.map((combo) => refused.get(JSON.stringify(combo))), `${context}; ${group.id}=${choice.id}`).toContain(choice.unavailable_reason);
        }
      }
      if (!drink.available) expect([...refused.values()], context).toContain(drink.unavailable_reason);
    }
    for (const name of shelf) await mark(name, true);
  });
});

describe('the host writes what a choice changes', () => {
  it('adds and removes are stored cleaned, empty lists left out; a choice that adds and removes the same ingredient, or bad names, are 400', async () => {
    const mule = (await adminDrinks()).find((drink) => drink.name === 'Moscow Mule')!;
    const res = await api(server, 'PUT', `/api/admin/drinks/${mule.id}`, {
      token: admin,
      body: { options: [{ name: 'Style', default: 'Classic', choices: [{ name: 'Classic', adds: [], removes: [] }, { name: 'Zero', removes: ['  Vodka '], adds: ['Ginger beer', 'ginger  BEER'] }] }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.drink.options[0].choices).toEqual([{ id: 'classic', name: 'Classic' }, { id: 'zero', name: 'Zero', adds: ['Ginger beer'], removes: ['Vodka'] }]);
    for (const choice of [
      { name: 'Zero', adds: ['Vodka'], removes: ['vodka'] },
      { name: 'Zero', removes: [''] },
      { name: 'Zero', removes: ['Vodka\u0007'] },
      { name: 'Zero', adds: Array.from({ length: 11 }, (_, n) => `Thing ${n}`) },
      { name: 'Zero', removes: 'Vodka' },
    ]) {
      const bad = await api(server, 'PUT', `/api/admin/drinks/${mule.id}`, { token: admin, body: { options: [{ name: 'Style', choices: [choice] }] } });
      expect(bad.status, JSON.stringify(choice)).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
  });
});
