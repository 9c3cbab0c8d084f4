import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { GLASSES } from '../../shared/illustration/glasses.ts';
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

interface PublicDrink {
  id: string;
  name: string;
  section_id: string;
  image_url: string;
  glass: string | null;
}

describe('a picture for every drink', () => {
  it('every default drink has a glass and points at a drawing that is a real SVG, cached for ever', async () => {
    // The guests' list carries the glass (the contract), the same as the host's view.
    const { drinks } = (await api(server, 'GET', '/api/drinks')).body as { drinks: PublicDrink[] };
    expect(drinks).toHaveLength(28);
    const hosts = (await api(server, 'GET', '/api/admin/drinks', { token: admin })).body.drinks as PublicDrink[];
    for (const drink of drinks) {
      const host = hosts.find((candidate) => candidate.id === drink.id)!;
      expect(drink.glass, drink.name).toBe(host.glass);
      expect(drink.image_url, drink.name).toBe(host.image_url);
      expect(GLASSES, drink.name).toContain(drink.glass);
      expect(drink.image_url, drink.name).toMatch(new RegExp(`^/images/drawn/1-${drink.glass}-[0-9a-f]{6}-[0-9a-f]{6}-[a-z_]+-[a-z]+\\.svg$`));
    }
    // Drinks that differ look different: most of the 28 drawings are distinct.
    expect(new Set(drinks.map((drink) => drink.image_url)).size).toBeGreaterThanOrEqual(24);

    const negroni = drinks.find((drink) => drink.name === 'Negroni')!;
    const res = await fetch(`${server.url}${negroni.image_url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const svg = Buffer.from(await res.arrayBuffer());
    // A real picture: it rasterises, and the Negroni's liquid is red.
    const { data, info } = await sharp(svg).resize(60, 60).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(60);
    const at = (x: number, y: number) => [...data.subarray((y * 60 + x) * info.channels, (y * 60 + x) * info.channels + 3)];
    const [r, g, b] = at(30, 42);
    expect(r).toBeGreaterThan(g! + 60);
    expect(r).toBeGreaterThan(b! + 40);
  });

  it('the host picks a glass and the picture follows; a photo still wins; clearing the glass goes back to the recipe', async () => {
    const { drinks } = (await api(server, 'GET', '/api/admin/drinks', { token: admin })).body as { drinks: PublicDrink[] };
    const daiquiri = drinks.find((drink) => drink.name === 'Daiquiri')!;
    expect(daiquiri.glass).toBe('coupe');
    const hurricane = await api(server, 'PUT', `/api/admin/drinks/${daiquiri.id}`, { token: admin, body: { glass: 'hurricane' } });
    expect(hurricane.status).toBe(200);
    expect(hurricane.body.drink.glass).toBe('hurricane');
    expect(hurricane.body.drink.image_url).toMatch(/^\/images\/drawn\/1-hurricane-.*-lime-/);
    expect((await api(server, 'GET', `/api/drinks/${daiquiri.id}`)).body.drink.image_url).toBe(hurricane.body.drink.image_url);

    const cleared = await api(server, 'PUT', `/api/admin/drinks/${daiquiri.id}`, { token: admin, body: { glass: null } });
    // Seeded drinks store their glass; cleared, the recipe's "Coupe" line decides again.
    expect(cleared.body.drink.glass).toBe('coupe');

    const unknown = await api(server, 'PUT', `/api/admin/drinks/${daiquiri.id}`, { token: admin, body: { glass: 'bucket' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_failed');

    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } }).png().toBuffer();
    const photo = await fetch(`${server.url}/api/admin/drinks/${daiquiri.id}/image`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(((await photo.json()) as { drink: PublicDrink }).drink.image_url).toMatch(/^\/images\/[0-9a-f]{32}-400\.webp$/);
  });

  it('a drawing URL that is not one barback makes is a 404, never a drawing of whatever was asked', async () => {
    for (const file of ['1-bucket-aabbcc-aabbcc-lime-x.svg', '1-rocks-aabbcc-aabbcc-lime-zz.svg', '9-rocks-aabbcc-aabbcc-lime-x.svg', '1-rocks-AABBCC-aabbcc-lime-x.svg', '1-rocks-aabbcc-aabbcc-<script>-x.svg']) {
      const res = await fetch(`${server.url}/images/drawn/${encodeURIComponent(file)}`);
      expect(res.status, file).toBe(404);
    }
  });
});

describe('the default menu in French (MENU_LANGUAGE=fr)', () => {
  it('seeds French sections and text, and keeps the drinks’ proper names', async () => {
    const french = await startTestServer({ MENU_LANGUAGE: 'fr' });
    try {
      const sections = (await api(french, 'GET', '/api/sections')).body.sections as { name: string }[];
      expect(sections.map((section) => section.name)).toEqual(['Classiques', 'Festifs', 'Longs et pétillants', 'Sans alcool']);
      const drinks = (await api(french, 'GET', '/api/drinks')).body.drinks as (PublicDrink & { description: string; ingredients: string[] })[];
      expect(drinks).toHaveLength(28);
      const negroni = drinks.find((drink) => drink.name === 'Negroni')!;
      expect(negroni.ingredients).toEqual(['Gin', 'Campari', 'Vermouth rouge']);
      expect(negroni.description).toMatch(/parts égales/);
      const detail = (await api(french, 'GET', `/api/drinks/${negroni.id}`)).body.drink;
      expect(detail.recipe.steps[0]).toMatch(/^Verser/);
      expect(drinks.map((drink) => drink.name)).toContain('Moscow Mule');
      // The same drawings as in English: the French words name the same colours and garnishes.
      expect(negroni.image_url).toMatch(/-rocks-.*-orange_peel-i\.svg$/);

      // The alcohol-free Style in French, on the French ingredient names: with the gin out, only
      // « Sans alcool » can be made.
      const host = await adminToken(french);
      const gt = ((await api(french, 'GET', '/api/admin/drinks', { token: host })).body.drinks as { id: string; name: string; options: unknown }[]).find((drink) => drink.name === 'Gin & Tonic')!;
      expect(gt.options).toEqual([
        {
          id: 'style',
          name: 'Style',
          required: false,
          default: 'classic',
          choices: [{ id: 'classic', name: 'Classique' }, { id: 'alcohol-free', name: 'Sans alcool', adds: ['Gin sans alcool'], removes: ['Gin'] }],
        },
      ]);
      expect((await api(french, 'PUT', '/api/admin/ingredients/Gin', { token: host, body: { in_stock: false } })).status).toBe(200);
      const listed = ((await api(french, 'GET', '/api/drinks')).body.drinks as { id: string; available: boolean; unavailable_reason: string | null; options: unknown }[]).find((drink) => drink.id === gt.id)!;
      expect(listed).toMatchObject({ available: true, unavailable_reason: null });
      // The list keeps the group's required and default; what a choice changes is not in it.
      expect(listed.options).toEqual([
        {
          id: 'style',
          name: 'Style',
          required: false,
          default: 'classic',
          choices: [
            { id: 'classic', name: 'Classique', available: false, unavailable_reason: 'Gin' },
            { id: 'alcohol-free', name: 'Sans alcool' },
          ],
        },
      ]);
    } finally {
      await french.stop();
    }
  });

  it('refuses a language it does not have, in one sentence', async () => {
    expect(() => loadConfig({ MENU_LANGUAGE: 'de' })).toThrow(/MENU_LANGUAGE must be one of en, fr, got "de"/);
  });
});
