import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureFromServer, installWebSocket, subscribe } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * One composition root (server/composition.ts): every service is built once into a record with
 * no optional member, and a revocation, wherever it was decided, takes effect through one handler.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
});
afterAll(async () => {
  await server?.stop();
});

describe('the composition root', () => {
  it('builds every member of the context: none is missing, none is filled in later', () => {
    const missing = Object.entries(server.ctx).filter(([, value]) => value === undefined || value === null);
    expect(missing.map(([name]) => name)).toEqual([]);
    for (const name of ['orders', 'push', 'live', 'guestAdmin', 'guestAuth', 'registrationCodes', 'menu']) {
      expect(server.ctx, name).toHaveProperty(name);
    }
  });

  it('a guest.revoked event, as another instance would send it, refuses the guest’s tokens and closes their socket', async () => {
    const guest = await createGuestDirect(server, 'Elsewhere');
    const live = await subscribe(`/orders/${guest.user_key}`, guest.access_token);
    await live.ready;
    expect((await api(server, 'GET', '/api/me', { token: guest.access_token })).status).toBe(200);
    // Straight on the bus, as the relay from another instance delivers it: no service of this
    // instance marked anything first, so the one handler alone must do both.
    server.ctx.events.emit('guest.revoked', { user_key: guest.user_key });
    await expect.poll(() => live.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(JSON.stringify(live.errors)).toMatch(/UnauthorizedException/);
    expect((await api(server, 'GET', '/api/me', { token: guest.access_token })).status).toBe(401);
    await live.close().catch(() => undefined);
  }, 20_000);
});
