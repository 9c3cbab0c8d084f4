import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { HostPage } from './support/host-page.ts';
import { AXE_SOURCE, SCREENSHOTS, menuDrinks, until } from './support/guest-fixtures.ts';
import { DEFAULT_MENU } from '../../server/menu/default-menu.ts';
import { startLlmStandIn, type LlmStandIn } from '../support/llm-stand-in.ts';
import { TEST_ADMIN } from '../support/server.ts';

/**
 * "What should I drink?" on a real phone-sized Chromium with the built app: the suggestions
 * come from the phone's saved menu (so they work with the server stopped), one tap orders
 * through the outbox, and the AI bartender streams from a stand-in chat-completions server.
 */
describe.skipIf(!browserAvailable())('guest suggestions and the AI bartender', () => {
  let llm: LlmStandIn;
  let server: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let guest: GuestPage;
  let page: Page;
  let drinks: { id: string; name: string }[];

  const suggestions = () => page.locator('[data-suggestion]');
  const suggestionNames = () => suggestions().locator('h3').allTextContents();
  const chatBox = () => page.getByLabel('Message');

  async function check(name: string): Promise<void> {
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: path.join(SCREENSHOTS, `guest-${name}.png`) });
    expect(await guest.axeViolations(AXE_SOURCE), `axe on ${name}`).toEqual([]);
  }

  async function answer(...choices: string[]): Promise<void> {
    for (const choice of choices) await page.getByRole('button', { name: choice, exact: true }).click();
  }

  beforeAll(async () => {
    llm = await startLlmStandIn();
    server = await E2eServer.start({ MAX_ACTIVE_ORDERS: '20', LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'party-model', LLM_TIMEOUT: '2' });
    drinks = await menuDrinks(server);
    browser = await launchBrowser();
    context = await phoneContext(browser);
    guest = await GuestPage.open(context, server.url);
    page = guest.page;
    await guest.join(await server.newJoinUrl(), 'Suggest Sasha');
    await guest.waitForServiceWorker();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await llm?.close();
  });

  it('suggests three drinks with reasons from the saved menu with the server stopped, and one tap orders one', async () => {
    const negroni = await guest.order('Negroni');
    await guest.waitForStatus(negroni, 'pending');
    await server.down();
    await guest.gotoMenu();
    await guest.waitForConnection('offline');

    await page.getByRole('button', { name: 'What should I drink?' }).click();
    await page.getByRole('heading', { name: 'Alcohol or not?' }).waitFor();
    await check('suggest-question');
    await answer('With alcohol', 'Strong', 'Dry', 'No preference', 'Yes, bitter');
    await page.getByRole('button', { name: 'Show my drinks' }).click();
    await suggestions().first().waitFor();
    expect(await suggestions().count()).toBe(3);
    const names = await suggestionNames();
    for (const name of names) expect(drinks.map((d) => d.name)).toContain(name);
    expect(names[0]).toBe('Negroni');
    const reasons = await suggestions().locator('p').allTextContents();
    expect(reasons[0]).toBe('Strong and bitter, one you have had before');
    expect(reasons.slice(1).some((reason) => reason.includes('like the Negroni you had'))).toBe(true);
    // The chat needs the bar; the suggestions do not.
    await page.getByText('The bar cannot be reached, so the chat is paused.').waitFor();
    await check('suggest-offline');

    const pick = names[1]!;
    await page.getByRole('button', { name: `Order ${pick}`, exact: true }).click();
    await page.waitForURL(/\/orders$/);
    const queued = page.locator('[data-order-id][data-status="queued"]');
    await queued.waitFor();
    const id = (await queued.getAttribute('data-order-id'))!;

    await server.up();
    await guest.waitForStatus(id, 'pending', 30_000);
    const { rows } = await server.instance.db.query<{ name: string }>('SELECT d.name FROM orders o JOIN drinks d ON d.id = o.drink_id WHERE o.id = $1', [id]);
    expect(rows).toEqual([{ name: pick }]);
    expect(await server.countOrders()).toBe(2);
  });

  it('keeps the answers on the phone, and an alcohol-free request gets alcohol-free drinks only', async () => {
    await guest.gotoMenu();
    await page.getByRole('button', { name: 'What should I drink?' }).click();
    // The saved answers lead straight to the drinks.
    await suggestions().first().waitFor();
    await page.getByRole('button', { name: 'Change my answers' }).click();
    await answer('Alcohol-free', 'Sweet', 'No preference', 'No preference', 'Fizzy');
    await page.getByRole('button', { name: 'Show my drinks' }).click();
    await page.getByText(/^Alcohol-free/).first().waitFor();
    const alcoholFree = DEFAULT_MENU.find((s) => s.name === 'Non-alcoholic')!.drinks.map((d) => d.name);
    const names = await suggestionNames();
    expect(names).toHaveLength(3);
    for (const name of names) expect(alcoholFree).toContain(name);
    await check('suggest-results');

    // Forgetting on the spot: the questions start again, with nothing kept.
    await page.getByRole('button', { name: 'Forget my answers' }).click();
    await page.getByRole('heading', { name: 'Alcohol or not?' }).waitFor();
    await answer('Alcohol-free', 'Sweet', 'No preference', 'No preference', 'Fizzy');
    await page.getByRole('button', { name: 'Show my drinks' }).click();
    await suggestions().first().waitFor();
  });

  it('streams the bartender’s answer, and a confirmed proposal reaches the board exactly once', async () => {
    llm.script(
      { toolCalls: [{ name: 'list_available_drinks', arguments: {} }] },
      { toolCalls: [{ name: 'propose_order', arguments: { drink_name: 'Paloma' } }, { name: 'propose_order', arguments: { drink_name: 'Unicorn Fizz' } }] },
      { text: 'A Paloma: tequila, lime and grapefruit soda, bright and fizzy. Tap below if it tempts you!', chunkSize: 4, delayMs: 60 },
    );
    await chatBox().fill('Something fizzy with tequila, please');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.locator('[data-role="assistant"]').last();
    const final = 'A Paloma: tequila, lime and grapefruit soda, bright and fizzy. Tap below if it tempts you!';
    // Streaming: the reply is seen part-written before it is whole.
    const partial = await until(async () => {
      const text = (await reply.textContent()) ?? '';
      return text.includes('A Paloma') && !text.includes('tempts you') ? text : undefined;
    }, 'a part-written reply');
    expect(partial.length).toBeLessThan(final.length);
    await reply.getByText(final).waitFor();
    const proposals = page.locator('[data-proposal]');
    expect(await proposals.count()).toBe(1);
    const palomaId = drinks.find((d) => d.name === 'Paloma')!.id;
    expect(await proposals.getAttribute('data-proposal')).toBe(palomaId);
    await check('chat');

    // What the model was sent: the guest's words and taste answers, and the tools' real menu.
    const request = llm.requests.at(-1)!;
    expect(request.messages.some((m) => m.role === 'user' && m.content === 'Something fizzy with tequila, please')).toBe(true);
    expect(request.messages[0]!.content).toContain('"alcohol_free":true');

    const before = await server.countOrders();
    await proposals.getByRole('button', { name: 'Order Paloma' }).click();
    await page.getByText('Ordered: Paloma').waitFor();
    expect(await proposals.getByRole('button').count()).toBe(0);

    const hostContext = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'en-US' });
    try {
      const host = new HostPage(await hostContext.newPage(), server.url);
      await host.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
      const card = host.page.locator('.board [data-order-id][data-status="pending"]').filter({ hasText: 'Paloma' });
      await card.waitFor({ timeout: 20_000 });
      expect(await card.count()).toBe(1);
      expect(await card.textContent()).toContain('Suggest Sasha');
    } finally {
      await hostContext.close();
    }
    expect(await server.countOrders()).toBe(before + 1);
  });

  it('when the model hangs, says so clearly and the suggestions stay', async () => {
    llm.script({ hang: true });
    await chatBox().fill('Are you there?');
    await page.getByRole('button', { name: 'Send' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toBe('The bartender cannot answer right now. The suggestions above still work.');
    expect(await suggestions().count()).toBe(3);
    // The question is kept to send again.
    expect(await chatBox().inputValue()).toBe('Are you there?');
    await check('chat-unavailable');
  });

  it('the host switches the chat off live from the dashboard; the guest is told, and the suggestions stay', async () => {
    const hostContext = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'en-US' });
    const host = new HostPage(await hostContext.newPage(), server.url);
    try {
      await host.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
      await host.open('Guests');
      const toggle = host.page.getByRole('switch', { name: 'Bartender chat' });
      expect(await toggle.isChecked()).toBe(true);
      await toggle.click();
      await host.page.locator('[data-assistant="off"]').waitFor();
      if (process.env.SCREENSHOTS === '1') await host.page.screenshot({ path: path.join(SCREENSHOTS, 'host-assistant-switch.png') });
      expect(await new GuestPage(host.page, server.url).axeViolations(AXE_SOURCE)).toEqual([]);

      const calls = llm.requests.length;
      await chatBox().fill('One more?');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('The bartender chat is not available at this bar.').first().waitFor();
      expect(llm.requests.length).toBe(calls);
      expect(await suggestions().count()).toBe(3);

      await toggle.click();
      await host.page.locator('[data-assistant="on"]').waitFor();
    } finally {
      await hostContext.close();
    }
  });

  it('"Leave the bar" forgets the taste answers', async () => {
    await guest.gotoOrders();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Leave the bar' }).click();
    await page.getByText('Scan the QR code at the bar to join', { exact: false }).waitFor();
    const stored = await page.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('barback');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('meta').objectStore('meta').get('taste.answers');
            get.onsuccess = () => resolve(get.result ?? null);
            get.onerror = () => reject(get.error);
          };
        }),
    );
    expect(stored).toBeNull();
    await guest.join(await server.newJoinUrl(), 'Sasha Again');
    await page.getByRole('button', { name: 'What should I drink?' }).click();
    await page.getByRole('heading', { name: 'Alcohol or not?' }).waitFor();
  });
});

