import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import jsQR from 'jsqr';
import type { Browser, Locator } from 'playwright-core';
import { api, type TestServer } from '../support/server.ts';
import { launchBrowser, phoneContext } from './support/browser.ts';
import { browserAvailable } from './support/chromium.ts';
import { HOST, HostPage, startHostTestServer } from './support/host-page.ts';

/** What a phone camera would read: a screenshot, decoded to pixels, searched for a QR code. */
async function decodeQr(element: Locator): Promise<string | undefined> {
  const png = await element.screenshot();
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data;
}

describe.skipIf(!browserAvailable())('host dashboard: invite codes', () => {
  let server: TestServer;
  let browser: Browser;
  let host: HostPage;
  let token: string;

  beforeAll(async () => {
    server = await startHostTestServer();
    browser = await launchBrowser();
    host = new HostPage(await (await phoneContext(browser, { width: 1024, height: 768 })).newPage(), server.url);
    await host.setup(server.setupToken as string, HOST.email, HOST.password);
    token = (await api(server, 'POST', '/api/admin/login', { body: HOST })).body.access_token;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function joinUrlOf(code: string): Promise<string> {
    const codes = (await api(server, 'GET', '/api/admin/registration-codes', { token })).body.codes as { code: string; join_url: string }[];
    return codes.find((c) => c.code === code)?.join_url as string;
  }

  it('a new code is listed with its uses and state, and its QR decodes to the join link', async () => {
    const code = await host.createCode({ hours: 8, maxUses: 40, note: 'Garden' });
    const row = host.page.locator(`[data-code="${code}"]`);
    expect(await row.textContent()).toContain('40 of 40 uses left');
    expect(await row.getAttribute('data-state')).toBe('active');
    await row.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    expect(await decodeQr(row.locator('img'))).toBe(await joinUrlOf(code));
  });

  it('the printable page shows the party name and a QR that decodes to the join link', async () => {
    const code = await host.createCode({ maxUses: 10 });
    await host.page.locator(`[data-code="${code}"]`).getByRole('link', { name: 'Print' }).click();
    await host.page.getByLabel('Party name').fill("Mia's 30th");
    await host.page.emulateMedia({ media: 'print' });
    await host.page.getByRole('heading', { name: "Mia's 30th" }).waitFor();
    const qr = host.page.locator(`.print-sheet [data-code="${code}"] img`);
    await qr.waitFor();
    await qr.evaluate((img: HTMLImageElement) => img.decode());
    expect(await decodeQr(host.page.locator('.print-sheet'))).toBe(await joinUrlOf(code));
    expect(await host.page.getByRole('navigation').isVisible()).toBe(false);
    await host.page.emulateMedia({ media: 'screen' });
  });

  it('the full-screen QR decodes too, and a revoked code says so and stops admitting guests', async () => {
    await host.open('Invite codes');
    const code = await host.createCode({ maxUses: 3 });
    const row = host.page.locator(`[data-code="${code}"]`);
    await row.getByRole('button', { name: 'Show QR' }).click();
    const big = host.page.getByRole('dialog').getByRole('img', { name: 'QR code to join the party' });
    await big.evaluate((img: HTMLImageElement) => img.decode());
    expect(await decodeQr(big)).toBe(await joinUrlOf(code));
    await host.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('revoked');
    const refused = await api(server, 'POST', '/api/register', { headers: { 'x-registration-code': code }, body: { username: 'Late' } });
    expect(refused.status).toBe(401);
  });
});
