import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { menuDrinks, until } from './support/guest-fixtures.ts';
import { HostPage } from './support/host-page.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { TEST_ADMIN, api } from '../support/server.ts';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

interface Shown {
  title: string;
  tag: string;
  body: string;
  timestamp: number;
}

function startServer(env: Record<string, string>): Promise<E2eServer> {
  return E2eServer.start({ MAX_ACTIVE_ORDERS: '20', ...env });
}

/** localhost, not 127.0.0.1: a secure context with a worker, as the phone has on HTTPS. */
function phoneOrigin(server: E2eServer): string {
  return `http://localhost:${new URL(server.url).port}`;
}

/** A phone joined with notifications allowed, one order placed, on My orders. */
async function joinedGuest(context: BrowserContext, server: E2eServer, drink: string): Promise<{ guest: GuestPage; orderId: string }> {
  const origin = phoneOrigin(server);
  const guest = await GuestPage.open(context, origin);
  const joinUrl = new URL(await server.newJoinUrl());
  await guest.join(`${origin}${joinUrl.pathname}${joinUrl.search}`, 'Push Pat');
  await guest.waitForServiceWorker();
  const orderId = await guest.order(drink);
  await guest.waitForStatus(orderId, 'pending');
  return { guest, orderId };
}

/**
 * Taps "Notify me" with the browser's permission still to be asked, and grants it as the guest
 * would at the prompt; returns what the app then says it will do (`data-notify`) and its words.
 */
async function tapNotifyMe(guest: GuestPage): Promise<{ outcome: string | null; text: string }> {
  const button = guest.page.getByRole('button', { name: 'Notify me' });
  await button.waitFor();
  await guest.page.context().grantPermissions(['notifications'], { origin: new URL(guest.baseUrl).origin });
  await button.click();
  const said = guest.page.locator('[data-notify]');
  await said.waitFor();
  return { outcome: await said.getAttribute('data-notify'), text: (await said.textContent()) ?? '' };
}

/**
 * Web Push in the built app: the service worker receives push messages through the DevTools
 * protocol (there is no push service here), and one drink gives one notification whether it was
 * announced by the live event, by a push, or by both. PUSH_ENDPOINT_HOSTS makes the server
 * offer push (its config then carries the VAPID key) without probing the internet.
 */
