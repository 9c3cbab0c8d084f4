import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { api, type TestServer } from '../support/server.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';

describe.skipIf(!browserAvailable())('host dashboard: every screen, for everyone', () => {
  let server: TestServer;
  let browser: Browser;
  let host: HostPage;
  const guests: { user_key: string; access_token: string }[] = [];

  beforeAll(async () => {
    if (process.env.SCREENSHOTS === '1') await fs.mkdir('docs/screenshots', { recursive: true });
    server = await startHostTestServer();
    browser = await launchBrowser();
    const setupPage = await (await phoneContext(browser, { width: 390, height: 844 })).newPage();
    await setupPage.goto(`${server.url}/setup?token=${server.setupToken}`);
    await setupPage.getByRole('button', { name: 'Create account' }).waitFor();
    expect(await seriousViolations(setupPage)).toEqual([]);
    host = new HostPage(setupPage, server.url);
    await host.setup(server.setupToken as string, HOST.email, HOST.password);

    // A busy-looking bar: guests with orders in every column.
    const token = (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token as string;
    const code = (await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 10, notes: 'Front door' } })).body.code;
    const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks as { id: string }[];
    for (const [index, name] of ['Ada', 'Grace', 'Linus', 'Margaret'].entries()) {
      const guest = (await api(server, 'POST', '/api/register', { headers: { 'x-registration-code': code }, body: { username: name } })).body;
      guests.push({ user_key: guest.user.user_key, access_token: guest.access_token });
      for (let n = 0; n < 2; n++) {
        const drink = drinks[(index + n) % 3] as { id: string };
        const placed = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drink.id, notes: n ? 'no ice' : undefined } });
        const status = ['pending', 'preparing', 'ready', 'served'][(index + n) % 4];
        if (status !== 'pending') await api(server, 'PATCH', `/api/admin/orders/${placed.body.order.id}`, { token, body: { status } });
      }
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the sign-in page, the board (phone and tablet) and its dialogs have no serious accessibility violations', async () => {
    await host.signOut();
    expect(await seriousViolations(host.page)).toEqual([]);
    await host.signIn(HOST.email, HOST.password);
    await host.page.locator('.board [data-order-id]').nth(5).waitFor();
    expect(await seriousViolations(host.page)).toEqual([]);
    if (process.env.SCREENSHOTS === '1') await host.page.screenshot({ path: 'docs/screenshots/host-board-phone.png', fullPage: false });

    await host.page.setViewportSize({ width: 1024, height: 768 });
    expect(await seriousViolations(host.page)).toEqual([]);
    if (process.env.SCREENSHOTS === '1') await host.page.screenshot({ path: 'docs/screenshots/host-board-tablet.png' });

    await host.page.getByRole('switch', { name: 'Group identical drinks' }).check();
    await host.page.getByRole('heading', { name: /^\d× / }).first().waitFor();
    expect(await seriousViolations(host.page)).toEqual([]);
    await host.page.getByRole('switch', { name: 'Group identical drinks' }).uncheck();

    await host.page.locator('[data-order-id]').first().getByRole('button', { name: 'Recipe' }).click();
    await host.page.getByRole('dialog').getByRole('listitem').first().waitFor();
    expect(await seriousViolations(host.page)).toEqual([]);
    await host.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  });

  it('history, drinks, the drink editor, codes, the print sheet, guests and numbers pass axe too', async () => {
    for (const [section, ready] of [
      ['History', '[data-status]'],
      ['Drinks', '[data-drink-id]'],
      ['Invite codes', '[data-code] img'],
      ['Guests', '[data-user-key]'],
      ['Tonight', 'svg.chart'],
    ] as const) {
      await host.open(section);
      await host.page.locator(ready).first().waitFor();
      expect(await seriousViolations(host.page), section).toEqual([]);
      if (process.env.SCREENSHOTS === '1') await host.page.screenshot({ path: `docs/screenshots/host-${section.toLowerCase().replace(/ /g, '-')}.png` });
    }
    await host.open('Drinks');
    await host.page.locator('[data-drink-id]').first().getByRole('button', { name: /^Edit / }).click();
    await host.page.getByRole('dialog').getByLabel('Name').waitFor();
    expect(await seriousViolations(host.page)).toEqual([]);
    await host.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    await host.open('Invite codes');
    await host.page.locator('[data-code]').first().getByRole('link', { name: 'Print' }).click();
    await host.page.locator('.print-sheet img').waitFor();
    expect(await seriousViolations(host.page)).toEqual([]);
  });

  it('the guests list shows open orders, and revoking a guest locks them out', async () => {
    await host.open('Guests');
    const ada = host.page.locator(`[data-user-key="${guests[0]?.user_key}"]`);
    expect(await ada.textContent()).toContain('2 open orders');
    await ada.getByRole('button', { name: 'Revoke Ada' }).click();
    await host.page.getByRole('dialog').getByRole('button', { name: 'Yes, revoke' }).click();
    await expect.poll(() => ada.getAttribute('data-active')).toBe('false');
    expect((await api(server, 'GET', '/api/me', { token: guests[0]?.access_token })).status).toBe(401);
  });

  it("tonight's numbers count the orders, chart them per quarter hour and rank the drinks", async () => {
    await host.open('Tonight');
    const total = host.page.locator('dt', { hasText: 'Orders' }).locator('xpath=following-sibling::dd');
    expect(await total.textContent()).toBe('8');
    const bars = await host.page.locator('svg.chart rect').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(bars.filter((h) => h > 0)).toHaveLength(1);
    expect(await host.page.locator('.top-drinks li').count()).toBe(3);
  });
});
