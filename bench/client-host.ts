/**
 * The host dashboard's share of `npm run bench -- client` (bench/client.ts calls measureHost):
 * 1. the gzip size of the host chunk (its JavaScript and CSS), which guests never download;
 * 2. in Chromium without throttling, the time from the open-orders answer arriving to the
 *    board with 200 open orders painted, measured inside the page from outside the app (a
 *    script the bench adds: the open-orders answer read → the cards in the DOM → the next
 *    frame painted; the app carries no bench hooks), over several reloads. barback serves the
 *    built app as its own process on a fresh PostgreSQL database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, phoneContext } from '../test/e2e/support/browser.ts';
import { chromiumPath } from '../test/e2e/support/chromium.ts';
import { HostPage } from '../test/e2e/support/host-page.ts';
import { BENCH_ADMIN, DIST, adminLogin, apiCall, createDatabase, ensureClientBuilt, gzipKb, scaled, showSpread, spawnBarback, spread } from './support.ts';

const ORDERS = 200;
const RUNS = scaled(7, 3);
const TARGET_MS = 100;

function hostChunkGzipKb(): { js: number; css: number } {
  const assets = path.join(DIST, 'assets');
  const sum = (ext: string) =>
    fs
      .readdirSync(assets)
      .filter((name) => name.startsWith('admin-app-') && name.endsWith(ext))
      .reduce((total, name) => total + gzipKb(path.join(assets, name)), 0);
  return { js: sum('.js'), css: sum('.css') };
}

async function boardRenderTimes(): Promise<{ commit: number; painted: number }[]> {
  const database = await createDatabase('host_board');
  // Ten open orders per guest, so 200 orders need only 20 guests.
  const server = await spawnBarback({ DATABASE_URL: database.url, MAX_ACTIVE_ORDERS: '10', CLIENT_DIR: DIST });
  const browser = await launchBrowser();
  try {
    const url = server.url;
    const token = await adminLogin(url);
    const drinks = (await apiCall(url, 'GET', '/api/drinks')).drinks as { id: string }[];
    const { code } = await apiCall(url, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: ORDERS / 10 } });
    for (let g = 0; g < ORDERS / 10; g++) {
      const guest = await apiCall(url, 'POST', '/api/register', { body: { username: `Guest ${g + 1}` }, headers: { 'x-registration-code': code } });
      for (let n = 0; n < 10; n++) {
        const drink = drinks[(g + n) % drinks.length]!;
        const placed = await apiCall(url, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drink.id, notes: n % 3 ? null : 'no ice' } });
        const status = (['pending', 'pending', 'preparing', 'ready'] as const)[n % 4];
        if (status !== 'pending') await apiCall(url, 'PATCH', `/api/admin/orders/${placed.order.id}`, { token, body: { status } });
      }
    }
    const context = await phoneContext(browser, { width: 1024, height: 768 });
    await context.addInitScript(observeBoardRender, ORDERS);
    const host = new HostPage(await context.newPage(), url);
    await host.signIn(BENCH_ADMIN.email, BENCH_ADMIN.password);
    const times: { commit: number; painted: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      await host.page.reload();
      await host.page.waitForFunction(() => performance.getEntriesByName('barback:board-render').length > 0, null, { timeout: 30_000 });
      const cards = await host.page.locator('.board [data-order-id]').count();
      if (cards !== ORDERS) throw new Error(`board shows ${cards} orders, expected ${ORDERS}`);
      const [commit, painted] = await host.page.evaluate(() =>
        ['barback:board-commit', 'barback:board-render'].map((name) => performance.getEntriesByName(name)[0]?.duration ?? NaN),
      );
      times.push({ commit: commit ?? NaN, painted: painted ?? NaN });
    }
    return times;
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
  }
}

/**
 * Runs in the page before the app: marks `barback:board-snapshot` when the open-orders answer
 * has been read, measures `barback:board-commit` when the expected cards are in the DOM, and
 * `barback:board-render` once the frame after that is painted.
 */
function observeBoardRender(expected: number): void {
  const read = Response.prototype.text;
  Response.prototype.text = async function (this: Response) {
    const text = await read.call(this);
    if (this.url.includes('/api/admin/orders?status=') && performance.getEntriesByName('barback:board-snapshot').length === 0) performance.mark('barback:board-snapshot');
    return text;
  };
  new MutationObserver((_, observer) => {
    if (performance.getEntriesByName('barback:board-snapshot').length === 0) return;
    if (document.querySelectorAll('.board [data-order-id]').length < expected) return;
    observer.disconnect();
    performance.measure('barback:board-commit', 'barback:board-snapshot');
    // A task queued from the frame callback runs once that frame is painted.
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark('barback:board-rendered');
        performance.measure('barback:board-render', 'barback:board-snapshot', 'barback:board-rendered');
      }),
    );
  }).observe(document, { childList: true, subtree: true });
}

/** A Markdown fragment (table rows and a note) for the Client section of docs/PERFORMANCE.md. */
export async function measureHost(): Promise<string> {
  ensureClientBuilt();
  const size = hostChunkGzipKb();
  const rows = [`| host dashboard chunk (gzip; JS + CSS) | ${size.js.toFixed(1)} KB + ${size.css.toFixed(1)} KB | guests never load it |`];
  if (!chromiumPath()) return `${rows.join('\n')}\n\nNo Chromium: board render time not measured.\n`;
  const runs = await boardRenderTimes();
  const describe = (values: number[]) => `${showSpread(spread(values), 1)} ms`;
  rows.push(
    `| host board: ${ORDERS} open orders, answer → DOM committed (median of ${RUNS}, no CPU throttling) | ${describe(runs.map((r) => r.commit))} | React render + commit |`,
    `| host board: ${ORDERS} open orders, answer → painted (median of ${RUNS}, no CPU throttling) | ${describe(runs.map((r) => r.painted))} | target ≤ ${TARGET_MS} ms |`,
  );
  return `${rows.join('\n')}\n`;
}
