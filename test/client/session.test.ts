import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../client/lib/db.ts';
import { SessionEndedError } from '../../client/lib/http.ts';
import { accessToken, loadSession, refreshSession, saveSession } from '../../client/lib/session.ts';
import { freePort } from '../support/net.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createCode, register, type Registered } from '../server/guests-support.ts';
import { serveAppFrom, type SentRequest } from './app-origin.ts';

/**
 * The phone's token session (client/lib/session.ts) against a real barback. The server has no
 * reuse grace here, so a refresh token presented twice would sign the guest out everywhere:
 * a second refresh cannot hide behind the grace period.
 */
let server: TestServer;
let code: string;
let origin: string;
let sent: SentRequest[];
let guest: Registered;

beforeAll(async () => {
  server = await startTestServer({ REFRESH_REUSE_GRACE: '0' });
  code = await createCode(server, await adminToken(server), { max_uses: 1000 });
});
afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  origin = server.url;
  sent = serveAppFrom(() => origin);
  const res = await register(server, code, 'Session Sam');
  expect(res.status).toBe(201);
  guest = res.body as Registered;
});
afterEach(() => vi.unstubAllGlobals());

/** The guest's tokens on the phone, about to expire (within the minute the app refreshes early). */
const saveExpiring = () => saveSession({ access_token: guest.access_token, refresh_token: guest.refresh_token, expires_in: 10 }, guest.user);
const refreshes = () => sent.filter((r) => r.path === '/api/auth/refresh');

describe('the token session', () => {
  it('an expiring token is refreshed exactly once however many callers need it at the same moment', async () => {
    await saveExpiring();
    const tokens = await Promise.all([accessToken(), accessToken(), accessToken(), accessToken()]);
    expect(refreshes()).toEqual([{ method: 'POST', path: '/api/auth/refresh', body: { refresh_token: guest.refresh_token }, authorization: null }]);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(guest.access_token);
    const stored = await loadSession();
    expect(stored).toMatchObject({ access_token: tokens[0], user: guest.user });
    expect(stored!.refresh_token).not.toBe(guest.refresh_token);
    // The pair the phone kept is the one the server issued: both work.
    expect((await api(server, 'GET', '/api/me', { token: tokens[0] })).status).toBe(200);
    expect((await api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: stored!.refresh_token } })).status).toBe(200);
  });

  it('a refresh asked with a token someone else already replaced uses the stored fresh pair', async () => {
    await saveSession(guest, guest.user);
    const session = await refreshSession('stale-token-the-worker-replaced');
    expect(session.access_token).toBe(guest.access_token);
    expect(sent).toEqual([]);
  });

  it('a refused refresh ends the session, so the guest is asked to join again', async () => {
    // The guest left on another device: this refresh token is dead on the server.
    expect((await api(server, 'POST', '/api/auth/logout', { body: { refresh_token: guest.refresh_token } })).status).toBe(204);
    await saveExpiring();
    await expect(accessToken()).rejects.toBeInstanceOf(SessionEndedError);
    expect(refreshes()).toHaveLength(1);
    expect(await loadSession()).toBeUndefined();
  });

  it('a network failure during refresh keeps the session for a later try', async () => {
    origin = `http://127.0.0.1:${await freePort()}`;
    await saveExpiring();
    await expect(accessToken()).rejects.toMatchObject({ code: 'network_error' });
    expect(refreshes()).toHaveLength(1);
    expect(await loadSession()).toMatchObject({ refresh_token: guest.refresh_token });
    // Back on the network, the kept refresh token still works.
    origin = server.url;
    expect(await accessToken()).not.toBe(guest.access_token);
  });
});
