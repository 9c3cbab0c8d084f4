import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { menuDrinks, until } from './support/guest-fixtures.ts';

/**
 * Live status through the Amplify Events client. The phone reaches the server through a TCP
 * proxy the test can cut (a Wi-Fi drop: requests and the WebSocket fail), while the host
 * keeps talking to the server directly.
 */
describe.skipIf(!browserAvailable())('guest app live', () => {
  let server: E2eServer;
  let proxy: TcpProxy;
  let browser: Browser;
  let context: BrowserContext;
  let guest: GuestPage;
  let drinks: { id: string; name: string }[];
  let phoneUrl: string;

  beforeAll(async () => {
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20' });
    drinks = await menuDrinks(server);
    proxy = new TcpProxy('127.0.0.1', Number(new URL(server.url).port));
    // localhost (not 127.0.0.1) so the page is a secure context with a worker, as on HTTPS.
    phoneUrl = `http://localhost:${await proxy.start()}`;
    browser = await launchBrowser();
    context = await phoneContext(browser);
    await context.grantPermissions(['notifications'], { origin: phoneUrl });
    guest = await GuestPage.open(context, phoneUrl);
    const joinUrl = new URL(await server.newJoinUrl());
    await guest.join(`${phoneUrl}${joinUrl.pathname}${joinUrl.search}`, 'Live Lou');
    await guest.waitForServiceWorker();
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await server?.dispose();
  });

  it('shows a status the host sets within a second, and a notification when the drink is ready', async () => {
    const id = await guest.order(drinks[0]!.name, 'no ice');
    await guest.waitForStatus(id, 'pending');
    await guest.waitForConnection('live');

    expect((await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'preparing' })).status).toBe(200);
    await guest.waitForStatus(id, 'preparing', 1_000);
    expect((await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'ready' })).status).toBe(200);
    await guest.waitForStatus(id, 'ready', 1_000);

    await guest.page.getByRole('alert').waitFor();
    expect(await guest.page.getByRole('alert').textContent()).toContain(drinks[0]!.name);
    const shown = await until(async () => (await guest.notifications()).find((n) => n.tag === id), 'the ready notification');
    expect(shown.title).toContain(drinks[0]!.name);
  });

  it('a change made while the phone was cut off is shown after reconnecting, without a reload', async () => {
    const id = await guest.order(drinks[1]!.name);
    await guest.waitForStatus(id, 'pending');
    await guest.waitForConnection('live');
    await guest.page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    proxy.cut();
    await guest.waitForConnection('offline');
    expect((await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'preparing' })).status).toBe(200);
    expect((await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'ready' })).status).toBe(200);
    expect(await guest.order$(id).getAttribute('data-status')).toBe('pending');

    proxy.restore();
    await guest.waitForStatus(id, 'ready', 30_000);
    await guest.waitForConnection('live', 30_000);
    // The same document: caught up, not reloaded.
    expect(await guest.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  it('a drink the host switches off leaves the open menu without a reload', async () => {
    const drink = drinks[4]!;
    await guest.gotoMenu();
    await guest.waitForConnection('live');
    await guest.drink(drink.name).waitFor();
    expect((await server.admin('PUT', `/api/admin/drinks/${drink.id}`, { is_active: false })).status).toBe(200);
    await guest.drink(drink.name).waitFor({ state: 'detached', timeout: 5_000 });
    expect((await server.admin('PUT', `/api/admin/drinks/${drink.id}`, { is_active: true })).status).toBe(200);
    await guest.drink(drink.name).waitFor({ timeout: 5_000 });
  });

  it('cancelling a pending order reaches the server', async () => {
    const id = await guest.order(drinks[2]!.name);
    await guest.waitForStatus(id, 'pending');
    await guest.order$(id).getByRole('button', { name: 'Cancel order' }).click();
    await guest.waitForStatus(id, 'cancelled');
    const res = await server.admin('GET', '/api/admin/orders?status=cancelled');
    expect(res.body.orders.map((o: { id: string }) => o.id)).toContain(id);
  });
});
