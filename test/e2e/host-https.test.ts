import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { lanAddress } from '../../server/network.ts';
import { startAcmeTestbed, type AcmeTestbed } from '../support/acme-testbed.ts';
import { DUCKDNS_TOKEN, startDuckDnsStandIn, type DuckDnsStandIn } from '../support/dns-stand-ins.ts';
import { missing } from '../support/skips.ts';
import { TEST_ADMIN, type TestServer } from '../support/server.ts';
import { startE2eTestServer } from './support/e2e-server.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HostPage } from './support/host-page.ts';

const LAN = lanAddress();

/** The board's HTTPS line in each state a host can meet, checked by axe, photographed with SCREENSHOTS=1. */
describe.skipIf(!browserAvailable() || missing(Boolean(LAN), 'host-https', 'needs a non-loopback IPv4 address for the router check'))('host board: the HTTPS state', () => {
  let testbed: AcmeTestbed;
  let duckdns: DuckDnsStandIn;
  let trapped: DuckDnsStandIn;
  let browser: Browser;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    if (process.env.SCREENSHOTS === '1') await fs.mkdir('docs/screenshots', { recursive: true });
    testbed = await startAcmeTestbed();
    duckdns = await startDuckDnsStandIn(testbed, { accounts: { [DUCKDNS_TOKEN]: ['party', 'typed'] } });
    trapped = await startDuckDnsStandIn(testbed, { accounts: { [DUCKDNS_TOKEN]: ['trap'] }, publishAddresses: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
    await duckdns?.stop();
    await trapped?.stop();
    await testbed?.stop();
  });

  /** Signs in on a phone-sized board of a server started with `env`, and waits for the HTTPS state. */
  async function board(env: Record<string, string>, state: string, ready?: (page: Page) => Promise<unknown>): Promise<Page> {
    const server = await startE2eTestServer(env);
    servers.push(server);
    const page = await (await phoneContext(browser, { width: 390, height: 844 })).newPage();
    const host = new HostPage(page, server.url);
    await host.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    // The board polls every 3 s while a certificate is on its way.
    await page.locator(`[data-https-status="${state}"]`).waitFor({ timeout: 60_000 });
    await ready?.(page);
    expect(await seriousViolations(page)).toEqual([]);
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: `docs/screenshots/host-https-${name}.png` });
  }

  it('off: a chip that opens into what HTTPS would bring and how to turn it on', async () => {
    const page = await board({}, 'off');
    const https = page.locator('[data-https-status]');
    await expect(https.locator('summary').textContent()).resolves.toBe('HTTPS: off');
    expect(await https.getAttribute('open')).toBeNull();
    await https.locator('summary').click();
    await expect(https.textContent()).resolves.toContain('Set HTTPS_DOMAIN');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'off');
  });

  it('getting a certificate with manual DNS: open, showing the TXT record the host has to create', async () => {
    await testbed.setA('typed.duckdns.org', [LAN!]);
    const page = await board({ ...testbed.env, HTTPS_DOMAIN: 'typed.duckdns.org', HTTPS_DNS: 'manual' }, 'issuing', (p) =>
      p.locator('.https-step', { hasText: 'Create a TXT record' }).waitFor({ timeout: 60_000 }),
    );
    const https = page.locator('[data-https-status]');
    await expect(https.locator('summary').textContent()).resolves.toBe('HTTPS: getting a certificate…');
    await expect(https.getByRole('status').textContent()).resolves.toMatch(/^Create a TXT record at your DNS host: _acme-challenge\.typed\.duckdns\.org with the value \S+/);
    await screenshot(page, 'issuing');
  });

  it('on: valid until a date, renewing by itself', async () => {
    const page = await board({ ...testbed.env, ...duckdns.env('party.duckdns.org') }, 'active');
    const https = page.locator('[data-https-status]');
    await expect(https.locator('summary').textContent()).resolves.toMatch(/^HTTPS: on until /);
    await https.locator('summary').click();
    await expect(https.textContent()).resolves.toMatch(/Guests use https:\/\/party\.duckdns\.org:\d+\./);
    await screenshot(page, 'active');
  });

  it('failed: open, with the reason in one line and what guests get meanwhile', async () => {
    const page = await board({ ...testbed.env, ...duckdns.env('party.duckdns.org', '00000000-0000-4000-8000-000000000000') }, 'failed');
    const alert = page.locator('[data-https-status]').getByRole('alert');
    await expect(alert.textContent()).resolves.toContain("DuckDNS refused the update: DUCKDNS_TOKEN is wrong, or party.duckdns.org is not one of that account's domains.");
    await screenshot(page, 'failed');
  });

  it('the router trap: on, and a warning that phones may not find the name, with what to do', async () => {
    const page = await board({ ...testbed.env, ...trapped.env('trap.duckdns.org') }, 'active', (p) =>
      p.locator('[data-router-trap]').waitFor({ timeout: 60_000 }),
    );
    const warning = page.locator('[data-router-trap]');
    await expect(warning.textContent()).resolves.toContain(`From this laptop trap.duckdns.org resolves to nothing, not to ${LAN}.`);
    await screenshot(page, 'router-trap');
  });
});
