import type { BrowserContext, Locator, Page } from 'playwright-core';

/**
 * The guest app as a test sees it, through the stable hooks of shared/UI.md only (accessible
 * names and data-* attributes), never through layout or CSS classes.
 */
export class GuestPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  static async open(context: BrowserContext, baseUrl: string): Promise<GuestPage> {
    return new GuestPage(await context.newPage(), baseUrl);
  }

  async join(joinUrl: string, name = 'Sam'): Promise<void> {
    await this.page.goto(joinUrl);
    await this.page.getByLabel('Your name').fill(name);
    await this.page.getByRole('button', { name: 'Join' }).click();
    await this.drinks().first().waitFor();
  }

  drinks(): Locator {
    return this.page.locator('[data-drink-id]');
  }

  drink(name: string): Locator {
    return this.drinks().filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }

  async gotoMenu(): Promise<void> {
    await this.page.getByRole('link', { name: 'Menu' }).click();
    await this.drinks().first().waitFor();
  }

  async gotoOrders(): Promise<void> {
    await this.page.getByRole('link', { name: 'My orders' }).click();
  }

  /** Orders one drink from the menu (with an optional note); returns its client id. */
  async order(name: string, note?: string): Promise<string> {
    if (!(await this.drinks().first().isVisible().catch(() => false))) await this.gotoMenu();
    return this.newOrder(async () => {
      await this.page.getByRole('button', { name: `Order ${name}`, exact: true }).first().click();
      if (note) await this.page.getByLabel('Note').fill(note);
      await this.page.getByRole('button', { name: 'Place order' }).click();
    });
  }

  /**
   * Runs `place` (the taps that place one order) and returns the new order's client id once it is
   * shown. The new order is the one id the phone did not hold before: /orders may first paint the
   * orders it had (a cache read a moment before the new one lands), so "an id that was not on the
   * page before" could be an older order.
   */
  async newOrder(place: () => Promise<void>): Promise<string> {
    const known = await this.storedOrderIds();
    await place();
    const handle = await this.page.waitForFunction(
      (seen) => [...document.querySelectorAll('[data-order-id]')].map((node) => node.getAttribute('data-order-id')).find((id) => id && !seen.includes(id)),
      known,
    );
    const id = (await handle.jsonValue()) as string | undefined;
    if (!id) throw new Error('the new order did not appear');
    return id;
  }

  /** The ids of every order the phone holds (its IndexedDB, client/lib/db.ts). */
  private storedOrderIds(): Promise<string[]> {
    return this.page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('barback');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('orders')) {
              db.close();
              resolve([]);
              return;
            }
            const keys = db.transaction('orders').objectStore('orders').getAllKeys();
            keys.onerror = () => reject(keys.error);
            keys.onsuccess = () => {
              db.close();
              resolve(keys.result.map(String));
            };
          };
        }),
    );
  }

  orders(): Locator {
    return this.page.locator('[data-order-id]');
  }

  order$(id: string): Locator {
    return this.page.locator(`[data-order-id="${id}"]`);
  }

  async orderIds(): Promise<string[]> {
    return this.page.locator('[data-order-id]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-order-id')!));
  }

  async statuses(): Promise<string[]> {
    return this.page.locator('[data-order-id]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status')!));
  }

  async waitForStatus(id: string, status: string, timeout = 15_000): Promise<void> {
    await this.page.locator(`[data-order-id="${id}"][data-status="${status}"]`).waitFor({ timeout });
  }

  connection(): Locator {
    return this.page.locator('[role="status"][data-connection]');
  }

  async waitForConnection(state: 'live' | 'reconnecting' | 'offline', timeout = 20_000): Promise<void> {
    await this.page.locator(`[role="status"][data-connection="${state}"]`).waitFor({ timeout });
  }

  /** Waits until the service worker controls the page (offline needs it). */
  async waitForServiceWorker(): Promise<void> {
    await this.page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, undefined, { timeout: 30_000 });
  }

  /** The notifications the worker registration currently shows. */
  async notifications(): Promise<{ title: string; tag: string; body: string }[]> {
    return this.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const shown = await registration.getNotifications();
      return shown.map((n) => ({ title: n.title, tag: n.tag, body: n.body }));
    });
  }

  /** Runs axe-core on the current screen; returns serious and critical violations. */
  async axeViolations(axeSource: string): Promise<{ id: string; impact: string; nodes: string[] }[]> {
    // evaluate, not an injected <script>: the app's CSP rightly forbids inline scripts.
    await this.page.evaluate(axeSource);
    return this.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const result = await axe.run(document);
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    });
  }
}
