import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { AXE_SOURCE, SCREENSHOTS, menuDrinks } from './support/guest-fixtures.ts';
import { installedAppContext, openInstalledApp } from './support/installed-app.ts';

/**
 * The guest joined in the browser, then installed the app, which opens signed out (an
 * iPhone's Home Screen app does not share Safari's storage). A transfer code from the browser
 * brings the same guest, and their orders, into the app: no invite spent, no second guest.
 */
describe.skipIf(!browserAvailable())('carrying the session into the installed app', () => {
  let server: E2eServer;
  let browser: Browser;
  let tab: GuestPage;
  let installed: BrowserContext;
  let app: GuestPage;
  let drinks: { id: string; name: string }[];
  let orderId: string;
  let code: string;

  async function check(page: GuestPage, name: string): Promise<void> {
    if (process.env.SCREENSHOTS === '1') await page.page.screenshot({ path: path.join(SCREENSHOTS, `guest-${name}.png`) });
    expect(await page.axeViolations(AXE_SOURCE), `axe on ${name}`).toEqual([]);
  }

  beforeAll(async () => {
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20' });
    drinks = await menuDrinks(server);
    browser = await launchBrowser();
    tab = await GuestPage.open(await phoneContext(browser), server.url);
    await tab.join(await server.newJoinUrl(), 'Tess');
    orderId = await tab.order(drinks[0]!.name, 'no ice');
    await tab.waitForStatus(orderId, 'pending');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('in the browser, after the first order, "Install the app" shows a 6-digit transfer code', async () => {
    await tab.page.getByRole('button', { name: 'Install the app' }).click();
    const shown = tab.page.locator('[data-transfer-code]');
    await shown.waitFor();
    code = (await shown.getAttribute('data-transfer-code'))!;
    expect(code).toMatch(/^\d{6}$/);
    expect((await shown.textContent())!.replace(/\s/g, '')).toBe(code);
    await shown.scrollIntoViewIfNeeded();
    await check(tab, 'install-code');
  });

  it('the installed app, opened with no session, takes the code and shows the same guest’s orders, live', async () => {
    const usersBefore = await server.instance.db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_users');
    installed = await installedAppContext(browser);
    app = new GuestPage(await openInstalledApp(installed, `${server.url}/menu`), server.url);
    expect(await app.page.evaluate(() => matchMedia('(display-mode: standalone)').matches)).toBe(true);
    await app.page.getByLabel('Transfer code').waitFor();
    await app.page.getByLabel('Transfer code').fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    await check(app, 'transfer-enter');
    await app.page.getByRole('button', { name: 'Continue' }).click();

    await app.waitForStatus(orderId, 'pending');
    await expect(app.order$(orderId).textContent()).resolves.toContain('no ice');
    expect(await app.orderIds()).toEqual([orderId]);
    // The same guest: no new one was made, and no invite was spent.
    expect((await server.instance.db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_users')).rows[0]!.n).toBe(usersBefore.rows[0]!.n);
    // The installed app offers no installing.
    expect(await app.page.getByRole('button', { name: 'Install the app' }).count()).toBe(0);

    // Live in both: the bartender's change reaches the app and the browser tab.
    await app.waitForConnection('live');
    expect((await server.admin('PATCH', `/api/admin/orders/${orderId}`, { status: 'preparing' })).status).toBe(200);
    await app.waitForStatus(orderId, 'preparing');
    await tab.waitForStatus(orderId, 'preparing');
    // An order placed in the app is the same guest's in the browser.
    const fromApp = await app.order(drinks[1]!.name);
    await app.waitForStatus(fromApp, 'pending');
    await tab.page.reload();
    await tab.waitForStatus(fromApp, 'pending');
  });

  it('the code works once: a third phone typing it is told it does not work, and stays signed out', async () => {
    const other = new GuestPage(await openInstalledApp(await installedAppContext(browser), `${server.url}/menu`), server.url);
    await other.page.getByLabel('Transfer code').fill(code);
    await other.page.getByRole('button', { name: 'Continue' }).click();
    await other.page.getByRole('alert').filter({ hasText: 'does not work' }).waitFor();
    expect(await other.orders().count()).toBe(0);
    await check(other, 'transfer-wrong');
    await other.page.context().close();
  });

  it('the join page (invite link) offers the transfer code too', async () => {
    const fresh = await GuestPage.open(await phoneContext(browser), server.url);
    await fresh.page.goto(await server.newJoinUrl());
    await fresh.page.getByLabel('Your name').waitFor();
    await fresh.page.getByLabel('Transfer code').waitFor();
    await fresh.page.getByRole('button', { name: 'Continue' }).waitFor();
    await fresh.page.context().close();
  });
});
