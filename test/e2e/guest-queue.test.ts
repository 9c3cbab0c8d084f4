import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createGuestDirect } from '../support/guests.ts';
import { api } from '../support/server.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';

const SCREENSHOTS = 'docs/screenshots';

/**
 * The place in line on the built app (real Chromium): "2nd in line · about 4 min", in English
 * and French, moving live as the bar makes the orders ahead.
 */
describe.skipIf(!browserAvailable())('the guest’s place in line', () => {
  let server: E2eServer;
  let browser: Browser;
  let drink: { id: string; name: string };

  beforeAll(async () => {
    if (process.env.SCREENSHOTS === '1') await fs.mkdir(SCREENSHOTS, { recursive: true });
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20' });
    browser = await launchBrowser();
    drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
    // Tonight so far: three of this drink made in 2 minutes each (each start moved back in the
    // database: a test cannot wait for them), so an order is expected to take 2 minutes.
    const earlier = await createGuestDirect(server.instance, 'Earlier');
    for (let i = 0; i < 3; i++) {
      const id = randomUUID();
      await api(server, 'POST', '/api/orders', { token: earlier.access_token, body: { id, drink_id: drink.id } });
      await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'preparing' });
      await server.instance.db.query("UPDATE orders SET preparing_at = now() - interval '120 seconds' WHERE id = $1", [id]);
      for (const status of ['ready', 'served']) await server.admin('PATCH', `/api/admin/orders/${id}`, { status });
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** Someone else's order, placed before ours: it is ahead in line. */
  async function orderAhead(name: string): Promise<string> {
    const other = await createGuestDirect(server.instance, name);
    const id = randomUUID();
    expect((await api(server, 'POST', '/api/orders', { token: other.access_token, body: { id, drink_id: drink.id } })).status).toBe(201);
    return id;
  }
  const place = (page: Page, id: string) => page.locator(`[data-order-id="${id}"] [data-queue-position]`);

  it('shows "2nd in line · about 4 min" and moves up live when the order ahead is made', async () => {
    const ahead = await orderAhead('Bea');
    const guest = await GuestPage.open(await phoneContext(browser), server.url);
    await guest.join(await server.newJoinUrl(), 'Ada');
    await guest.waitForConnection('live');
    const mine = await guest.order(drink.name);
    await expect.poll(() => place(guest.page, mine).textContent(), { timeout: 10_000 }).toBe('2nd in line · about 4 min');
    expect(await place(guest.page, mine).getAttribute('data-queue-position')).toBe('2');
    expect(await seriousViolations(guest.page)).toEqual([]);
    if (process.env.SCREENSHOTS === '1') await guest.page.screenshot({ path: path.join(SCREENSHOTS, 'guest-place-in-line.png') });

    // The bar makes the order ahead: the phone hears the line move, no reload.
    await server.admin('PATCH', `/api/admin/orders/${ahead}`, { status: 'preparing' });
    await server.admin('PATCH', `/api/admin/orders/${ahead}`, { status: 'ready' });
    await expect.poll(() => place(guest.page, mine).getAttribute('data-queue-position'), { timeout: 5_000 }).toBe('1');
    expect(await place(guest.page, mine).textContent()).toBe('Next in line · about 2 min');
    // Once ready, the order leaves the line and the place goes.
    await server.admin('PATCH', `/api/admin/orders/${mine}`, { status: 'ready' });
    await guest.waitForStatus(mine, 'ready', 5_000);
    expect(await place(guest.page, mine).count()).toBe(0);
    await guest.page.context().close();
  }, 60_000);

  it('after a drop, the phone asks for the line again: a move it missed shows once it is back, without a reload', async () => {
    const ahead = await orderAhead('Dan');
    const guest = await GuestPage.open(await phoneContext(browser), server.url);
    await guest.join(await server.newJoinUrl(), 'Eve');
    await guest.waitForConnection('live');
    const mine = await guest.order(drink.name);
    await expect.poll(() => place(guest.page, mine).getAttribute('data-queue-position'), { timeout: 10_000 }).toBe('2');

    // The bar's server drops off the LAN; the order ahead is made meanwhile (no event reaches
    // the phone, and nothing about its own order changed for a catch-up to bring).
    await server.down();
    await guest.waitForConnection('offline');
    expect((await server.adminWhileDown('PATCH', `/api/admin/orders/${ahead}`, { status: 'ready' })).status).toBe(200);
    await server.up();
    await guest.waitForConnection('live', 30_000);
    await expect.poll(() => place(guest.page, mine).getAttribute('data-queue-position'), { timeout: 15_000 }).toBe('1');
    await server.admin('PATCH', `/api/admin/orders/${mine}`, { status: 'cancelled' });
    await guest.page.context().close();
  }, 90_000);

  it('speaks French: "2e dans la file · environ 4 min"', async () => {
    const ahead = await orderAhead('Chloé');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'fr-FR', serviceWorkers: 'allow', hasTouch: true });
    const page = await context.newPage();
    await page.goto(await server.newJoinUrl());
    await page.getByLabel('Votre nom').fill('Léa');
    await page.getByRole('button', { name: 'Entrer' }).click();
    await page.getByRole('button', { name: `Commander ${drink.name}`, exact: true }).first().click();
    await page.getByRole('button', { name: 'Passer la commande' }).click();
    const line = page.locator('[data-queue-position]');
    await expect.poll(() => line.textContent(), { timeout: 10_000 }).toBe('2e dans la file · environ 4 min');
    await server.admin('PATCH', `/api/admin/orders/${ahead}`, { status: 'cancelled' });
    await expect.poll(() => line.textContent(), { timeout: 5_000 }).toBe('Prochaine dans la file · environ 2 min');
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: path.join(SCREENSHOTS, 'guest-fr-place-in-line.png') });
    await context.close();
  }, 60_000);
});
