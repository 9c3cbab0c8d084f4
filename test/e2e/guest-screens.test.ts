import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { AXE_SOURCE, SCREENSHOTS, giveImage, menuDrinks } from './support/guest-fixtures.ts';

/**
 * Every guest screen passes axe (no serious or critical violation) at 360×740, and each is
 * photographed for the docs on the way.
 */
describe.skipIf(!browserAvailable())('guest screens', () => {
  let server: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let guest: GuestPage;
  let drinks: { id: string; name: string }[];

  async function check(name: string): Promise<void> {
    // SCREENSHOTS=1 refreshes the pictures in docs/; a plain test run leaves the tree as it is.
    if (process.env.SCREENSHOTS === '1') await guest.page.screenshot({ path: path.join(SCREENSHOTS, `guest-${name}.png`) });
    expect(await guest.axeViolations(AXE_SOURCE), `axe on ${name}`).toEqual([]);
  }

  beforeAll(async () => {
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '1' });
    drinks = await menuDrinks(server);
    for (const [index, colour] of ['#d9822b', '#3aa17e', '#c2417a'].entries()) await giveImage(server, drinks[index]!.id, colour);
    browser = await launchBrowser();
    context = await phoneContext(browser);
    guest = await GuestPage.open(context, server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('join, and a wrong code in clear words', async () => {
    await guest.page.goto(`${server.url}/join?code=not-a-real-code`);
    await guest.page.getByLabel('Your name').fill('Sam');
    await guest.page.getByRole('button', { name: 'Join' }).click();
    const alert = guest.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/invite code does not work/);
    await check('join-error');
    await guest.page.goto(`${server.url}/join`);
    await guest.page.getByRole('alert').waitFor();
    await guest.join(await server.newJoinUrl(), 'Sam');
  });

  it('menu, search, drink detail and the order sheet', async () => {
    await guest.page.locator('img').first().evaluate((img: HTMLImageElement) => img.decode().catch(() => undefined));
    await check('menu');
    await guest.page.getByLabel('Search drinks or ingredients').fill(drinks[1]!.name.slice(0, 4));
    expect(await guest.drink(drinks[1]!.name).count()).toBe(1);
    await guest.page.getByLabel('Search drinks or ingredients').fill('');
    await guest.drink(drinks[0]!.name).getByRole('link').click();
    await guest.page.getByRole('heading', { level: 1, name: drinks[0]!.name }).waitFor();
    await check('drink');
    await guest.page.getByRole('button', { name: `Order ${drinks[0]!.name}` }).click();
    await guest.page.getByLabel('Note').fill('extra lime');
    await check('order-sheet');
    await guest.page.getByRole('button', { name: 'Place order' }).click();
    await guest.orders().first().waitFor();
  });

  it('my orders: pending with Notify me, and a refused order with its reason', async () => {
    const first = (await guest.orderIds())[0]!;
    await guest.waitForStatus(first, 'pending');
    await guest.page.getByRole('button', { name: 'Notify me' }).waitFor();
    // MAX_ACTIVE_ORDERS is 1: the second order is refused and shown as failed.
    const second = await guest.order(drinks[1]!.name);
    await guest.waitForStatus(second, 'failed');
    expect(await guest.order$(second).textContent()).toMatch(/most open orders/);
    await check('orders');
  });

  it('offline: saved orders, honest connection state', async () => {
    // Each order the phone shows, with its status.
    const shown = async () => new Map(await Promise.all((await guest.orderIds()).map(async (id) => [id, await guest.order$(id).getAttribute('data-status')] as const)));
    const before = await shown();
    expect([...before.values()].sort()).toEqual(['failed', 'pending']);
    const pending = [...before].find(([, status]) => status === 'pending')![0];
    const refused = [...before].find(([, status]) => status === 'failed')![0];
    await server.down();
    await guest.waitForConnection('offline');
    expect(await guest.connection().textContent()).toMatch(/Offline/);
    // A reload with the laptop gone: the orders come from the phone, as they were.
    await guest.page.reload();
    await guest.orders().first().waitFor();
    await guest.waitForConnection('offline');
    expect(await shown()).toEqual(before);
    expect(await guest.order$(pending).textContent()).toContain(drinks[0]!.name);
    expect(await guest.order$(refused).textContent()).toMatch(/most open orders/);
    await check('offline');
    await server.up();
  });
});
