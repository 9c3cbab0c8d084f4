import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { AXE_SOURCE, SCREENSHOTS, menuDrinks, until } from './support/guest-fixtures.ts';
import { listedDrinkSchema, type MenuDrink } from '../../shared/schemas/menu.ts';


/** The guest's menu: a drawn picture for every drink (offline too), the Alcohol-free filter, allergens. */
describe.skipIf(!browserAvailable())('guest menu: pictures, alcohol-free, allergens', () => {
  let server: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let guest: GuestPage;
  let drinks: MenuDrink[];

  beforeAll(async () => {
    server = await E2eServer.start();
    // The list as the contract gives it: every field on every drink (the schema is strict).
    drinks = listedDrinkSchema.array().parse(await menuDrinks(server));
    browser = await launchBrowser();
    context = await phoneContext(browser);
    guest = await GuestPage.open(context, server.url);
    await guest.join(await server.newJoinUrl(), 'Ines');
    await guest.waitForServiceWorker();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a drink without a photo shows its drawing, and still does offline after a reload', async () => {
    const negroni = drinks.find((drink) => drink.name === 'Negroni')!;
    expect(negroni.image_url).toMatch(/^\/images\/drawn\//);
    const image = guest.drink('Negroni').locator('img');
    expect(await image.getAttribute('src')).toBe(negroni.image_url);
    await until(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the drawing shown');
    // Every drawing is put in the worker's cache on the first visit, like photos.
    await until(
      () => guest.page.evaluate(async (urls) => (await Promise.all(urls.map(async (url) => Boolean(await (await caches.open('barback-images')).match(url))))).every(Boolean), drinks.map((drink) => drink.image_url!)),
      'every drawing cached',
    );
    if (process.env.SCREENSHOTS === '1') await guest.page.screenshot({ path: path.join(SCREENSHOTS, 'guest-menu-drawings.png') });

    await server.down();
    await guest.page.reload();
    await guest.drinks().first().waitFor();
    const last = drinks[drinks.length - 1]!;
    for (const name of ['Negroni', last.name]) {
      const offline = guest.drink(name).locator('img');
      await offline.scrollIntoViewIfNeeded();
      await until(() => offline.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), `${name}'s drawing offline`);
    }
    await server.up();
    await guest.waitForConnection('live', 30_000);
  });

  it('the Alcohol-free toggle shows only the alcohol-free drinks, each saying so', async () => {
    const free = drinks.filter((drink) => drink.alcohol_free).map((drink) => drink.name).sort();
    expect(free).toHaveLength(7);
    const toggle = guest.page.getByRole('button', { name: 'Alcohol-free' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => guest.drinks().count()).toBe(free.length);
    const shown = await guest.drinks().locator('h3').allTextContents();
    expect(shown.sort()).toEqual(free);
    for (const name of free) expect(await guest.drink(name).textContent()).toContain('Alcohol-free');
    expect(await guest.axeViolations(AXE_SOURCE)).toEqual([]);
    if (process.env.SCREENSHOTS === '1') await guest.page.screenshot({ path: path.join(SCREENSHOTS, 'guest-menu-alcohol-free.png') });
    await toggle.click();
    await expect.poll(() => guest.drinks().count()).toBe(drinks.length);
  });

  it('allergens show on the drink, and searching for one finds the drinks that contain it', async () => {
    expect(await guest.drink('Whiskey Sour').textContent()).toContain('Contains: egg');
    expect(await guest.drink('Virgin Mary').textContent()).toContain('Contains: celery, fish');
    const search = guest.page.getByLabel('Search drinks or ingredients');
    await search.fill('egg');
    const withEgg = drinks.filter((drink) => drink.allergens.includes('egg')).map((drink) => drink.name).sort();
    expect(withEgg).toEqual(['Eggnog', 'Whiskey Sour']);
    await expect.poll(async () => (await guest.drinks().locator('h3').allTextContents()).sort()).toEqual(withEgg);
    await search.fill('sulphites');
    await expect.poll(() => guest.drinks().count()).toBe(drinks.filter((drink) => drink.allergens.includes('sulphites')).length);
    await search.fill('');
  });

  it('an order queued offline for a drink whose ingredient runs out meanwhile fails with the reason when it is sent', async () => {
    await server.down();
    const id = await guest.order('Mojito');
    await guest.waitForStatus(id, 'queued');
    // The host marks the mint out while this phone cannot reach the bar.
    expect((await server.adminWhileDown('PUT', '/api/admin/ingredients/Mint', { in_stock: false })).status).toBe(200);
    await server.up();
    await guest.waitForStatus(id, 'failed', 30_000);
    expect(await guest.order$(id).textContent()).toContain('Out of mint: this order was not placed.');
    expect(await server.countOrders()).toBe(0);
    expect((await server.admin('PUT', '/api/admin/ingredients/Mint', { in_stock: true })).status).toBe(200);
  });
});
