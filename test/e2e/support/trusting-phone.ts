import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser.ts';
import { chromiumPath } from './chromium.ts';

/**
 * A phone on the party's Wi-Fi that trusts a CA (Pebble's root here, as phones trust Let's
 * Encrypt's) and resolves names where the test says, as the router would. The root goes into
 * an NSS database under a HOME of the test's own (certutil), where Chromium on Linux reads
 * user-trusted roots; the names go through --host-resolver-rules. A persistent profile, not
 * an incognito context: installability is only judged outside incognito.
 */
export async function launchTrustingPhone(options: { rootPem: string; resolve: Record<string, string> }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'barback-phone-'));
  const home = path.join(dir, 'home');
  const nssdb = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(nssdb, { recursive: true });
  fs.writeFileSync(path.join(dir, 'root.pem'), options.rootPem);
  execFileSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', `sql:${nssdb}`, '-t', 'C,,', '-n', 'test-root', '-i', path.join(dir, 'root.pem')], { stdio: 'ignore' });
  const rules = Object.entries(options.resolve).map(([name, address]) => `MAP ${name} ${address}`).join(', ');
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: chromiumPath()!,
    headless: true,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=${rules}`],
    env: { ...process.env, HOME: home },
    viewport: { width: 360, height: 740 },
    locale: 'en-US',
    serviceWorkers: 'allow',
    hasTouch: true,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
