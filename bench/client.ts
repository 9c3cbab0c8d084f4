/**
 * `npm run bench -- client`: what a guest's phone pays before the menu shows.
 * 1. The gzip size of the JavaScript loaded before the menu (the entry script and its
 *    modulepreloads in dist/index.html; the host dashboard and the lazily loaded live
 *    connection are listed apart, they are not on that path).
 * 2. In Chromium with 4× CPU throttling: navigation → first drink visible, cold (no HTTP
 *    cache, no service worker, no saved menu; only the guest's session kept) and warm (the
 *    service worker and the saved menu in place), over several runs. barback serves the built
 *    app as its own process on a fresh PostgreSQL database. Interleaved with the runs, the
 *    same measure on the floor: a bare page (bare Node http) that fetches the same menu JSON
 *    and lists it with plain DOM, no framework, no storage.
 */
import { measureHost } from './client-host.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, phoneContext } from '../test/e2e/support/browser.ts';
import { chromiumPath } from '../test/e2e/support/chromium.ts';
import {
  DIST,
  adminLogin,
  apiCall,
  createDatabase,
  ensureClientBuilt,
  gzipKb,
  scaled,
  showSpread,
  spawnBarback,
  spawnServer,
  spread,
  type SpawnedProcess,
} from './support.ts';

const RUNS = scaled(5, 2);
function initialJs(): { files: string[]; kb: number; lazy: { name: string; kb: number }[] } {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]!);
  const files = [...new Set(refs)].filter((ref) => !/admin/.test(ref));
  const kb = files.reduce((sum, ref) => sum + gzipKb(path.join(DIST, ref)), 0);
  const all = fs.readdirSync(path.join(DIST, 'assets')).filter((name) => name.endsWith('.js'));
  const lazy = all
    .filter((name) => !files.some((ref) => ref.endsWith(name)))
    .map((name) => ({ name, kb: gzipKb(path.join(DIST, 'assets', name)) }));
  return { files, kb, lazy };
}

/** navigation → first drink in the DOM, measured inside the page (performance.now is relative to navigation start). */
async function timeMenu(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('[data-drink-id]', { timeout: 60_000 });
  return page.evaluate(() => (window as unknown as { __menuAt?: number }).__menuAt ?? performance.now());
}

/** A join link for a new guest: a registration code from the host, on this server's address. */
async function joinUrl(url: string): Promise<string> {
  const code = await apiCall(url, 'POST', '/api/admin/registration-codes', { token: await adminLogin(url), body: { max_uses: 5, expires_in_hours: 4 } });
  const join = new URL(code.join_url as string);
  return `${url}${join.pathname}${join.search}`;
}

export async function run(): Promise<{ markdown: string }> {
  ensureClientBuilt();
  const js = initialJs();
  const lines = [
    `| guest JS before the menu (gzip) | ${js.kb.toFixed(1)} KB | target ≤ 100 KB |`,
    ...js.lazy.map((chunk) => `| not on that path: ${chunk.name.replace(/-[\w-]{8}\.js$/, '')} (gzip) | ${chunk.kb.toFixed(1)} KB | ${/admin/.test(chunk.name) ? 'host dashboard only' : 'loaded after the menu shows'} |`),
  ];
  if (!chromiumPath()) {
    return { markdown: `${['| measure | value | note |', '|---|---|---|', ...lines].join('\n')}\n\nNo Chromium: load times not measured.\n` };
  }

  const database = await createDatabase('client');
  const servers: SpawnedProcess[] = [];
  const menuFile = path.join(os.tmpdir(), `barback-client-menu-${process.pid}.json`);
  const browser = await launchBrowser();
  try {
    const barback = await spawnBarback({ DATABASE_URL: database.url, CLIENT_DIR: DIST });
    servers.push(barback);
    const menu = await fetch(`${barback.url}/api/drinks`);
    fs.writeFileSync(menuFile, Buffer.from(await menu.arrayBuffer()));
    const bare = await spawnServer('bench/baselines/static-json.ts', ['node', menuFile, menu.headers.get('etag')!]);
    servers.push(bare);

    const context = await phoneContext(browser);
    await context.addInitScript(() => {
      new MutationObserver((_records, observer) => {
        if (document.querySelector('[data-drink-id]')) {
          (window as unknown as { __menuAt?: number }).__menuAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    await page.goto(await joinUrl(barback.url));
    await page.getByLabel('Your name').fill('Bench');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForSelector('[data-drink-id]');
    await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller));

    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const origin = barback.url;
    const cold: number[] = [];
    const warm: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      await cdp.send('Network.clearBrowserCache');
      floor.push(await timeMenu(page, `${bare.url}/menu.html`));
      // Cold: no worker, no caches, no saved menu — the session alone is kept so the menu can show.
      // They are cleared from a same-origin page that does not run the app (/api is not the app's).
      await page.goto(`${origin}/api/health`);
      await page.evaluate(async () => {
        for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
        for (const name of await caches.keys()) await caches.delete(name);
        await new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('barback');
          open.onsuccess = () => {
            const tx = open.result.transaction('menu', 'readwrite');
            tx.objectStore('menu').clear();
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        });
      });
      await cdp.send('Network.clearBrowserCache');
      cold.push(await timeMenu(page, `${origin}/menu`));
      // Let the new worker install and take the page, then measure warm loads.
      await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller), undefined, { timeout: 60_000 });
      await page.waitForFunction(async () => (await caches.keys()).some((name) => name.includes('precache')), undefined, { timeout: 60_000 });
      warm.push(await timeMenu(page, `${origin}/menu`));
      process.stdout.write(`  run ${i + 1}/${RUNS}: bare page ${floor.at(-1)!.toFixed(0)} ms, cold ${cold.at(-1)!.toFixed(0)} ms, warm ${warm.at(-1)!.toFixed(0)} ms\n`);
    }
    const fmt = (values: number[]) => `${showSpread(spread(values))} ms`;
    const times = (values: number[]) => `${(spread(values).median / spread(floor).median).toFixed(1)}× the bare page`;
    lines.push(`| menu visible, warm, 4× CPU throttling (${RUNS} runs) | ${fmt(warm)} | target ≤ 500 ms; ${times(warm)} |`);
    lines.push(`| menu visible, cold, 4× CPU throttling (${RUNS} runs) | ${fmt(cold)} | no HTTP cache, no worker, no saved menu; ${times(cold)} |`);
    lines.push(`| floor: a bare page fetching the same menu JSON, plain DOM, 4× CPU throttling (${RUNS} runs) | ${fmt(floor)} | no HTTP cache; same run |`);
  } finally {
    await browser.close();
    await Promise.all(servers.map((server) => server.stop()));
    fs.rmSync(menuFile, { force: true });
    await database.drop();
  }
  const markdown = [
    'Chromium (headless, 360×740), barback on 127.0.0.1 as its own process, time from navigation start to the first drink in the DOM; median (min–max over runs), runs interleaved.',
    '',
    '| measure | value | note |',
    '|---|---|---|',
    ...lines,
    '',
    '### Host dashboard',
    '',
    '| measure | value | note |',
    '|---|---|---|',
    await measureHost(),
    '',
  ].join('\n');
  return { markdown };
}
