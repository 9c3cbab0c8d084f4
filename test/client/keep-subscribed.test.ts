import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keepSubscribed, renewalCheckMs } from '../../client/lib/live-events.ts';
import { BAR_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import type { GuestOrderStatusChangedEvent } from '../../shared/events.ts';
import { installWebSocket } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { serveAppFrom } from './app-origin.ts';

/**
 * The one "keep subscribed" helper both apps use (client/lib/live-events.ts), with the real
 * Amplify Events client against a real barback: a refused subscription is made again with a
 * fresh token, and stopping it stops for good.
 */
let server: TestServer;
let admin: string;
let drinkId: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
  drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
  installWebSocket({ plainHttp: true });
  serveAppFrom(() => server.url);
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.stop();
});
afterEach(() => vi.useRealTimers());

describe('keeping a live subscription', () => {
  it('a refused subscription is made again with a fresh token, and events then arrive', async () => {
    const guest = await createGuestDirect(server, 'Kept Kim');
    const tokens = ['not-a-valid-token', guest.access_token];
    const asked: string[] = [];
    const failures: unknown[] = [];
    const received: GuestOrderStatusChangedEvent[] = [];
    let readyCount = 0;
    const abort = new AbortController();
    const ready = new Promise<void>((resolve) => {
      void keepSubscribed<GuestOrderStatusChangedEvent>({
        channel: guestOrdersChannel(guest.user_key),
        token: async () => {
          const token = tokens[Math.min(asked.length, tokens.length - 1)]!;
          asked.push(token);
          return token;
        },
        onEvent: (event) => received.push(event),
        onReady: () => {
          readyCount += 1;
          resolve();
        },
        onFailure: (error) => failures.push(error),
        signal: abort.signal,
      });
    });
    try {
      await ready;
      expect(asked).toEqual(['not-a-valid-token', guest.access_token]);
      expect(failures).toHaveLength(1);
      expect(readyCount).toBe(1);

      const placed = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinkId } });
      expect(placed.status).toBe(201);
      const id = placed.body.order.id as string;
      expect((await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status: 'preparing' } })).status).toBe(200);
      await expect.poll(() => received.map((event) => [event.order_id, event.status]), { timeout: 10_000 }).toContainEqual([id, 'preparing']);
    } finally {
      abort.abort();
    }
  });

  /** Publishes `{"n":0}`, `{"n":1}`, … to `channel` every 100 ms until stopped; returns how many. */
  const publishSteadily = (channel: string) => {
    let n = 0;
    const timer = setInterval(() => server.ctx.events.publishClientEvents(channel, [JSON.stringify({ n: n++ })]), 100);
    return () => {
      clearInterval(timer);
      return n;
    };
  };
  const shortToken = (userKey: string, username: string, seconds: number) => server.ctx.tokens.signGuest(userKey, username, seconds);

  it('a renewed token replaces the subscription before the old one expires: nothing missed, nothing twice, no failure', async () => {
    const guest = await createGuestDirect(server, 'Renewing Rae');
    const channel = guestOrdersChannel(guest.user_key);
    // A 12-second token (checked for renewal every 5 s), renewed to another after 3 s.
    const first = await shortToken(guest.user_key, guest.username, 12);
    const renewed = await shortToken(guest.user_key, guest.username, 3_600);
    const startedAt = Date.now();
    const asked: string[] = [];
    const failures: unknown[] = [];
    const readies: boolean[] = [];
    const received: number[] = [];
    const abort = new AbortController();
    void keepSubscribed<{ n: number }>({
      channel,
      token: async () => {
        const token = Date.now() - startedAt < 3_000 ? first : renewed;
        asked.push(token);
        return token;
      },
      onEvent: (event) => received.push(event.n),
      onReady: (afterFailure) => readies.push(afterFailure),
      onFailure: (error) => failures.push(error),
      signal: abort.signal,
    });
    try {
      await expect.poll(() => readies, { timeout: 10_000 }).toEqual([false]);
      const stop = publishSteadily(channel);
      // Past the first token's expiry (12 s, and the server's sweep after it).
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + 15_000 - Date.now())));
      const sent = stop();
      await expect.poll(() => received.length, { timeout: 5_000 }).toBe(sent);
      expect(received, 'every event once, in order, across the swap').toEqual([...Array(sent).keys()]);
      expect(failures, 'the old subscription was replaced, never expired').toEqual([]);
      expect(readies).toEqual([false]);
      expect(asked).toContain(renewed);
    } finally {
      abort.abort();
    }
  }, 30_000);

  it('an expired subscription ends alone: the socket and the other subscriptions keep receiving, and it comes back with a fresh token', async () => {
    const guest = await createGuestDirect(server, 'Expiring Eve');
    const orders = guestOrdersChannel(guest.user_key);
    // Never renewed until it failed: the server ends it at expiry.
    const short = await shortToken(guest.user_key, guest.username, 4);
    let failed = false;
    const readies: boolean[] = [];
    const receivedOrders: number[] = [];
    const receivedBar: number[] = [];
    const barFailures: unknown[] = [];
    let barReady = false;
    const abort = new AbortController();
    void keepSubscribed<{ n: number }>({
      channel: orders,
      token: async () => (failed ? guest.access_token : short),
      onEvent: (event) => receivedOrders.push(event.n),
      onReady: (afterFailure) => readies.push(afterFailure),
      onFailure: () => (failed = true),
      signal: abort.signal,
    });
    void keepSubscribed<{ n: number }>({
      channel: BAR_CHANNEL,
      token: async () => guest.access_token,
      onEvent: (event) => receivedBar.push(event.n),
      onReady: () => (barReady = true),
      onFailure: (error) => barFailures.push(error),
      signal: abort.signal,
    });
    try {
      await expect.poll(() => readies, { timeout: 10_000 }).toEqual([false]);
      await expect.poll(() => barReady, { timeout: 10_000 }).toBe(true);
      const stopBar = publishSteadily(BAR_CHANNEL);
      await expect.poll(() => failed, { timeout: 10_000 }).toBe(true);
      await expect.poll(() => readies, { timeout: 10_000 }).toEqual([false, true]);
      server.ctx.events.publishClientEvents(orders, [JSON.stringify({ n: 7 })]);
      await expect.poll(() => receivedOrders, { timeout: 5_000 }).toContain(7);
      const sent = stopBar();
      await expect.poll(() => receivedBar.length, { timeout: 5_000 }).toBe(sent);
      expect(receivedBar, 'the other subscription on the socket missed nothing').toEqual([...Array(sent).keys()]);
      expect(barFailures).toEqual([]);
    } finally {
      abort.abort();
    }
  }, 30_000);

  it('a subscription that ends leaves no renewal check behind: the pause ends with it', async () => {
    const guest = await createGuestDirect(server, 'Tidy Tom');
    // Checked for renewal every 5 s, ended by the server at its expiry (about 4 s): the check
    // under way when it ends must go with it, not linger until it fires.
    const short = await shortToken(guest.user_key, guest.username, 4);
    const every = renewalCheckMs(short)!;
    expect(every).toBe(5_000);
    // The renewal checks live-events.ts has waiting: its timers of that length, until fired or cleared.
    const waiting = new Set<unknown>();
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const ours = ms === every && /client[\\/]lib[\\/]live-events\.ts/.test(new Error().stack ?? '');
      const handle: unknown = realSetTimeout(() => {
        waiting.delete(handle);
        callback(...args);
      }, ms);
      if (ours) waiting.add(handle);
      return handle;
    }) as typeof setTimeout);
    vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((handle?: Parameters<typeof clearTimeout>[0]) => {
      waiting.delete(handle);
      realClearTimeout(handle);
    }) as typeof clearTimeout);
    let checksAtReady: number | undefined;
    let checksAtFailure: number | undefined;
    const abort = new AbortController();
    void keepSubscribed({
      channel: guestOrdersChannel(guest.user_key),
      token: async () => short,
      onEvent: () => undefined,
      onReady: () => void realSetTimeout(() => (checksAtReady ??= waiting.size), 100),
      onFailure: () => (checksAtFailure ??= waiting.size),
      signal: abort.signal,
    });
    try {
      await expect.poll(() => checksAtFailure, { timeout: 10_000 }).toBeDefined();
      expect(checksAtReady, 'a renewal check was waiting while the subscription held').toBe(1);
      expect(checksAtFailure, 'none is left once the server has ended it').toBe(0);
    } finally {
      abort.abort();
      vi.restoreAllMocks();
    }
  }, 20_000);

  it('a token of undefined (signed out) ends the loop, and so does the abort signal', async () => {
    let asked = 0;
    const ended = keepSubscribed({
      channel: BAR_CHANNEL,
      token: async () => {
        asked += 1;
        return undefined;
      },
      onEvent: () => undefined,
      signal: new AbortController().signal,
    });
    await expect(ended).resolves.toBeUndefined();
    expect(asked).toBe(1);

    const abort = new AbortController();
    const failing = keepSubscribed({
      channel: BAR_CHANNEL,
      token: async () => {
        throw new Error('no token today');
      },
      onEvent: () => undefined,
      signal: abort.signal,
    });
    abort.abort();
    await expect(failing).resolves.toBeUndefined();
  });
});
