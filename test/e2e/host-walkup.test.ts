import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from '../support/server.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';
import { overflowingElements } from './support/overflow.ts';

const shots = process.env.SCREENSHOTS === '1';

/** The walk-up sheet through its hooks (shared/UI.md): "Walk-up order", the drink, "Name", "Place order". */
async function takeWalkup(page: Page, order: { drink: string; name: string; note?: string; options?: Record<string, string> }, before?: () => Promise<void>) {
  await page.getByRole('button', { name: 'Walk-up order' }).click();
  const sheet = page.getByRole('dialog', { name: 'Walk-up order' });
  await sheet.getByRole('radiogroup', { name: 'Drink' }).getByRole('radio', { name: order.drink, exact: true }).check();
  for (const [group, choice] of Object.entries(order.options ?? {})) {
    await sheet.getByRole('radiogroup', { name: group }).getByRole('radio', { name: choice, exact: true }).check();
  }
  await sheet.getByLabel('Name').fill(order.name);
  if (order.note) await sheet.getByLabel('Note').fill(order.note);
  await before?.();
  await sheet.getByRole('button', { name: 'Place order' }).click();
  return sheet;
}

/** The id of the open card for this name (a walk-up is found by the name it was taken under). */
async function cardOf(page: Page, name: string): Promise<string> {
  const card = page.locator('.board [data-order-id]').filter({ has: page.locator('.guest', { hasText: name }) });
  await card.waitFor();
  return (await card.getAttribute('data-order-id')) as string;
}

/**
 * Walk-ups on the built app: the host (or a bartender on a phone) takes an order for someone
 * without one, and it goes through the same queue as a guest's.
 */
