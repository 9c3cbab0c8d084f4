import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, type TestServer } from '../support/server.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';

const shots = process.env.SCREENSHOTS === '1';

/** A friend behind the bar: the host's pass, the helper's join, their board, and being revoked. */
describe.skipIf(!browserAvailable())('staff pass: scan, join, work the board, get revoked', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (shots) await fs.mkdir('docs/screenshots', { recursive: true });
    server = await startHostTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the host makes a pass; a helper opens its link, picks a name, works the board (and only the board) until revoked', async () => {
    const host = new HostPage(await (await phoneContext(browser, { width: 1024, height: 768 })).newPage(), server.url);
    await host.setup(server.setupToken as string, HOST.email, HOST.password);
    await host.page.getByRole('navigation').getByRole('link', { name: 'Staff' }).click();
    await host.page.getByRole('button', { name: 'New staff pass' }).click();
    const pass = host.page.locator('[data-staff-pass]').first();
    await pass.locator('img').waitFor();
    const joinUrl = (await pass.locator('[data-join-url]').getAttribute('href')) as string;
    expect(joinUrl).toMatch(/\/staff\?pass=/);
    expect(await seriousViolations(host.page)).toEqual([]);
    if (shots) await host.page.screenshot({ path: 'docs/screenshots/host-staff.png' });

    // The helper's phone "scans" the QR: it opens the link.
    const helper = await (await phoneContext(browser)).newPage();
    await helper.goto(joinUrl);
    await helper.getByLabel('Your name').waitFor();
    expect(await seriousViolations(helper)).toEqual([]);
    if (shots) await helper.screenshot({ path: 'docs/screenshots/staff-join.png' });
    await helper.getByLabel('Your name').fill('Robin');
    await helper.getByRole('button', { name: 'Join' }).click();
    const helperBoard = new HostPage(helper, server.url);
    await helperBoard.boardHeading().waitFor();
    await helperBoard.waitLive();
    expect(await helper.getByText('Bartender: Robin').count()).toBe(1);
    // The board only: no menu, codes, guests, staff or account in the navigation, no bar switch.
    expect(await helper.getByRole('navigation').getByRole('link').allTextContents()).toEqual([expect.stringMatching(/^Orders/)]);
    expect(await helper.getByRole('button', { name: 'Close the bar' }).count()).toBe(0);

    // A guest orders; the helper moves it; the host's board says who.
    const token = (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token as string;
    const code = (await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 1 } })).body.code as string;
    const guest = (await api(server, 'POST', '/api/register', { headers: { 'x-registration-code': code }, body: { username: 'Grace' } })).body;
    const drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id as string;
    const orderId = (await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinkId } })).body.order.id as string;
    await helperBoard.card(orderId).waitFor();
    await helperBoard.mark(orderId, 'preparing');
    await helper.locator(`.board [data-order-id="${orderId}"][data-status="preparing"]`).waitFor();
    await helperBoard.mark(orderId, 'ready');
    await helperBoard.card(orderId).getByRole('button', { name: 'Call again' }).click();
    await helperBoard.card(orderId).locator('[data-calls="1"]').waitFor();
    expect(await seriousViolations(helper)).toEqual([]);
    if (shots) await helper.screenshot({ path: 'docs/screenshots/staff-board.png' });
    await host.open('Orders');
    await expect.poll(() => host.card(orderId).textContent()).toContain('by Robin');

    // The host revokes Robin: the helper's board ends at once and shows the sign-in page.
    await host.page.getByRole('navigation').getByRole('link', { name: 'Staff' }).click();
    const person = host.page.locator('[data-staff-key]').filter({ hasText: 'Robin' });
    await person.getByRole('button', { name: 'Revoke' }).click();
    await person.filter({ hasText: 'Revoked' }).waitFor();
    await helper.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    expect((await api(server, 'PATCH', `/api/admin/orders/${orderId}`, { token, body: { status: 'served' } })).status).toBe(200);
  });
});
