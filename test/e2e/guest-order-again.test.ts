import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { AXE_SOURCE, SCREENSHOTS, menuDrinks } from './support/guest-fixtures.ts';

/** "Order again" on a served order and "Your usual" on the menu: one tap, through the outbox. */
describe.skipIf(!browserAvailable())('ordering again', () => {
  let server: E2eServer;
  let browser: Browser;
  let guest: GuestPage;
  let drinks: { id: string; name: string }[];

  async function check(name: string): Promise<void> {
    if (process.env.SCREENSHOTS === '1') await guest.page.screenshot({ path: path.join(SCREENSHOTS, `guest-${name}.png`) });
    expect(await guest.axeViolations(AXE_SOURCE), `axe on ${name}`).toEqual([]);
  }
  const serverOrder = async (id: string) =>
    (await server.instance.db.query<{ drink_id: string; notes: string | null }>('SELECT drink_id, notes FROM orders WHERE id = $1', [id])).rows;
  const serve = async (id: string) => expect((await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'served' })).status).toBe(200);

  beforeAll(async () => {
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20' });
    drinks = await menuDrinks(server);
    browser = await launchBrowser();
    guest = await GuestPage.open(await phoneContext(browser), server.url);
    await guest.join(await server.newJoinUrl(), 'Regular Rae');
    await guest.waitForServiceWorker();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a served order has "Order again": one tap places the same drink with the same note', async () => {
    const first = await guest.order(drinks[0]!.name, 'extra lime');
    await guest.waitForStatus(first, 'pending');
    expect(await guest.order$(first).getByRole('button', { name: 'Order again' }).count()).toBe(0);
    await serve(first);
    await guest.waitForStatus(first, 'served');
    await check('order-again');

    const again = await guest.newOrder(() => guest.order$(first).getByRole('button', { name: 'Order again' }).click());
    await guest.waitForStatus(again, 'pending');
    expect(await serverOrder(again)).toEqual([{ drink_id: drinks[0]!.id, notes: 'extra lime' }]);
  });

  it('the menu shows "Your usual" once a drink was ordered twice, and it orders that drink in one tap', async () => {
    await guest.gotoMenu();
    const usual = guest.page.locator('[data-usual-drink-id]');
    await usual.waitFor();
    expect(await usual.getAttribute('data-usual-drink-id')).toBe(drinks[0]!.id);
    // The usual is not a second menu entry: the menu still lists each drink once.
    expect(await guest.drinks().count()).toBe(drinks.length);
    await check('usual');

    const before = await server.countOrders();
    await guest.page.getByRole('button', { name: `Order your usual: ${drinks[0]!.name}` }).click();
    await guest.page.waitForURL(/\/orders/);
    await expect.poll(() => server.countOrders(), { timeout: 15_000 }).toBe(before + 1);
    const { rows } = await server.instance.db.query<{ notes: string | null; drink_id: string }>('SELECT drink_id, notes FROM orders ORDER BY created_at DESC LIMIT 1');
    expect(rows[0]).toEqual({ drink_id: drinks[0]!.id, notes: 'extra lime' });
  });

  it('with the server stopped, "Order again" waits on the phone and is sent exactly once when it returns', async () => {
    const served = (await guest.orderIds())[0]!;
    await serve(served);
    await guest.waitForStatus(served, 'served');
    await server.down();
    const again = await guest.newOrder(() => guest.order$(served).getByRole('button', { name: 'Order again' }).click());
    await guest.waitForStatus(again, 'queued');
    await server.up();
    await guest.waitForStatus(again, 'pending', 30_000);
    expect(await serverOrder(again)).toHaveLength(1);
  });
});
