import { vi } from 'vitest';

/**
 * The client modules call relative paths (`/api/orders`), as a page does. In Node this gives
 * them an origin: the real barback under test, or an address where nothing listens (the LAN
 * drop a phone sees when the laptop is gone). Nothing answers in barback's place; every
 * request the app makes is logged for the test to read.
 */
export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

export function serveAppFrom(origin: () => string): SentRequest[] {
  const sent: SentRequest[] = [];
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', async (input: string | URL, init: RequestInit = {}) => {
    // The test's own calls (absolute URLs, e.g. api() of test/support) pass straight through.
    if (typeof input !== 'string' || !input.startsWith('/')) return realFetch(input, init);
    const headers = new Headers(init.headers);
    sent.push({ method: init.method ?? 'GET', path: input, body: init.body ? JSON.parse(String(init.body)) : undefined, authorization: headers.get('authorization') });
    return realFetch(new URL(input, origin()), init);
  });
  return sent;
}
