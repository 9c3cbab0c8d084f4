import fs from 'node:fs/promises';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupToken } from '../../server/admin/host-account.service.ts';
import { api, type TestServer } from '../support/server.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';

/**
 * The host's own account in Chromium: sign out (really ended on the server), a new
 * password, sign out everywhere, and the reset link `npm run host -- reset-password`
 * prints. Two devices: a phone behind the bar (A) and a tablet (B).
 */
describe.skipIf(!browserAvailable())('host dashboard: the host account', () => {
  let server: TestServer;
  let browser: Browser;
  let phone: HostPage;
  let tablet: HostPage;
  let password = HOST.password;
  const shots = process.env.SCREENSHOTS === '1';

  /** Signs in on a device and returns the token the server issued to it. */
  async function signIn(device: HostPage): Promise<string> {
    const answer = device.page.waitForResponse((r) => r.url().endsWith('/api/admin/login') && r.request().method() === 'POST');
    await device.signIn(HOST.email, password);
    return ((await (await answer).json()) as { access_token: string }).access_token;
  }
  const status = async (token: string) => (await api(server, 'GET', '/api/admin/sections', { token })).status;

  beforeAll(async () => {
    if (shots) await fs.mkdir('docs/screenshots', { recursive: true });
    server = await startHostTestServer();
    browser = await launchBrowser();
    const contexts: BrowserContext[] = [await phoneContext(browser, { width: 390, height: 844 }), await phoneContext(browser, { width: 1024, height: 768 })];
    phone = new HostPage(await contexts[0]!.newPage(), server.url);
    tablet = new HostPage(await contexts[1]!.newPage(), server.url);
    await phone.setup(server.setupToken as string, HOST.email, HOST.password);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Sign out ends the token on the server, shows that it did, and says "Signing out…" while it works', async () => {
    await phone.signOut();
    const token = await signIn(phone);
    expect(await status(token)).toBe(200);
    // Hold the request a moment to see the loading state.
    await phone.page.route('**/api/admin/logout', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await phone.page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => phone.page.getByRole('button', { name: 'Signing out…' }).isDisabled()).toBe(true);
    await phone.signInButton().waitFor();
    await phone.page.unroute('**/api/admin/logout');
    expect(await phone.signInNotice().textContent()).toBe('Signed out.');
    expect(await status(token)).toBe(401);
    expect(await seriousViolations(phone.page)).toEqual([]);
  });

  it('with the server unreachable, Sign out still signs out here and says the session lives on there', async () => {
    const token = await signIn(phone);
    await phone.page.route('**/api/admin/logout', (route) => route.abort('connectionrefused'));
    await phone.page.getByRole('button', { name: 'Sign out' }).click();
    await phone.signInButton().waitFor();
    await phone.page.unroute('**/api/admin/logout');
    expect(await phone.signInNotice().textContent()).toMatch(/^Signed out on this device only/);
    expect(await status(token)).toBe(200);
    if (shots) await phone.page.screenshot({ path: 'docs/screenshots/host-signed-out-offline.png' });
  });

  it('a new password keeps this device signed in, signs the other one out, and a wrong current password is an error in place', async () => {
    await signIn(phone);
    const tabletToken = await signIn(tablet);
    await tablet.waitLive();

    await phone.changePassword('not my password', 'whatever comes next');
    const alert = phone.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('The current password is wrong.');
    expect(await seriousViolations(phone.page)).toEqual([]);
    expect(await status(tabletToken)).toBe(200);

    const next = 'a fresh password for tonight';
    await phone.changePassword(password, next);
    await phone.passwordChanged().waitFor();
    password = next;
    expect(await phone.page.getByLabel('Current password').inputValue()).toBe('');
    expect(await seriousViolations(phone.page)).toEqual([]);
    if (shots) await phone.page.screenshot({ path: 'docs/screenshots/host-account.png', fullPage: true });
    // This device keeps working.
    await phone.open('Guests');
    await phone.page.getByRole('heading', { name: 'Guests', level: 1 }).waitFor();

    // The tablet, its board open and live, is signed out by itself: the server ended its subscriptions.
    expect(await status(tabletToken)).toBe(401);
    await tablet.signInButton().waitFor({ timeout: 10_000 });
    expect(await tablet.signInNotice().textContent()).toMatch(/^You were signed out/);
    expect(await seriousViolations(tablet.page)).toEqual([]);
  });

  it('Sign out everywhere asks first, then signs out every device', async () => {
    await phone.signOut();
    const phoneToken = await signIn(phone);
    const tabletToken = await signIn(tablet);
    await tablet.open('Drinks');
    await phone.open('Account');
    await phone.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    const dialog = phone.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Yes, sign out everywhere' }).waitFor();
    expect(await seriousViolations(phone.page)).toEqual([]);
    if (shots) await phone.page.screenshot({ path: 'docs/screenshots/host-sign-out-everywhere.png' });
    await dialog.getByRole('button', { name: 'Back' }).click();
    expect(await status(phoneToken)).toBe(200);

    await phone.signOutEverywhere();
    expect(await phone.signInNotice().textContent()).toBe('Signed out on every device.');
    expect(await status(phoneToken)).toBe(401);
    expect(await status(tabletToken)).toBe(401);
    // On any screen, the tablet is signed out by itself: the server ended its live subscriptions.
    await tablet.signInButton().waitFor({ timeout: 10_000 });
    expect(await tablet.signInNotice().textContent()).toMatch(/^You were signed out/);
  });

  it('the reset link from npm run host -- reset-password sets a new password in the browser and signs everyone else out', async () => {
    const tabletToken = await signIn(tablet);
    const { token } = await issueSetupToken(server.db);
    const link = `${server.url}/setup?token=${token}`;
    await phone.page.goto(link);
    await phone.page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await seriousViolations(phone.page)).toEqual([]);
    if (shots) await phone.page.screenshot({ path: 'docs/screenshots/host-password-reset.png' });

    const next = 'reset on the laptop';
    await phone.resetPassword(link, next);
    password = next;
    expect(await status(tabletToken)).toBe(401);
    await tablet.signInButton().waitFor({ timeout: 10_000 });
    await signIn(tablet);

    // The link is used up.
    await phone.page.goto(link);
    const used = phone.page.getByRole('alert');
    await used.waitFor();
    expect(await used.textContent()).toMatch(/invalid, expired or was already used/);
    expect(await seriousViolations(phone.page)).toEqual([]);
  });
});
