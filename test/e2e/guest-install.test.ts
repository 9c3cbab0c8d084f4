import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { AXE_SOURCE, SCREENSHOTS, menuDrinks, until } from './support/guest-fixtures.ts';
import { installedAppContext, openInstalledApp } from './support/installed-app.ts';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1';

/** Records the Badging API calls of a page or the worker (the OS draws the badge, out of reach). */
const RECORD_BADGES = () => {
  const calls: (number | 'clear')[] = [];
  Object.assign(globalThis, { badgeCalls: calls });
  const nav = globalThis.navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
  nav.setAppBadge = async (n?: number) => void calls.push(n ?? 0);
  nav.clearAppBadge = async () => void calls.push('clear');
};
const badgeCalls = (page: Page) => page.evaluate(() => (window as unknown as { badgeCalls: (number | 'clear')[] }).badgeCalls);

/**
 * Installing at the right moment: after the first order, never on load; Android and desktop
 * Chrome through their own `beforeinstallprompt` dialog, iPhones through the Share → Add to
 * Home Screen steps; nothing in the installed app, which gets notifications and the badge.
 */
describe.skipIf(!browserAvailable())('installing the guest app', () => {
  let server: E2eServer;
  let browser: Browser;
  let drinks: { id: string; name: string }[];
  const contexts: BrowserContext[] = [];

  async function phone(userAgent: string): Promise<GuestPage> {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US', serviceWorkers: 'allow', hasTouch: true, userAgent });
    contexts.push(context);
    return GuestPage.open(context, server.url);
  }

  async function check(page: GuestPage, name: string): Promise<void> {
    if (process.env.SCREENSHOTS === '1') await page.page.screenshot({ path: path.join(SCREENSHOTS, `guest-${name}.png`) });
    expect(await page.axeViolations(AXE_SOURCE), `axe on ${name}`).toEqual([]);
  }

  beforeAll(async () => {
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20', PUSH_ENDPOINT_HOSTS: 'push.barback.test' });
    drinks = await menuDrinks(server);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('Android: the browser’s install prompt is kept on load and offered only after the first order; tapping opens it', async () => {
    const guest = await phone(ANDROID_CHROME);
    await guest.join(await server.newJoinUrl(), 'Andy');
    // Chrome fires beforeinstallprompt by itself when the app is installable; a synthetic one
    // stands in for it (headless Chromium does not), with a prompt() that records its use.
    const defaultPrevented = await guest.page.evaluate(() => {
      const event = new Event('beforeinstallprompt', { cancelable: true });
      Object.assign(event, {
        prompt: async () => Object.assign(window, { prompted: ((window as unknown as { prompted?: number }).prompted ?? 0) + 1 }),
        userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
      });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
    expect(defaultPrevented).toBe(true); // the app keeps it: no mini-infobar on load
    expect(await guest.page.getByRole('button', { name: 'Install the app' }).count()).toBe(0);
    await guest.gotoOrders();
    await guest.page.getByText('No orders yet').waitFor();
    expect(await guest.page.getByRole('button', { name: 'Install the app' }).count()).toBe(0);

    await guest.order(drinks[0]!.name);
    const card = guest.page.locator('[data-install-kind]');
    await card.waitFor();
    expect(await card.getAttribute('data-install-kind')).toBe('prompt');
    await card.scrollIntoViewIfNeeded();
    await check(guest, 'install-android');
    await guest.page.getByRole('button', { name: 'Install the app' }).click();
    await guest.page.locator('[data-install-done]').waitFor();
    expect(await guest.page.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(1);
  });

  it('iPhone: no beforeinstallprompt, so after the first order the Share → Add to Home Screen steps, why, and the code', async () => {
    const guest = await phone(IPHONE_SAFARI);
    await guest.join(await server.newJoinUrl(), 'Iris');
    expect(await guest.page.getByRole('button', { name: 'Install the app' }).count()).toBe(0);
    await guest.order(drinks[1]!.name);
    const card = guest.page.locator('[data-install-kind]');
    await card.waitFor();
    expect(await card.getAttribute('data-install-kind')).toBe('ios');
    await guest.page.getByRole('button', { name: 'Install the app' }).click();
    const steps = guest.page.locator('[data-install-steps="ios"]');
    await steps.waitFor();
    await expect(steps.textContent()).resolves.toMatch(/Share.*Add to Home Screen.*Home Screen/s);
    await expect(card.textContent()).resolves.toContain('notifications when your drink is ready arrive only in the installed app');
    await guest.page.locator('[data-transfer-code]').waitFor();
    await steps.scrollIntoViewIfNeeded();
    await check(guest, 'install-iphone');
  });

  it('“Not now” puts the card away on this phone', async () => {
    const guest = await phone(IPHONE_SAFARI);
    await guest.join(await server.newJoinUrl(), 'Nico');
    await guest.order(drinks[2]!.name);
    await guest.page.locator('[data-install-kind]').waitFor();
    await guest.page.getByRole('button', { name: 'Not now' }).click();
    await guest.page.reload();
    await guest.orders().first().waitFor();
    expect(await guest.page.locator('[data-install-kind]').count()).toBe(0);
  });

  describe('the installed app', () => {
    let context: BrowserContext;
    let app: GuestPage;
    let cdp: CDPSession;
    let registrationId: string;

    beforeAll(async () => {
      context = await installedAppContext(browser, { userAgent: IPHONE_SAFARI });
      contexts.push(context);
      await context.addInitScript(RECORD_BADGES);
      const page = await openInstalledApp(context, await server.newJoinUrl());
      app = new GuestPage(page, server.url);
      await app.page.getByLabel('Your name').fill('Stan');
      await app.page.getByRole('button', { name: 'Join' }).click();
      await app.drinks().first().waitFor();
      await app.waitForServiceWorker();
      cdp = await context.newCDPSession(page);
      const registered = new Promise<string>((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const ours = registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
          if (ours) resolve(ours.registrationId);
        });
      });
      await cdp.send('ServiceWorker.enable');
      registrationId = await registered;
    });

    it('offers no install card, and on an iPhone offers "Notify me" (Web Push exists only here)', async () => {
      const id = await app.order(drinks[0]!.name);
      await app.waitForStatus(id, 'pending');
      expect(await app.page.locator('[data-install-kind]').count()).toBe(0);
      await app.page.getByRole('button', { name: 'Notify me' }).waitFor();
    });

    it('the badge follows the drinks waiting at the bar: 1 when ready, cleared when served', async () => {
      const id = (await app.orderIds())[0]!;
      await app.waitForConnection('live');
      expect((await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'ready' })).status).toBe(200);
      await app.waitForStatus(id, 'ready');
      await until(async () => (await badgeCalls(app.page)).at(-1) === 1, 'the badge set to 1');
      expect((await server.admin('PATCH', `/api/admin/orders/${id}`, { status: 'served' })).status).toBe(200);
      await app.waitForStatus(id, 'served');
      await until(async () => (await badgeCalls(app.page)).at(-1) === 'clear', 'the badge cleared');
    });

    it('a Declarative Web Push delivered to the worker shows one notification for the order and sets the badge', async () => {
      await context.grantPermissions(['notifications'], { origin: server.url });
      const worker = context.serviceWorkers().find((w) => w.url().startsWith(server.url));
      expect(worker, 'the app’s service worker').toBeTruthy();
      await worker!.evaluate(RECORD_BADGES);
      const orderId = crypto.randomUUID();
      const message = {
        web_push: 8030,
        notification: { title: 'Your Negroni is ready', body: 'Pick it up at the bar.', navigate: `${server.url}/orders#${orderId}`, tag: orderId, lang: 'en', app_badge: 2 },
        type: 'ORDER_READY',
        order_id: orderId,
        drink_name: 'Negroni',
      };
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: JSON.stringify(message) });
      const shown = await until(async () => {
        const all = await app.notifications();
        return all.some((n) => n.tag === orderId) ? all.filter((n) => n.tag === orderId) : undefined;
      }, 'the notification');
      expect(shown).toEqual([{ title: 'Your Negroni is ready', tag: orderId, body: 'Pick it up at the bar.' }]);
      await until(async () => (await worker!.evaluate(() => (self as unknown as { badgeCalls: unknown[] }).badgeCalls)).includes(2), 'the worker to set the badge to 2');
      // The same push again (a retry by the push service) still leaves one notification.
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: JSON.stringify(message) });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await app.notifications()).filter((n) => n.tag === orderId)).toHaveLength(1);
    });

    it('leaving the bar clears the badge, the notifications and the saved orders on this phone', async () => {
      expect((await app.notifications()).length).toBeGreaterThan(0);
      await app.gotoOrders();
      app.page.once('dialog', (dialog) => void dialog.accept());
      await app.page.getByRole('button', { name: 'Leave the bar' }).click();
      await app.page.getByRole('alert').filter({ hasText: 'Scan the QR code' }).waitFor();
      expect((await badgeCalls(app.page)).at(-1)).toBe('clear');
      expect(await app.notifications()).toEqual([]);
      const stored = await app.page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('barback');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const count = open.result.transaction('orders').objectStore('orders').count();
              count.onsuccess = () => resolve(count.result);
            };
          }),
      );
      expect(stored).toBe(0);
    });
  });
});
