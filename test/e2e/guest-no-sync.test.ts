import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Worker } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { AXE_SOURCE, SCREENSHOTS, menuDrinks } from './support/guest-fixtures.ts';

/**
 * Safari and Firefox have no Background Sync: nothing wakes the worker when the Wi-Fi returns,
 * so the open app must send the outbox itself. Here Chromium loses Background Sync before any
 * app code runs (SyncManager and registration.sync removed from the page and the worker, as
 * Safari has neither), the server is really stopped while three orders are placed, and each
 * reaches the server exactly once when it returns.
 */
const REMOVE_BACKGROUND_SYNC = () => {
  const scope = self as unknown as { SyncManager?: unknown; ServiceWorkerRegistration?: { prototype: object }; registration?: { sync?: { getTags(): Promise<string[]> } } };
  // In the worker, keep a private handle to its sync manager: the test asks it afterwards
  // whether anything was ever registered.
  const sync = scope.registration?.sync;
  if (sync) Object.assign(self, { syncTagsForTest: () => sync.getTags() });
  delete scope.SyncManager;
  if (scope.ServiceWorkerRegistration) delete (scope.ServiceWorkerRegistration.prototype as { sync?: unknown }).sync;
};

describe.skipIf(!browserAvailable())('the outbox without Background Sync', () => {
  let server: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let guest: GuestPage;
  let worker: Worker;
  let drinks: { id: string; name: string }[];

  async function ordersWithIds(ids: string[]): Promise<string[]> {
    const { rows } = await server.instance.db.query<{ id: string }>('SELECT id FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id', [ids]);
    return rows.map((row) => row.id);
  }

  beforeAll(async () => {
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20' });
    drinks = await menuDrinks(server);
    browser = await launchBrowser();
    context = await phoneContext(browser);
    await context.addInitScript(REMOVE_BACKGROUND_SYNC);
    guest = await GuestPage.open(context, server.url);
    await guest.join(await server.newJoinUrl(), 'Safari Sam');
    await guest.waitForServiceWorker();
    worker = context.serviceWorkers().find((w) => w.url().startsWith(server.url))!;
    expect(worker, 'the app’s service worker').toBeTruthy();
    await worker.evaluate(REMOVE_BACKGROUND_SYNC);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('neither the page nor the service worker has Background Sync', async () => {
    expect(await guest.page.evaluate(() => 'SyncManager' in window)).toBe(false);
    expect(await guest.page.evaluate(async () => 'sync' in (await navigator.serviceWorker.ready))).toBe(false);
    expect(await worker.evaluate(() => 'SyncManager' in self || 'sync' in (self as unknown as ServiceWorkerGlobalScope).registration)).toBe(false);
  });

  it('page kept open: three orders placed with the server stopped say they wait for the Wi-Fi, and are sent exactly once when it returns', async () => {
    const before = await server.countOrders();
    await server.down();
    const ids: string[] = [];
    for (const drink of drinks.slice(0, 3)) ids.push(await guest.order(drink.name));
    await guest.waitForConnection('offline');
    expect(await guest.statuses()).toEqual(['queued', 'queued', 'queued']);
    for (const id of ids) {
      const hint = guest.order$(id).locator('[data-queued-hint]');
      expect(await hint.getAttribute('data-queued-hint')).toBe('open-app');
      await expect(hint.textContent()).resolves.toContain('when you’re back on the Wi-Fi');
    }
    if (process.env.SCREENSHOTS === '1') await guest.page.screenshot({ path: path.join(SCREENSHOTS, 'guest-queued-no-sync.png') });
    expect(await guest.axeViolations(AXE_SOURCE)).toEqual([]);

    // Nothing but the open page can notice the server is back: no event, no reload, no sync.
    await server.up();
    for (const id of ids) await guest.waitForStatus(id, 'pending', 30_000);
    expect(await ordersWithIds(ids)).toEqual([...ids].sort());
    expect(await server.countOrders()).toBe(before + 3);
    expect(await guest.page.locator('[data-queued-hint]').count()).toBe(0);
  });

  it('page reopened: three orders placed with the server stopped, the app closed, are sent exactly once when it is opened again', async () => {
    const before = await server.countOrders();
    await server.down();
    const ids: string[] = [];
    for (const drink of drinks.slice(3, 6)) ids.push(await guest.order(drink.name));
    await guest.waitForConnection('offline');
    await guest.page.close();
    await server.up();
    // Without Background Sync nothing is sent while the app is closed.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await ordersWithIds(ids)).toEqual([]);

    guest = await GuestPage.open(context, server.url);
    await guest.page.goto(`${server.url}/orders`);
    for (const id of ids) await guest.waitForStatus(id, 'pending', 30_000);
    expect(await ordersWithIds(ids)).toEqual([...ids].sort());
    expect(await server.countOrders()).toBe(before + 3);
    // And it was the page: the browser never held a Background Sync for the outbox.
    expect(await worker.evaluate(() => (self as unknown as { syncTagsForTest: () => Promise<string[]> }).syncTagsForTest())).toEqual([]);
  });
});
