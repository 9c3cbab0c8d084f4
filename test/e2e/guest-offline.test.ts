import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { giveImage, menuDrinks, until } from './support/guest-fixtures.ts';

/**
 * Orders survive a LAN drop: the server is really stopped (so neither the page nor the service
 * worker reaches it), and brought back on the same port and database.
 */
describe.skipIf(!browserAvailable())('guest app offline', () => {
  let server: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let guest: GuestPage;
  let drinks: { id: string; name: string }[];
  let imageUrl: string;

  beforeAll(async () => {
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20' });
    drinks = await menuDrinks(server);
    imageUrl = await giveImage(server, drinks[0]!.id);
    browser = await launchBrowser();
    context = await phoneContext(browser);
    guest = await GuestPage.open(context, server.url);
    await guest.join(await server.newJoinUrl(), 'Offline Olivia');
    await guest.waitForServiceWorker();
    // The first visit filled the caches; make sure the image is in the worker's cache.
    await until(() => guest.page.evaluate(async (url) => Boolean(await (await caches.open('barback-images')).match(url)), imageUrl), 'the image cached');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** Fires the worker's Background Sync for the outbox, as Chromium does when the network returns. */
  async function wakeWorkerForOutbox(page: Page): Promise<void> {
    const cdp = await context.newCDPSession(page);
    const registrationId = await new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const found = registrations.find((r: { scopeURL: string; isDeleted: boolean }) => r.scopeURL.startsWith(server.url) && !r.isDeleted);
        if (found) resolve(found.registrationId);
      });
      void cdp.send('ServiceWorker.enable');
    });
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: server.url, registrationId, tag: 'outbox', lastChance: false });
  }

  it('three orders placed with the server down are kept across a reload and reach the server exactly once when it returns', async () => {
    await server.down();
    const ids = [];
    for (const drink of drinks.slice(0, 3)) ids.push(await guest.order(drink.name));
    await guest.waitForConnection('offline');
    expect(await guest.statuses()).toEqual(['queued', 'queued', 'queued']);

    await guest.page.reload();
    await guest.orders().first().waitFor();
    expect((await guest.orderIds()).sort()).toEqual([...ids].sort());
    expect(await guest.statuses()).toEqual(['queued', 'queued', 'queued']);
    await guest.gotoMenu();
    expect(await guest.drinks().count()).toBe(drinks.length);
    const image = guest.drink(drinks[0]!.name).locator('img');
    await until(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the image shown offline');

    await server.up();
    await guest.gotoOrders();
    for (const id of ids) await guest.waitForStatus(id, 'pending', 30_000);
    expect(await server.countOrders()).toBe(3);
    const { rows } = await server.instance.db.query<{ id: string }>('SELECT id FROM orders ORDER BY id');
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
  });

  it('closing the page in the middle of draining still creates each order exactly once', async () => {
    await server.down();
    const ids = [];
    for (const drink of drinks.slice(0, 3)) ids.push(await guest.order(drink.name));
    await guest.page.close();
    await server.up();
    const before = await server.countOrders();

    // The network lets this page's first order through and stalls the second, so the page is
    // closed with its drain certainly unfinished (one order sent, one in flight, one waiting).
    guest = await GuestPage.open(context, server.url);
    let posts = 0;
    let stalled: () => void = () => undefined;
    const secondInFlight = new Promise<void>((resolve) => (stalled = resolve));
    await guest.page.route(
      (url) => url.pathname === '/api/orders',
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        posts += 1;
        if (posts === 1) return route.continue();
        stalled();
      },
    );
    await guest.page.goto(`${server.url}/orders`);
    await secondInFlight;
    expect(await server.countOrders()).toBe(before + 1);
    await guest.page.close();
    expect(posts).toBe(2);

    guest = await GuestPage.open(context, server.url);
    await guest.page.goto(`${server.url}/orders`);
    for (const id of ids) await guest.waitForStatus(id, 'pending', 30_000);
    const { rows } = await server.instance.db.query<{ n: string }>('SELECT count(*)::text AS n FROM orders WHERE id = ANY($1::uuid[])', [ids]);
    expect(Number(rows[0]!.n)).toBe(3);
    expect(await server.countOrders()).toBe(6);
  });

  it('the service worker sends the outbox on Background Sync with no app page open', async () => {
    await server.down();
    const id = await guest.order(drinks[2]!.name);
    await guest.page.close();
    await server.up();
    const before = await server.countOrders();

    // A page of the origin that runs no app code, only to reach the worker through DevTools.
    const bystander = await context.newPage();
    await bystander.goto(`${server.url}/api/health`);
    await wakeWorkerForOutbox(bystander);
    await until(async () => (await server.countOrders()) === before + 1, 'the worker to send the order');
    const { rows } = await server.instance.db.query<{ id: string }>('SELECT id FROM orders WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
    await bystander.close();
    guest = await GuestPage.open(context, server.url);
    await guest.page.goto(`${server.url}/orders`);
    await guest.waitForStatus(id, 'pending');
  });

  it('the page and its service worker drain the outbox one at a time: they share one Web Lock', async () => {
    await server.down();
    const ids = [await guest.order(drinks[0]!.name), await guest.order(drinks[1]!.name)];
    // The page takes the outbox lock (as its own drain does) and keeps it.
    await guest.page.evaluate(
      () =>
        new Promise<void>((taken) => {
          void navigator.locks.request('barback-outbox', () => {
            taken();
            return new Promise<void>((release) => Object.assign(window, { releaseOutbox: release }));
          });
        }),
    );
    await server.up();
    const before = await server.countOrders();
    await wakeWorkerForOutbox(guest.page);

    // The worker's drain now waits for the lock the page holds: a request from another client.
    const locks = await until(async () => {
      const state = await guest.page.evaluate(() => navigator.locks.query());
      const held = state.held?.find((lock) => lock.name === 'barback-outbox');
      const waiting = state.pending?.filter((lock) => lock.name === 'barback-outbox' && lock.clientId !== held?.clientId) ?? [];
      return held && waiting.length > 0 ? { held, waiting } : undefined;
    }, 'the worker to wait for the outbox lock');
    expect(locks.waiting.length).toBeGreaterThan(0);
    // Generously long for a worker that did not wait to have sent both orders.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await server.countOrders()).toBe(before);

    await guest.page.evaluate(() => (window as unknown as { releaseOutbox: () => void }).releaseOutbox());
    await until(async () => (await server.countOrders()) === before + 2, 'the outbox to be sent once the lock is free');
    const { rows } = await server.instance.db.query<{ id: string }>('SELECT id FROM orders WHERE id = ANY($1::uuid[])', [ids]);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const id of ids) await guest.waitForStatus(id, 'pending');
  });

  it('a queued order whose drink was switched off meanwhile ends as failed, with the reason shown', async () => {
    const drink = drinks[3]!;
    const before = await server.countOrders();
    await server.down();
    const id = await guest.order(drink.name);
    await guest.waitForStatus(id, 'queued');
    // The host switches the drink off before the phone gets through.
    expect((await server.adminWhileDown('PUT', `/api/admin/drinks/${drink.id}`, { is_active: false })).status).toBe(200);
    await server.up();
    await guest.waitForStatus(id, 'failed', 30_000);
    await expect(guest.order$(id).textContent()).resolves.toMatch(/switched off/);
    expect(await server.countOrders()).toBe(before);
  });
});
