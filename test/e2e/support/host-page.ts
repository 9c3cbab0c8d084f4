import type { Locator, Page } from 'playwright-core';
import type { TestServer } from '../../support/server.ts';
import { freePort } from '../../support/net.ts';
import { startE2eTestServer } from './e2e-server.ts';

export const HOST = { email: 'bar@party.test', password: 'shaken not stirred' };

/**
 * A barback with no host account yet (so it has a setup link), on a known port with
 * PUBLIC_URL set to it: join links and QR codes then point at this very server, and a
 * guest browser can follow them.
 */
export async function startHostTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  return startE2eTestServer({
    ADMIN_EMAIL: '',
    ADMIN_PASSWORD: '',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  });
}

/**
 * The host dashboard as a test sees it, through the stable hooks of shared/UI.md
 * (accessible names in English, data-order-id / data-status / data-drink-id / data-code).
 */
export class HostPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async setup(token: string, email: string, password: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/setup?token=${encodeURIComponent(token)}`);
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await this.boardHeading().waitFor();
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/admin`);
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.boardHeading().waitFor();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.signInButton().waitFor();
  }

  signInButton(): Locator {
    return this.page.getByRole('button', { name: 'Sign in' });
  }

  /** Why the sign-in page is showing ("Signed out.", "You were signed out: …"). */
  signInNotice(): Locator {
    return this.page.locator('main.auth [role="status"]');
  }

  /** The host's Account screen: a new password (the current one proves it is the host). */
  async changePassword(current: string, next: string): Promise<void> {
    await this.open('Account');
    await this.page.getByLabel('Current password').fill(current);
    await this.page.getByLabel('New password').fill(next);
    await this.page.getByRole('button', { name: 'Change password' }).click();
  }

  passwordChanged(): Locator {
    return this.page.getByRole('status').filter({ hasText: 'Password changed' });
  }

  async signOutEverywhere(): Promise<void> {
    await this.open('Account');
    await this.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await this.page.getByRole('dialog').getByRole('button', { name: 'Yes, sign out everywhere' }).click();
    await this.signInButton().waitFor();
  }

  /** Opens a link from `npm run host -- reset-password` and sets the new password there. */
  async resetPassword(link: string, next: string): Promise<void> {
    await this.page.goto(link);
    await this.page.getByLabel('New password').fill(next);
    await this.page.getByRole('button', { name: 'Set new password' }).click();
    await this.boardHeading().waitFor();
  }

  boardHeading(): Locator {
    return this.page.getByRole('heading', { name: 'Orders', level: 1 });
  }

  /** In-app navigation through the header, as a host would tap it. */
  async open(section: 'Orders' | 'History' | 'Drinks' | 'Invite codes' | 'Guests' | 'Tonight' | 'Account'): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name: section, exact: false }).first().click();
  }

  async waitLive(): Promise<void> {
    await this.page.locator('[role="status"][data-connection="live"]').waitFor();
  }

  card(orderId: string): Locator {
    return this.page.locator(`.board [data-order-id="${orderId}"]`);
  }

  async enableSound(): Promise<void> {
    // Observed from outside the app: every tone the page starts is counted (a chime is two).
    await this.page.evaluate(() => {
      const counted = window as unknown as { __tonesStarted?: number };
      if (counted.__tonesStarted !== undefined) return;
      counted.__tonesStarted = 0;
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<OscillatorNode['start']>) {
        counted.__tonesStarted = (counted.__tonesStarted ?? 0) + 1;
        return start.apply(this, args);
      };
    });
    await this.page.getByRole('button', { name: 'Enable sound' }).click();
    await this.page.getByText('Sound on').waitFor();
  }

  /** How many chimes the page has played since `enableSound` (the one that confirms it included). */
  async soundsPlayed(): Promise<number> {
    return this.page.evaluate(() => Math.floor(((window as unknown as { __tonesStarted?: number }).__tonesStarted ?? 0) / 2));
  }

  async mark(orderId: string, next: 'preparing' | 'ready' | 'served'): Promise<void> {
    await this.card(orderId).getByRole('button', { name: `Mark ${next}` }).click();
  }

  async cancel(orderId: string): Promise<void> {
    await this.card(orderId).getByRole('button', { name: 'Cancel order' }).click();
    await this.page.getByRole('dialog').getByRole('button', { name: 'Yes, cancel it' }).click();
  }

  async createCode(options: { hours?: number; maxUses?: number; note?: string } = {}): Promise<string> {
    await this.open('Invite codes');
    const before = await this.page.locator('[data-code]').count();
    await this.page.getByRole('button', { name: 'New code' }).click();
    const dialog = this.page.getByRole('dialog');
    if (options.hours !== undefined) await dialog.getByLabel('Valid for (hours)').fill(String(options.hours));
    if (options.maxUses !== undefined) await dialog.getByLabel('Maximum guests').fill(String(options.maxUses));
    if (options.note !== undefined) await dialog.getByLabel('Note').fill(options.note);
    await dialog.getByRole('button', { name: 'Create code' }).click();
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-code]').length > n, before);
    // Newest first.
    return (await this.page.locator('[data-code]').first().getAttribute('data-code')) ?? '';
  }

  drinkRow(drinkId: string): Locator {
    return this.page.locator(`[data-drink-id="${drinkId}"]`);
  }

  availableSwitch(drinkId: string): Locator {
    return this.drinkRow(drinkId).getByRole('switch', { name: 'Available' });
  }
}