describe.skipIf(!browserAvailable())('guest push notifications', () => {
  let server: E2eServer;
  let browser: Browser;
  let guest: GuestPage;
  let firstOrder: string;
  let cdp: CDPSession;
  let registrationId: string;
  let drinks: { id: string; name: string }[];
  const pageMessages: string[] = [];

  async function shown(): Promise<Shown[]> {
    return guest.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      // Chromium's Notification.timestamp (when it was last shown); TypeScript's DOM lib lacks it.
      const all = (await registration.getNotifications()) as (Notification & { timestamp: number })[];
      return all.map((n) => ({ title: n.title, tag: n.tag, body: n.body, timestamp: n.timestamp }));
    });
  }

  async function push(message: unknown): Promise<void> {
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: phoneOrigin(server), registrationId, data: JSON.stringify(message) });
  }

  /** Waits until the notification for `tag` was (re)built after `after`: its handler ran. */
  async function shownSince(tag: string, after: number): Promise<Shown> {
    try {
      return await until(async () => (await shown()).find((n) => n.tag === tag && n.timestamp > after), `a notification for ${tag} newer than ${after}`);
    } catch (error) {
      // Say what the phone had instead, so a failure explains itself.
      const order = await guest.page.evaluate(
        (id) =>
          new Promise<unknown>((resolve) => {
            const open = indexedDB.open('barback');
            open.onsuccess = () => {
              const read = open.result.transaction('orders').objectStore('orders').get(id);
              read.onsuccess = () => resolve(read.result);
            };
          }),
        tag,
      );
      throw new Error(`${(error as Error).message}; shown: ${JSON.stringify(await shown())}; the order on the phone: ${JSON.stringify(order)}; page messages: ${pageMessages.slice(-20).join(' | ')}`);
    }
  }

  async function markReady(orderId: string): Promise<void> {
    expect((await server.admin('PATCH', `/api/admin/orders/${orderId}`, { status: 'preparing' })).status).toBe(200);
    expect((await server.admin('PATCH', `/api/admin/orders/${orderId}`, { status: 'ready' })).status).toBe(200);
  }

  beforeAll(async () => {
    server = await startServer({ PUSH_ENDPOINT_HOSTS: 'push.barback.test' });
    drinks = await menuDrinks(server);
    browser = await launchBrowser();
    const context = await phoneContext(browser);
    ({ guest, orderId: firstOrder } = await joinedGuest(context, server, drinks[0]!.name));
    guest.page.on('console', (message) => pageMessages.push(`${message.type()}: ${message.text()}`));
    guest.page.on('pageerror', (error) => pageMessages.push(`uncaught: ${error.message}`));

    cdp = await context.newCDPSession(guest.page);
    const registered = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${phoneOrigin(server)}/` && !r.isDeleted);
        if (ours) resolve(ours.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    registrationId = await registered;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('after the first order, "Notify me" asks permission and says notifications come only while open when push cannot subscribe', async () => {
    expect(firstOrder).toBeTruthy();
    // Headless Chromium reaches no push service, so the real PushManager.subscribe is refused
    // (test/client/push-subscription.test.ts covers what a successful subscribe posts).
    const { outcome, text } = await tapNotifyMe(guest);
    expect(outcome).toBe('push-failed');
    expect(text).toContain('only while this app is open');
  });

  it('the live event and a push for the same order show one notification, tagged with the order id', async () => {
    const id = await guest.order(drinks[1]!.name);
    await guest.waitForStatus(id, 'pending');
    await guest.waitForConnection('live');
    await markReady(id);
    await guest.waitForStatus(id, 'ready');
    const live = await shownSince(id, 0);
    expect(live.title).toBe(`Your ${drinks[1]!.name} is ready`);

    await push({ type: 'ORDER_READY', order_id: id, drink_name: drinks[1]!.name });
    const pushed = await shownSince(id, live.timestamp);
    expect(pushed).toMatchObject({ title: live.title, body: live.body });
    expect((await shown()).filter((n) => n.tag === id)).toHaveLength(1);
  });

  it('a push for another order adds a second notification; that order\'s later live event does not add a third', async () => {
    const before = (await shown()).map((n) => n.tag);
    const id = await guest.order(drinks[2]!.name);
    await guest.waitForStatus(id, 'pending');
    await guest.waitForConnection('live');

    await push({ type: 'ORDER_READY', order_id: id, drink_name: drinks[2]!.name });
    const pushed = await shownSince(id, 0);
    expect(pushed.title).toBe(`Your ${drinks[2]!.name} is ready`);
    expect((await shown()).map((n) => n.tag).sort()).toEqual([...before, id].sort());

    await markReady(id);
    await guest.waitForStatus(id, 'ready');
    await shownSince(id, pushed.timestamp);
    expect((await shown()).map((n) => n.tag).sort()).toEqual([...before, id].sort());
  });

  it('on an iPhone browser tab the app says notifications with the app closed need the installed app', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'en-US',
      serviceWorkers: 'allow',
      hasTouch: true,
      userAgent: IPHONE_SAFARI,
    });
    const { guest: iphone } = await joinedGuest(context, server, drinks[0]!.name);
    const { outcome, text } = await tapNotifyMe(iphone);
    expect(outcome).toBe('ios-install');
    expect(text).toContain('Add to Home Screen');
    await context.close();
  });

  it('leaving the bar signs the phone out: the refresh token is dropped and the app asks to join again', async () => {
    const refreshToken = await guest.page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('barback');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const read = open.result.transaction('auth').objectStore('auth').get('guest.session');
            read.onsuccess = () => resolve((read.result as { value: { refresh_token: string } }).value.refresh_token);
            read.onerror = () => reject(read.error);
          };
        }),
    );
    await guest.gotoOrders();
    guest.page.once('dialog', (dialog) => void dialog.accept());
    await guest.page.getByRole('button', { name: 'Leave the bar' }).click();
    await guest.page.getByRole('alert').filter({ hasText: 'Scan the QR code' }).waitFor();
    const refresh = await api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: refreshToken } });
    expect(refresh.status).toBe(401);
  });
});

/**
 * A party with no internet: the server cannot reach the push services, so the guest is told
 * notifications arrive only while the app is open, and the host's board says push is off. The
 * network's DNS is one the test runs (PUSH_PROBE_DNS), answering that the push services do not
 * exist, so this runs the same on a machine with internet access.
 */
describe.skipIf(!browserAvailable())('guest notifications without push', () => {
  let server: E2eServer;
  let browser: Browser;
  let dns: TestDnsServer;

  beforeAll(async () => {
    dns = await TestDnsServer.start('nxdomain');
    server = await startServer({ PUSH_PROBE_DNS: dns.address });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await dns?.close();
  });

  it('the guest hears notifications come only while the app is open; the host board shows "Push: off (reason)"', async () => {
    await server.instance.ctx.push.ready;
    expect(dns.asked).toContain('fcm.googleapis.com');
    const status = await server.admin('GET', '/api/admin/push');
    expect(status.body).toEqual({ available: false, reason: expect.stringMatching(/no internet access/) });

    const drinks = await menuDrinks(server);
    const { guest } = await joinedGuest(await phoneContext(browser), server, drinks[0]!.name);
    const { outcome, text } = await tapNotifyMe(guest);
    expect(outcome).toBe('open-only');
    expect(text).toContain('only while this app is open');

    const host = new HostPage(await (await browser.newContext({ locale: 'en-US' })).newPage(), server.url);
    await host.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    await host.page.getByText(`Push: off (${status.body.reason as string})`).waitFor();
  });
});
