import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

const png = (size = 64) =>
  sharp({ create: { width: size, height: size, channels: 3, background: { r: 200, g: 30, b: 60 } } }).png().toBuffer();

describe('the public menu', () => {
  it('a fresh installation serves a default menu of at least 20 drinks with non-alcoholic ones', async () => {
    const sections = await api(server, 'GET', '/api/sections');
    expect(sections.status).toBe(200);
    expect(sections.body.sections.length).toBeGreaterThanOrEqual(3);
    expect(sections.body.sections.map((s: { name: string }) => s.name)).toContain('Non-alcoholic');
    const drinks = await api(server, 'GET', '/api/drinks');
    expect(drinks.body.drinks.length).toBeGreaterThanOrEqual(20);
    const first = drinks.body.drinks.find((drink: { name: string }) => drink.name === 'Negroni');
    const contract = [
      'description', 'id', 'image_url', 'ingredients', 'is_active', 'name', 'section_id', 'updated_at',
      // Issue 19: the shelf, options, dietary facts and the glass.
      'available', 'unavailable_reason', 'options', 'alcohol_free', 'allergens', 'abv', 'glass',
    ];
    // Every field of the contract, at its usual value too (the Negroni: available, no reason,
    // no options, not alcohol-free).
    expect(Object.keys(first).sort()).toEqual([...contract].sort());
    expect(first).toMatchObject({ available: true, unavailable_reason: null, options: [], alcohol_free: false, allergens: ['sulphites'], abv: 24, glass: 'rocks' });
    expect(first.recipe).toBeUndefined();
    // The detail view: the same drink with its recipe.
    const { recipe, ...detail } = (await api(server, 'GET', `/api/drinks/${first.id}`)).body.drink;
    expect(recipe).toBeDefined();
    expect(detail).toEqual(first);
  });

  it('sections are ordered by display_order then name', async () => {
    // Created out of order, six of them sharing a display_order so that the name decides (and
    // no other order, by id say, matches it by chance). Same-case ASCII names sort alike under
    // every collation PostgreSQL and PGlite use.
    const made: { id: string; name: string }[] = [];
    const tied = ['Cordials', 'Aperitifs', 'Fizzes', 'Bitters', 'Elixirs', 'Digestifs'];
    for (const [name, display_order] of [...tied.map((n) => [n, 500] as const), ['Zero Proof', 499] as const]) {
      const res = await api(server, 'POST', '/api/admin/sections', { token: admin, body: { name, display_order } });
      expect(res.status).toBe(201);
      made.push(res.body.section);
    }
    try {
      const { body } = await api(server, 'GET', '/api/sections');
      const ours = new Set(made.map((s) => s.id));
      const names = body.sections.filter((s: { id: string }) => ours.has(s.id)).map((s: { name: string }) => s.name);
      expect(names).toEqual(['Zero Proof', 'Aperitifs', 'Bitters', 'Cordials', 'Digestifs', 'Elixirs', 'Fizzes']);
      const orders = body.sections.map((s: { display_order: number }) => s.display_order);
      expect(orders).toEqual([...orders].sort((a, b) => a - b));
    } finally {
      for (const { id } of made) await api(server, 'DELETE', `/api/admin/sections/${id}`, { token: admin });
    }
  });

  it('answers 304 to a matching If-None-Match and a new ETag after a change', async () => {
    const first = await api(server, 'GET', '/api/drinks');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await api(server, 'GET', '/api/drinks', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const sectionsEtag = (await api(server, 'GET', '/api/sections')).headers.get('etag')!;
    expect((await api(server, 'GET', '/api/sections', { headers: { 'if-none-match': sectionsEtag } })).status).toBe(304);

    const drink = first.body.drinks[0];
    await api(server, 'PUT', `/api/admin/drinks/${drink.id}`, { token: admin, body: { description: 'Changed for the ETag test' } });
    const changed = await api(server, 'GET', '/api/drinks', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('filters by section and gives one drink with its recipe', async () => {
    const { body } = await api(server, 'GET', '/api/sections');
    const section = body.sections[0];
    const filtered = await api(server, 'GET', `/api/drinks?section_id=${section.id}`);
    expect(filtered.body.drinks.length).toBeGreaterThan(0);
    expect(filtered.body.drinks.every((d: { section_id: string }) => d.section_id === section.id)).toBe(true);
    const one = await api(server, 'GET', `/api/drinks/${filtered.body.drinks[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body.drink.recipe.steps.length).toBeGreaterThan(0);
    expect(one.body.drink.recipe.ingredients[0]).toHaveProperty('amount');
  });

  it('unknown, malformed and inactive drink ids are 404 drink_not_found', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1' OR '1'='1"]) {
      const res = await api(server, 'GET', `/api/drinks/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('drink_not_found');
    }
    const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks;
    const target = drinks[1];
    await api(server, 'PUT', `/api/admin/drinks/${target.id}`, { token: admin, body: { is_active: false } });
    expect((await api(server, 'GET', `/api/drinks/${target.id}`)).status).toBe(404);
    const after = (await api(server, 'GET', '/api/drinks')).body.drinks;
    expect(after.find((d: { id: string }) => d.id === target.id)).toBeUndefined();
    await api(server, 'PUT', `/api/admin/drinks/${target.id}`, { token: admin, body: { is_active: true } });
  });

  it('a malformed section_id filter is 400', async () => {
    const res = await api(server, 'GET', '/api/drinks?section_id=nope');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('menu management by the host', () => {
  it('creates, renames and deletes a section; refuses to delete one with drinks', async () => {
    const created = await api(server, 'POST', '/api/admin/sections', { token: admin, body: { name: 'Shots' } });
    expect(created.status).toBe(201);
    const id = created.body.section.id;
    const renamed = await api(server, 'PUT', `/api/admin/sections/${id}`, { token: admin, body: { name: 'Shooters', display_order: 99 } });
    expect(renamed.body.section).toEqual({ id, name: 'Shooters', display_order: 99 });
    const drink = await api(server, 'POST', '/api/admin/drinks', {
      token: admin,
      body: { section_id: id, name: 'B-52', ingredients: ['Kahlúa', 'Baileys', 'Grand Marnier'] },
    });
    expect(drink.status).toBe(201);
    const blocked = await api(server, 'DELETE', `/api/admin/sections/${id}`, { token: admin });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('section_not_empty');
    expect((await api(server, 'DELETE', `/api/admin/drinks/${drink.body.drink.id}`, { token: admin })).status).toBe(204);
    expect((await api(server, 'DELETE', `/api/admin/sections/${id}`, { token: admin })).status).toBe(204);
    expect((await api(server, 'DELETE', `/api/admin/sections/${id}`, { token: admin })).body.error.code).toBe('section_not_found');
  });

  it('creates a drink with a recipe, lists it with inactive ones, edits and deletes it', async () => {
    const section = (await api(server, 'GET', '/api/admin/sections', { token: admin })).body.sections[0];
    const body = {
      section_id: section.id,
      name: 'House Sour',
      description: 'Tart and bright',
      ingredients: ['Bourbon', 'Lemon', 'Sugar'],
      recipe: { ingredients: [{ name: 'Bourbon', amount: '50 ml' }], steps: ['Shake hard', 'Strain'], garnish: 'Lemon twist' },
      is_active: false,
    };
    const created = await api(server, 'POST', '/api/admin/drinks', { token: admin, body });
    expect(created.status).toBe(201);
    // No photo: the drink points at its drawing (a rocks glass, the recipe names none; lemon twist).
    expect(created.body.drink).toMatchObject({ name: 'House Sour', is_active: false });
    expect(created.body.drink.image_url).toMatch(/^\/images\/drawn\/1-rocks-[0-9a-f]{6}-[0-9a-f]{6}-lemon_twist-i\.svg$/);
    const id = created.body.drink.id;
    const all = await api(server, 'GET', '/api/admin/drinks', { token: admin });
    expect(all.body.drinks.find((d: { id: string }) => d.id === id).recipe.garnish).toBe('Lemon twist');
    expect((await api(server, 'GET', '/api/drinks')).body.drinks.find((d: { id: string }) => d.id === id)).toBeUndefined();
    const edited = await api(server, 'PUT', `/api/admin/drinks/${id}`, { token: admin, body: { name: 'House Whiskey Sour', is_active: true } });
    expect(edited.body.drink).toMatchObject({ name: 'House Whiskey Sour', is_active: true, description: 'Tart and bright' });
    expect((await api(server, 'DELETE', `/api/admin/drinks/${id}`, { token: admin })).status).toBe(204);
    expect((await api(server, 'PUT', `/api/admin/drinks/${id}`, { token: admin, body: { name: 'x' } })).status).toBe(404);
  });

  it('rejects bad drink bodies with validation_failed', async () => {
    const section = (await api(server, 'GET', '/api/admin/sections', { token: admin })).body.sections[0];
    const bad = [
      {},
      { section_id: section.id, name: '', ingredients: [] },
      { section_id: section.id, name: 'x', ingredients: 'gin' },
      { section_id: 'nope', name: 'x', ingredients: [] },
      { section_id: section.id, name: 'x', ingredients: [], is_active: 'yes' },
      { section_id: section.id, name: 'x', ingredients: [], unknown_field: 1 },
      { section_id: section.id, name: 'x\u0007', ingredients: [] },
      [1, 2, 3],
    ];
    for (const body of bad) {
      const res = await api(server, 'POST', '/api/admin/drinks', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const missingSection = await api(server, 'POST', '/api/admin/drinks', {
      token: admin,
      body: { section_id: '00000000-0000-4000-8000-000000000000', name: 'x', ingredients: [] },
    });
    expect(missingSection.status).toBe(404);
    expect(missingSection.body.error.code).toBe('section_not_found');
  });

  it('stores SQL-looking and Unicode-edge names intact', async () => {
    const section = (await api(server, 'GET', '/api/admin/sections', { token: admin })).body.sections[0];
    const names = ["Robert'); DROP TABLE drinks;--", 'Café 🍹 Ñandú', 'ゆず サワー', 'a\u0301 combined'];
    for (const name of names) {
      const res = await api(server, 'POST', '/api/admin/drinks', { token: admin, body: { section_id: section.id, name, ingredients: [name] } });
      expect(res.status).toBe(201);
      const back = await api(server, 'GET', `/api/drinks/${res.body.drink.id}`);
      expect(back.body.drink.name).toBe(name.normalize('NFC'));
      await api(server, 'DELETE', `/api/admin/drinks/${res.body.drink.id}`, { token: admin });
    }
  });

  it('accepts an image by its bytes, stores WebP versions and serves them immutably', async () => {
    const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
    const res = await fetch(`${server.url}/api/admin/drinks/${drink.id}/image`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'image/png' },
      body: await png(),
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()).drink;
    expect(updated.image_url).toMatch(/^\/images\/[0-9a-f]{32}-400\.webp$/);
    for (const width of [200, 400, 800]) {
      const image = await fetch(`${server.url}${updated.image_url.replace('-400', `-${width}`)}`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/webp');
      expect(image.headers.get('cache-control')).toContain('immutable');
      const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBe(width);
    }
    expect((await api(server, 'GET', `/api/drinks/${drink.id}`)).body.drink.image_url).toBe(updated.image_url);
  });

  it('refuses images whose bytes are not JPEG, PNG or WebP, whatever the header says', async () => {
    const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
    const attempts: [string, Uint8Array][] = [
      ['image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
      ['image/jpeg', Buffer.from('GIF89a not really')],
      ['image/gif', await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } }).gif().toBuffer()],
      ['text/plain', Buffer.from('hello')],
    ];
    for (const [type, body] of attempts) {
      const res = await api(server, 'PUT', `/api/admin/drinks/${drink.id}/image`, { token: admin, headers: { 'content-type': type }, raw: body });
      expect(res.status, type).toBe(415);
      expect(res.body.error.code).toBe('unsupported_image');
    }
    const big = Buffer.alloc(8 * 1024 * 1024 + 10, 1);
    const tooBig = await api(server, 'PUT', `/api/admin/drinks/${drink.id}/image`, { token: admin, headers: { 'content-type': 'image/png' }, raw: big });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('payload_too_large');
  });

  it('needs an admin token for every admin menu route', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/admin/drinks'],
      ['POST', '/api/admin/drinks'],
      ['PUT', '/api/admin/drinks/00000000-0000-4000-8000-000000000000'],
      ['DELETE', '/api/admin/drinks/00000000-0000-4000-8000-000000000000'],
      ['GET', '/api/admin/sections'],
      ['POST', '/api/admin/sections'],
    ];
    for (const [method, path] of routes) {
      expect((await api(server, method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : {} })).status).toBe(401);
      expect((await api(server, method, path, { token: 'not.a.token' })).status).toBe(401);
    }
  });
});
