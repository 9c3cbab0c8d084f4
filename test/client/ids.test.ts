import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../../client/lib/ids.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('order ids the app makes itself', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('are UUIDs v4 where crypto.randomUUID exists (a secure context)', () => {
    expect(newId()).toMatch(UUID_V4);
  });

  it('are UUIDs v4, all different, on a plain-HTTP LAN page, where crypto.randomUUID is missing', () => {
    // What Chromium gives a page at http://<LAN address>: getRandomValues, no randomUUID.
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) });
    expect(crypto.randomUUID).toBeUndefined();
    const ids = Array.from({ length: 1000 }, newId);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(1000);
  });
});