describe.skipIf(!browserAvailable())('walk-up orders on the board', () => {
  let server: TestServer;
  let browser: Browser;
  let host: HostPage;
  let admin: string;

  beforeAll(async () => {
    if (shots) await fs.mkdir('docs/screenshots', { recursive: true });
    server = await startHostTestServer();
    browser = await launchBrowser();
    host = new HostPage(await (await phoneContext(browser, { width: 1024, height: 768 })).newPage(), server.url);
    await host.setup(server.setupToken as string, HOST.email, HOST.password);
    admin = (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token as string;
    const negroni = ((await api(server, 'GET', '/api/drinks')).body.drinks as { id: string; name: string }[]).find((drink) => drink.name === 'Negroni')!;
    const options = [{ name: 'Size', required: true, choices: [{ name: 'Single' }, { name: 'Double' }] }];
    expect((await api(server, 'PUT', `/api/admin/drinks/${negroni.id}`, { token: admin, body: { options } })).status).toBe(200);
    await host.page.reload();
    await host.waitLive();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the host taps "Walk-up order", picks drink, option and name; the order joins the queue and is tapped through to served', async () => {
    await host.page.getByRole('button', { name: 'Walk-up order' }).click();
    const sheet = host.page.getByRole('dialog', { name: 'Walk-up order' });
    await sheet.getByRole('radio', { name: 'Negroni', exact: true }).waitFor();
    await sheet.getByRole('button', { name: 'Close' }).click();

    const sheetOpen = await takeWalkup(host.page, { drink: 'Negroni', name: 'Jo', note: 'by the door', options: { Size: 'Double' } }, async () => {
      expect(await seriousViolations(host.page)).toEqual([]);
      await sheet.evaluate((dialog) => dialog.scrollTo(0, 0));
      if (shots) await host.page.screenshot({ path: 'docs/screenshots/host-walkup.png' });
    });
    await sheetOpen.waitFor({ state: 'hidden' });
    const id = await cardOf(host.page, 'Jo');
    const card = host.card(id);
    expect(await card.getAttribute('data-status')).toBe('pending');
    const text = await card.textContent();
    for (const part of ['Negroni', 'Walk-up', 'Size: Double', 'by the door']) expect(text).toContain(part);
    const listed = (await api(server, 'GET', '/api/admin/orders?status=pending', { token: admin })).body.orders.find((o: { id: string }) => o.id === id);
    expect(listed).toMatchObject({ user_key: null, username: 'Jo', drink_name: 'Negroni', notes: 'by the door' });

    await host.mark(id, 'preparing');
    await host.page.locator(`.board [data-order-id="${id}"][data-status="preparing"]`).waitFor();
    await host.mark(id, 'ready');
    await host.page.locator(`.board [data-order-id="${id}"][data-status="ready"]`).waitFor();
    // Nobody's phone to ring: "Call again" still counts (the bar calls the name out).
    await card.getByRole('button', { name: 'Call again' }).click();
    await card.locator('[data-calls="1"]').waitFor();
    expect(await seriousViolations(host.page)).toEqual([]);
    if (shots) await host.page.screenshot({ path: 'docs/screenshots/host-board-walkup.png' });
    await host.mark(id, 'served');
    await card.waitFor({ state: 'detached' });
    expect((await api(server, 'GET', '/api/admin/orders', { token: admin })).body.orders.find((o: { id: string }) => o.id === id).status).toBe('served');
  });

  it('says why a walk-up is refused and keeps the sheet: a missing name, the bar closed', async () => {
    await host.page.getByRole('button', { name: 'Walk-up order' }).click();
    const sheet = host.page.getByRole('dialog', { name: 'Walk-up order' });
    await sheet.getByRole('radio', { name: 'Margarita', exact: true }).check();
    await sheet.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => sheet.getByRole('alert').textContent()).toContain('Enter the name');
    await sheet.getByRole('button', { name: 'Close' }).click();

    expect((await api(server, 'PUT', '/api/admin/bar', { token: admin, body: { status: 'closed' } })).status).toBe(200);
    try {
      const refused = await takeWalkup(host.page, { drink: 'Margarita', name: 'Late' });
      await expect.poll(() => refused.getByRole('alert').textContent()).toContain('The bar is closed');
      expect(await seriousViolations(host.page)).toEqual([]);
      await refused.getByRole('button', { name: 'Close' }).click();
    } finally {
      await api(server, 'PUT', '/api/admin/bar', { token: admin, body: { status: 'open' } });
    }
    expect((await api(server, 'GET', '/api/admin/orders', { token: admin })).body.orders.some((o: { username: string }) => o.username === 'Late')).toBe(false);
  });

  it('an answer lost on the way back: tapping "Place order" again is the same order, not a second one', async () => {
    let lost = 0;
    // The request reaches the server (the order is taken), its answer never reaches the tablet.
    await host.page.route('**/api/admin/orders', async (route) => {
      if (route.request().method() !== 'POST' || lost > 0) return route.fallback();
      lost += 1;
      await route.fetch();
      await route.abort('connectionreset');
    });
    try {
      const sheet = await takeWalkup(host.page, { drink: 'Margarita', name: 'Twice' });
      await expect.poll(() => sheet.getByRole('alert').textContent()).toContain('could not be reached');
      await sheet.getByRole('button', { name: 'Place order' }).click();
      await sheet.waitFor({ state: 'hidden' });
    } finally {
      await host.page.unroute('**/api/admin/orders');
    }
    expect(lost).toBe(1);
    const taken = (await api(server, 'GET', '/api/admin/orders', { token: admin })).body.orders.filter((o: { username: string }) => o.username === 'Twice');
    expect(taken).toHaveLength(1);
    await cardOf(host.page, 'Twice');
  });

  it('a bartender on a 360 px phone takes one with one hand; the host’s board hears it live', async () => {
    const made = (await api(server, 'POST', '/api/admin/staff-passes', { token: admin, body: { expires_in_hours: 2 } })).body;
    const phone = await (await phoneContext(browser)).newPage();
    await phone.goto(made.join_url as string);
    await phone.getByLabel('Your name').fill('Robin');
    await phone.getByRole('button', { name: 'Join' }).click();
    const bartender = new HostPage(phone, server.url);
    await bartender.waitLive();

    const sheet = await takeWalkup(phone, { drink: 'Margarita', name: 'Kim' }, async () => {
      expect(await overflowingElements(phone)).toEqual([]);
      expect(await seriousViolations(phone)).toEqual([]);
      // One hand: "Place order" is on screen with the sheet scrolled to its top, above the thumb.
      await phone.getByRole('dialog').evaluate((dialog) => dialog.scrollTo(0, 0));
      const place = await phone.getByRole('button', { name: 'Place order' }).boundingBox();
      expect(place!.y + place!.height).toBeLessThanOrEqual(740);
      expect(place!.height).toBeGreaterThanOrEqual(48);
      if (shots) await phone.screenshot({ path: 'docs/screenshots/staff-walkup.png' });
    });
    await sheet.waitFor({ state: 'hidden' });
    const id = await cardOf(phone, 'Kim');
    await host.card(id).waitFor();
    expect(await host.card(id).textContent()).toContain('Walk-up');
    await bartender.mark(id, 'preparing');
    await host.page.locator(`.board [data-order-id="${id}"][data-status="preparing"]`).waitFor();
    expect(await host.card(id).textContent()).toContain('by Robin');
  });
});
