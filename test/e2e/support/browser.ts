import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { chromiumPath } from './chromium.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('no Chromium found');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** A phone-sized context in English, as the UI hooks are specified in English. */
export async function phoneContext(browser: Browser, options: { width?: number; height?: number } = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: options.width ?? 360, height: options.height ?? 740 },
    locale: 'en-US',
    serviceWorkers: 'allow',
    hasTouch: true,
  });
}
