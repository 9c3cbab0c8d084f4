import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { menuDrinks } from './support/guest-fixtures.ts';
import { HostPage } from './support/host-page.ts';
import { TEST_ADMIN } from '../support/server.ts';

/**
 * The host dashboard is its own chunk and stays away from guests: a guest's phone neither
 * downloads it nor has its service worker precache it, while the guest app itself is precached,
 * the chunks it loads after the menu's first paint included.
 * The host's own browser keeps it once loaded, so the dashboard still opens offline there.
 */
describe.skipIf(!browserAvailable())('what a guest phone downloads and keeps', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await E2eServer.start();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('the host dashboard chunk is neither loaded by the guest page nor precached by its service worker', async () => {
    const context = await phoneContext(browser);
    const requested: string[] = [];
    context.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const guest = await GuestPage.open(context, server.url);
    await guest.join(await server.newJoinUrl(), 'Precache Pat');
    await guest.waitForServiceWorker();

    const cached = await guest.page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    // The check is not empty: the guest app's own entry script is there.
    expect(cached.some((url) => /^\/assets\/index-.+\.js$/.test(url))).toBe(true);
    expect(cached.filter((url) => url.startsWith('/assets/admin-'))).toEqual([]);
    expect(requested.filter((url) => url.startsWith('/assets/admin-'))).toEqual([]);
    await context.close();
  });

  it('with the server gone, a fresh page shows the menu and opens the screens whose code loads on first use', async () => {
    const context = await phoneContext(browser);
    const guest = await GuestPage.open(context, server.url);
    const [drink] = await menuDrinks(server);
    await guest.join(await server.newJoinUrl(), 'Offline Olga');
    await guest.waitForServiceWorker();
    const failed: string[] = [];
    context.on('requestfailed', (request) => {
      if (new URL(request.url()).pathname.startsWith('/assets/')) failed.push(request.url());
    });
    await server.down();
    try {
      // A new document: none of the lazily loaded chunks is in its module map, so each comes
      // from the worker's precache or not at all.
      await guest.page.reload();
      await guest.drinks().first().waitFor({ timeout: 15_000 });
      await guest.page.getByRole('button', { name: 'What should I drink?' }).click();
      await guest.page.getByRole('heading', { name: 'Alcohol or not?' }).waitFor({ timeout: 15_000 });
      await guest.gotoOrders();
      await guest.page.getByRole('heading', { name: 'My orders' }).waitFor({ timeout: 15_000 });
      await guest.gotoMenu();
      const id = await guest.order(drink!.name);
      await guest.page.locator(`[data-order-id="${id}"][data-status="queued"]`).waitFor();
      expect(failed).toEqual([]);
    } finally {
      await server.up();
      await context.close();
    }
  });

  it('a screen whose code cannot be loaded says so and offers a reload; the rest of the app stays', async () => {
    // No worker here (it would answer from its precache): the chunk's request simply fails.
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US', serviceWorkers: 'block', hasTouch: true });
    await context.route(/\/assets\/suggestions-[^/]*\.js$/, (route) => route.abort());
    try {
      const guest = await GuestPage.open(context, server.url);
      await guest.join(await server.newJoinUrl(), 'Broken Bea');
      await guest.page.getByRole('button', { name: 'What should I drink?' }).click();
      await expect.poll(() => guest.page.getByRole('alert').filter({ hasText: 'This screen could not be loaded' }).count(), { timeout: 15_000 }).toBe(1);
      await expect(guest.page.getByRole('button', { name: 'Reload' }).isVisible()).resolves.toBe(true);
      await guest.gotoMenu();
      expect(await guest.drinks().count()).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it("the host's browser keeps the dashboard chunk once it has loaded it, and opens /admin with the server gone", async () => {
    const context = await phoneContext(browser, { width: 1024, height: 768 });
    // Any app page registers the worker (here the guest app's, before the host signs in).
    const guest = await GuestPage.open(context, server.url);
    await guest.page.goto(`${server.url}/menu`);
    await guest.waitForServiceWorker();
    const host = new HostPage(guest.page, server.url);
    await host.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    await expect
      .poll(() => host.page.evaluate(async () => (await (await caches.open('barback-host')).keys()).map((request) => new URL(request.url).pathname)), { timeout: 15_000 })
      .toContainEqual(expect.stringMatching(/^\/assets\/admin-app-.+\.js$/));
    await server.down();
    try {
      await host.page.reload();
      await host.boardHeading().waitFor({ timeout: 15_000 });
    } finally {
      await server.up();
      await context.close();
    }
  });
});
