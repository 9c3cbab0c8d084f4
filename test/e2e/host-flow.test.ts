import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, type TestServer } from '../support/server.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';

/** The guest side, through the guest app's stable hooks (shared/UI.md). */
async function joinAndOrder(page: Page, joinUrl: string, name: string, drink: { id: string; name: string }): Promise<void> {
  await page.goto(joinUrl);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  const card = page.locator(`[data-drink-id="${drink.id}"]`).first();
  await card.getByRole('button', { name: `Order ${drink.name}` }).click();
  const place = page.getByRole('button', { name: 'Place order' });
  if (await place.isVisible()) await place.click();
}

describe.skipIf(!browserAvailable())('host dashboard: from the setup link to a drink served', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startHostTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the one-time setup link creates the host account; the host can sign out and sign in again', async () => {
    expect(server.setupToken).toBeTruthy();
    const context = await phoneContext(browser, { width: 390, height: 844 });
    const host = new HostPage(await context.newPage(), server.url);
    await host.setup(server.setupToken as string, HOST.email, HOST.password);
    expect((await api(server, 'GET', '/api/admin/setup')).body).toEqual({ setup_needed: false });

    // The token survives a reload (kept in IndexedDB), and signing out forgets it.
    await host.page.reload();
    await host.boardHeading().waitFor();
    await host.signOut();
    await host.page.reload();
    await host.page.getByRole('button', { name: 'Sign in' }).waitFor();

    await host.page.getByLabel('Email').fill(HOST.email);
    await host.page.getByLabel('Password').fill('not the password');
    await host.page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => host.page.getByRole('alert').textContent()).toContain('Wrong email or password');

    await host.signIn(HOST.email, HOST.password);
    // The used link now says so instead of offering a second account, and leads to sign-in.
    await host.page.goto(`${server.url}/setup?token=${server.setupToken}`);
    const used = host.page.getByRole('alert');
    await used.waitFor();
    expect(await used.textContent()).toMatch(/link is invalid.* was already used/);
    expect(await host.page.getByRole('button', { name: 'Create account' }).count()).toBe(0);
    expect(await host.page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/admin');
    await context.close();
  });

  it('a guest joins through a new code and orders: the card arrives live with a chime, two boards stay in step, and the guest sees Ready', async () => {
    const hostA = new HostPage(await (await phoneContext(browser, { width: 1024, height: 768 })).newPage(), server.url);
    const hostB = new HostPage(await (await phoneContext(browser, { width: 390, height: 844 })).newPage(), server.url);
    await hostA.signIn(HOST.email, HOST.password);
    await hostB.signIn(HOST.email, HOST.password);
    const code = await hostA.createCode({ hours: 6, maxUses: 30, note: 'Kitchen door' });
    const codes = await api(server, 'GET', '/api/admin/registration-codes', {
      token: (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token,
    });
    const joinUrl = (codes.body.codes as { code: string; join_url: string }[]).find((c) => c.code === code)?.join_url as string;
    expect(joinUrl).toContain(code);

    await hostA.open('Orders');
    await Promise.all([hostA.waitLive(), hostB.waitLive()]);
    await hostA.enableSound();
    const soundsBefore = await hostA.soundsPlayed();

    const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks as { id: string; name: string }[];
    const drink = drinks[0] as { id: string; name: string };
    const guest = await (await phoneContext(browser)).newPage();
    await joinAndOrder(guest, joinUrl, 'Ada', drink);

    // No reload: the card comes through /admin/new-orders, on both boards.
    const cardA = hostA.page.locator('.board [data-order-id][data-status="pending"]').filter({ hasText: 'Ada' });
    await cardA.waitFor({ timeout: 5_000 });
    const orderId = (await cardA.getAttribute('data-order-id')) as string;
    await hostB.card(orderId).waitFor({ timeout: 5_000 });
    await expect.poll(() => hostA.soundsPlayed()).toBeGreaterThan(soundsBefore);
    expect(await cardA.textContent()).toContain(drink.name);

    // Board A starts it, board B finishes it: each follows the other through /admin/order-updates.
    await hostA.mark(orderId, 'preparing');
    await hostB.page.locator(`[data-order-id="${orderId}"][data-status="preparing"]`).waitFor({ timeout: 15_000 });
    await hostB.mark(orderId, 'ready');
    await hostA.page.locator(`[data-order-id="${orderId}"][data-status="ready"]`).waitFor({ timeout: 15_000 });

    await guest.getByRole('link', { name: 'My orders' }).or(guest.getByRole('tab', { name: 'My orders' })).first().click();
    await guest.locator(`[data-order-id="${orderId}"][data-status="ready"]`).waitFor({ timeout: 15_000 });

    await hostA.mark(orderId, 'served');
    await hostB.page.locator(`.board [data-order-id="${orderId}"]`).waitFor({ state: 'detached', timeout: 15_000 });
    await hostB.open('History');
    await hostB.page.locator(`[data-order-id="${orderId}"][data-status="served"]`).waitFor();
  });

  it('a cancel asks for confirmation, is sent at once, and Recall brings the order back', async () => {
    const host = new HostPage(await (await phoneContext(browser, { width: 390, height: 844 })).newPage(), server.url);
    await host.signIn(HOST.email, HOST.password);
    await host.waitLive();
    const token = (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token as string;
    const code = (await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 1 } })).body.code as string;
    const guest = await api(server, 'POST', '/api/register', { headers: { 'x-registration-code': code }, body: { username: 'Grace' } });
    const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks as { id: string }[];
    const placed = await api(server, 'POST', '/api/orders', { token: guest.body.access_token, body: { drink_id: drinks[1]?.id } });
    expect(placed.status).toBe(201);
    const orderId = placed.body.order.id as string;

    await host.card(orderId).waitFor();
    await host.card(orderId).getByRole('button', { name: 'Cancel order' }).click();
    await host.page.getByRole('dialog').getByRole('button', { name: 'Keep the order' }).click();
    await host.cancel(orderId);
    await host.card(orderId).waitFor({ state: 'detached' });
    // No hold: the guest's order is cancelled on the server at once.
    await expect
      .poll(async () => (await api(server, 'GET', `/api/orders/${orderId}`, { token: guest.body.access_token })).body.order.status, { timeout: 5_000 })
      .toBe('cancelled');
    await host.page.locator(`[data-recent-order-id="${orderId}"]`).getByRole('button', { name: 'Recall' }).click();
    await host.card(orderId).getByRole('button', { name: 'Mark preparing' }).click();
    await expect
      .poll(async () => (await api(server, 'GET', `/api/orders/${orderId}`, { token: guest.body.access_token })).body.order.status, { timeout: 15_000 })
      .toBe('preparing');
  });
});
