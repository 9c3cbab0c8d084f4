import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * Makes every page of a context behave as the installed (Home Screen) app: the media query
 * `(display-mode: standalone)` matches, and Safari's `navigator.standalone` is true. Chromium
 * offers no switch for the display mode of a page opened by a test (the DevTools protocol's
 * media emulation does not cover it), so the answer is given before any app code runs. The
 * context's storage is its own, as an iPhone's Home Screen app's is not Safari's.
 */
const STANDALONE = () => {
  const original = window.matchMedia.bind(window);
  window.matchMedia = (query: string) => {
    const list = original(query);
    if (!/display-mode:\s*standalone/.test(query)) return list;
    return Object.create(list, { matches: { value: true }, media: { value: list.media } }) as MediaQueryList;
  };
  Object.defineProperty(navigator, 'standalone', { value: true, configurable: true });
};

export async function installedAppContext(browser: Browser, options: { userAgent?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: 'en-US',
    serviceWorkers: 'allow',
    hasTouch: true,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  await context.addInitScript(STANDALONE);
  return context;
}

/** A new page of the installed app. */
export async function openInstalledApp(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}
