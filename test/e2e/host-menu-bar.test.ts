import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from '../support/server.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { AXE_SOURCE } from './support/guest-fixtures.ts';
import { GuestPage } from './support/guest-page.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';

/**
 * The menu as a bar runs it, host and guest side by side: options set in the drink editor,
 * chosen with one tap and shown on the board; the shelf greying an open guest menu live; the
 * glass picked in the editor redrawing the picture.
 */
describe.skipIf(!browserAvailable())('host and guest: options, the shelf and the drawn glass', () => {
  let server: TestServer;
  let browser: Browser;
  let host: HostPage;
  let guest: GuestPage;
  let drinks: { id: string; name: string; ingredients: string[] }[];
  const shot = async (page: Page, name: string) => {
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: `docs/screenshots/${name}.png` });
  };

  beforeAll(async () => {
    if (process.env.SCREENSHOTS === '1') await fs.mkdir('docs/screenshots', { recursive: true });
    server = await startHostTestServer({ MAX_ACTIVE_ORDERS: '10' });
    browser = await launchBrowser();
    host = new HostPage(await (await phoneContext(browser, { width: 1024, height: 768 })).newPage(), server.url);
    await host.setup(server.setupToken as string, HOST.email, HOST.password);
    const token = (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token as string;
    const code = (await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 5 } })).body;
    drinks = (await api(server, 'GET', '/api/drinks')).body.drinks;
    guest = await GuestPage.open(await phoneContext(browser), server.url);
    await guest.join(code.join_url, 'Lin');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the host gives the Negroni options and a glass; the guest orders with one tap; the board shows the choices and groups only identical ones', async () => {
    const negroni = drinks.find((drink) => drink.name === 'Negroni')!;
    await host.open('Drinks');
    await host.drinkRow(negroni.id).getByRole('button', { name: 'Edit Negroni' }).click();
    const dialog = host.page.getByRole('dialog');
    const drawing = dialog.getByRole('img', { name: 'Drawing of Negroni' });
    expect(await drawing.getAttribute('src')).toMatch(/\/images\/drawn\/1-rocks-/);
    await dialog.getByLabel('Glass in the drawing').selectOption({ label: 'Coupe' });
    // The picture follows the pick at once, before saving.
    await expect.poll(() => drawing.getAttribute('src')).toMatch(/\/images\/drawn\/1-coupe-/);
    await expect.poll(() => drawing.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await dialog.getByLabel(/^Options/).fill('Ice: None, Normal*, Extra\nSize!: Single, Double');
    await shot(host.page, 'host-drink-editor');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = (await api(server, 'GET', `/api/drinks/${negroni.id}`)).body.drink;
    expect(saved.glass).toBe('coupe');
    expect(saved.options.map((group: { id: string }) => group.id)).toEqual(['ice', 'size']);

    // The guest's open menu picks the change up (MENU_CHANGED), then orders with one tap per group.
    const card = guest.page.locator(`[data-drink-id="${negroni.id}"]`);
    await expect.poll(() => card.locator('img').getAttribute('src'), { timeout: 10_000 }).toMatch(/\/images\/drawn\/1-coupe-/);
    const placeWith = async (ice: string, size: string) => {
      await guest.gotoMenu();
      await card.getByRole('button', { name: 'Order Negroni' }).click();
      const sheet = guest.page.getByRole('dialog');
      expect(await sheet.getByRole('radiogroup', { name: 'Ice' }).getByRole('radio', { name: 'Normal' }).isChecked()).toBe(true);
      await sheet.getByRole('radiogroup', { name: 'Ice' }).getByRole('radio', { name: ice }).check();
      await sheet.getByRole('radiogroup', { name: /Size/ }).getByRole('radio', { name: size }).check();
      if (ice === 'None' && size === 'Double') {
        expect(await guest.axeViolations(AXE_SOURCE)).toEqual([]);
        await shot(guest.page, 'guest-order-options');
      }
      return guest.newOrder(() => sheet.getByRole('button', { name: 'Place order' }).click());
    };
    const first = await placeWith('None', 'Double');
    const second = await placeWith('None', 'Double');
    const third = await placeWith('Extra', 'Single');
    await guest.waitForStatus(first, 'pending');
    expect(await guest.order$(first).textContent()).toContain('Ice: None · Size: Double');

    await host.open('Orders');
    for (const id of [first, second, third]) await host.card(id).waitFor({ timeout: 10_000 });
    expect(await host.card(first).textContent()).toContain('Ice: None · Size: Double');
    expect(await host.card(third).textContent()).toContain('Ice: Extra · Size: Single');
    await host.page.getByLabel('Group identical drinks').check();
    const groups = host.page.locator('.group-title').filter({ hasText: 'Negroni' });
    await expect.poll(() => groups.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^2× Negroni · Ice: None · Size: Double$/), expect.stringMatching(/^1× Negroni · Ice: Extra · Size: Single$/)]));
    await shot(host.page, 'host-board-options');
    await host.page.getByLabel('Group identical drinks').uncheck();
  });

  it('marking an ingredient out on the shelf greys every drink that needs it on an open guest menu within 2 s, with the reason; back in restores them', async () => {
    await guest.gotoMenu();
    const needsMint = drinks.filter((drink) => drink.ingredients.includes('Mint'));
    expect(needsMint.map((drink) => drink.name).sort()).toEqual(['Cucumber Cooler', 'Mojito', 'Virgin Mojito']);
    const others = drinks.filter((drink) => !drink.ingredients.includes('Mint')).slice(0, 5);
    await host.open('Drinks');
    await host.page.getByRole('heading', { name: /^Shelf/ }).click();
    const mint = host.page.locator('[data-ingredient="Mint"]');
    const inStock = mint.getByRole('switch', { name: 'In stock' });
    expect(await inStock.isChecked()).toBe(true);

    await inStock.uncheck();
    const started = Date.now();
    for (const drink of needsMint) {
      const card = guest.page.locator(`[data-drink-id="${drink.id}"][data-available="false"]`);
      await card.waitFor({ timeout: 2_000 - Math.min(1_900, Date.now() - started) });
      expect(await card.textContent()).toContain('Out of mint');
      expect(await card.getByRole('button', { name: `Order ${drink.name}` }).isDisabled()).toBe(true);
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const drink of others) expect(await guest.page.locator(`[data-drink-id="${drink.id}"]`).getAttribute('data-available')).toBe('true');
    await shot(host.page, 'host-shelf');
    await guest.drink('Mojito').scrollIntoViewIfNeeded();
    expect(await guest.axeViolations(AXE_SOURCE)).toEqual([]);
    await shot(guest.page, 'guest-menu-out-of-stock');

    await inStock.check();
    for (const drink of needsMint) {
      await guest.page.locator(`[data-drink-id="${drink.id}"][data-available="true"]`).waitFor({ timeout: 2_000 });
    }
    expect(await guest.drink('Mojito').textContent()).not.toContain('Out of');
  });

  it('the gin runs out: within 2 s the open guest menu keeps the Gin & Tonic orderable, only alcohol-free, with the reason; that order reaches the board with its choice', async () => {
    const gt = drinks.find((drink) => drink.name === 'Gin & Tonic')!;
    const negroni = drinks.find((drink) => drink.name === 'Negroni')!;
    await guest.gotoMenu();
    /** The Gin's switch on the host's shelf (the Drinks screen, its Shelf opened). */
    const ginSwitch = async () => {
      await host.open('Drinks');
      if ((await host.page.locator('details.shelf').getAttribute('open')) === null) await host.page.getByRole('heading', { name: /^Shelf/ }).click();
      return host.page.locator('[data-ingredient="Gin"]').getByRole('switch', { name: 'In stock' });
    };
    const gin = await ginSwitch();
    expect(await gin.isChecked()).toBe(true);

    await gin.uncheck();
    const started = Date.now();
    const card = guest.page.locator(`[data-drink-id="${gt.id}"]`);
    await card.locator('[data-partly-out]').waitFor({ timeout: 2_000 });
    await guest.page.locator(`[data-drink-id="${negroni.id}"][data-available="false"]`).waitFor({ timeout: 2_000 - Math.min(1_900, Date.now() - started) });
    expect(Date.now() - started).toBeLessThan(2_000);
    // Not "unavailable": still orderable, the one way left said on the card.
    expect(await card.getAttribute('data-available')).toBe('true');
    expect(await card.textContent()).toContain('Alcohol-free only tonight: out of gin');
    expect(await card.getByRole('button', { name: 'Order Gin & Tonic' }).isEnabled()).toBe(true);

    await card.getByRole('button', { name: 'Order Gin & Tonic' }).click();
    const sheet = guest.page.getByRole('dialog');
    const style = sheet.getByRole('radiogroup', { name: 'Style' });
    // The classic (the host's default) cannot be made: greyed, not selectable, with the reason.
    const classic = style.getByRole('radio', { name: 'Classic' });
    expect(await classic.isDisabled()).toBe(true);
    expect(await classic.isChecked()).toBe(false);
    expect(await classic.evaluate((radio) => document.getElementById(radio.getAttribute('aria-describedby') ?? '')?.textContent)).toBe('Classic: out of gin');
    const zero = style.getByRole('radio', { name: 'Alcohol-free' });
    expect(await zero.isChecked()).toBe(true);
    expect(await zero.isEnabled()).toBe(true);
    expect(await guest.axeViolations(AXE_SOURCE)).toEqual([]);
    await shot(guest.page, 'guest-order-alcohol-free-only');

    const id = await guest.newOrder(() => sheet.getByRole('button', { name: 'Place order' }).click());
    await guest.waitForStatus(id, 'pending');
    expect(await guest.order$(id).textContent()).toContain('Style: Alcohol-free');

    await host.open('Orders');
    await host.card(id).waitFor({ timeout: 10_000 });
    expect(await host.card(id).textContent()).toContain('Style: Alcohol-free');

    await (await ginSwitch()).check();
    await guest.gotoMenu();
    await guest.page.locator(`[data-drink-id="${negroni.id}"][data-available="true"]`).waitFor({ timeout: 2_000 });
    await expect.poll(() => card.locator('[data-partly-out]').count()).toBe(0);
  });
});
