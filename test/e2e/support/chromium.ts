import fs from 'node:fs';

/** Where the browser suite finds Chromium: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(p));
}

/**
 * Without Chromium the browser suite says so loudly and skips; REQUIRE_BROWSER=1 (set by
 * .ci/run) turns that skip into a failure, so CI always runs it.
 */
export function browserAvailable(): boolean {
  if (chromiumPath()) return true;
  const message =
    '!!! BROWSER TESTS SKIPPED: no Chromium at CHROMIUM_PATH or /usr/bin/chromium (apt-get install -y chromium) !!!';
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`${message} — and REQUIRE_BROWSER=1 forbids skipping`);
  console.warn(message);
  return false;
}
