import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, type TestServer } from '../support/server.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';

/** The shortest lifetime ADMIN_TOKEN_TTL allows (host and helper access tokens). */
const TTL_SECONDS = 60;

/**
 * A helper's (staff pass) board renews its own session: it keeps working past its access
 * token's lifetime, live events included, until the host revokes the helper.
 */
describe.skipIf(!browserAvailable())('a helper’s session on the board', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startHostTestServer({ ADMIN_TOKEN_TTL: String(TTL_SECONDS) });
    browser = await launchBrowser();
    expect((await api(server, 'POST', '/api/admin/setup', { body: { token: server.setupToken, ...HOST } })).status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A host token made now (each lives only TTL_SECONDS here). */
  const hostToken = async () => (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token as string;

  it('keeps working past the access token’s lifetime (renewed, live events too), and is thrown out when revoked', async () => {
    const pass = (await api(server, 'POST', '/api/admin/staff-passes', { token: await hostToken(), body: { expires_in_hours: 2 } })).body;
    const page = await (await phoneContext(browser)).newPage();
    const refreshes: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/auth/refresh') refreshes.push(response.status());
    });
    // What the board's live socket says: subscribes (and with which token), and any refusal.
    const subscribes: { channel: string; token: string }[] = [];
    const refusals: string[] = [];
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const frame = JSON.parse(String(payload)) as { type?: string; channel?: string; authorization?: { Authorization?: string } };
        if (frame.channel && frame.authorization?.Authorization) subscribes.push({ channel: frame.channel, token: frame.authorization.Authorization });
      });
      socket.on('framereceived', ({ payload }) => {
        const text = String(payload);
        if (text.includes('"subscribe_error"') || text.includes('"type":"error"')) refusals.push(text);
      });
    });
    const joined = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/staff/join');
    await page.goto(pass.join_url as string);
    await page.getByLabel('Your name').fill('Robin');
    await page.getByRole('button', { name: 'Join' }).click();
    const first = (await (await joined).json()) as { access_token: string; staff: { staff_key: string } };
    const board = new HostPage(page, server.url);
    await board.waitLive();
    const joinedAt = Date.now();

    // Past the first token's lifetime, with a margin for the server's expiry sweep.
    await page.waitForTimeout(Math.max(0, joinedAt + (TTL_SECONDS + 15) * 1000 - Date.now()));
    expect((await api(server, 'GET', '/api/admin/orders', { token: first.access_token })).status).toBe(401);
    expect(refreshes.length).toBeGreaterThan(0);
    expect(refreshes.every((status) => status === 200)).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    await board.waitLive();
    // The renewed token replaced each subscription before the first one expired: none was ended.
    expect(refusals).toEqual([]);
    const renewedChannels = subscribes.filter((s) => s.token !== first.access_token).map((s) => s.channel);
    expect(renewedChannels).toEqual(expect.arrayContaining(['/admin/new-orders', '/admin/order-updates']));

    // The board still hears new orders and its taps still land, by Robin.
    const host = await hostToken();
    const drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id as string;
    const walkup = await api(server, 'POST', '/api/admin/orders', { token: host, body: { drink_id: drinkId, name: 'After the hour' } });
    const id = walkup.body.order.id as string;
    await board.card(id).waitFor({ timeout: 10_000 });
    await board.mark(id, 'preparing');
    await expect
      .poll(async () => (await api(server, 'GET', '/api/admin/orders', { token: host })).body.orders.find((o: { id: string }) => o.id === id).changed_by)
      .toEqual({ role: 'bartender', name: 'Robin' });

    // Revoked: the board ends at once (its socket is closed, renewal is refused).
    expect((await api(server, 'POST', `/api/admin/staff/${first.staff.staff_key}/revoke`, { token: host })).status).toBe(200);
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('main.auth [role="status"]').textContent()).toContain('You were signed out');
  }, 150_000);
});
