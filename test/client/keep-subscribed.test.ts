import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keepSubscribed } from '../../client/lib/live-events.ts';
import { guestOrdersChannel } from '../../shared/channels.ts';
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

  it('a token of undefined (signed out) ends the loop, and so does the abort signal', async () => {
    let asked = 0;
    const ended = keepSubscribed({
      channel: '/menu',
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
      channel: '/menu',
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
