import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../client/lib/db.ts';
import { SessionEndedError, accessToken, loadSession, refreshSession, saveSession } from '../../client/lib/session.ts';
import { installFakeServer, json } from './fake-server.ts';

const USER = { user_key: 'u-1', username: 'Sam' };

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
});
afterEach(() => vi.unstubAllGlobals());

describe('the token session', () => {
  it('an expiring token is refreshed exactly once however many callers need it at the same moment', async () => {
    await saveSession({ access_token: 'old', refresh_token: 'refresh-1', expires_in: 10 }, USER);
    let rotations = 0;
    const seen = installFakeServer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      rotations += 1;
      return json(200, { access_token: `new-${rotations}`, refresh_token: `refresh-${rotations + 1}`, expires_in: 3600 });
    });
    const tokens = await Promise.all([accessToken(), accessToken(), accessToken(), accessToken()]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body).toEqual({ refresh_token: 'refresh-1' });
    expect(new Set(tokens)).toEqual(new Set(['new-1']));
    expect(await loadSession()).toMatchObject({ access_token: 'new-1', refresh_token: 'refresh-2', user: USER });
  });

  it('a refresh asked with a token someone else already replaced uses the stored fresh pair', async () => {
    await saveSession({ access_token: 'fresh', refresh_token: 'refresh-2', expires_in: 3600 }, USER);
    const seen = installFakeServer(() => json(500, {}));
    const session = await refreshSession('stale-token-the-worker-replaced');
    expect(session.access_token).toBe('fresh');
    expect(seen).toHaveLength(0);
  });

  it('a refused refresh ends the session, so the guest is asked to join again', async () => {
    await saveSession({ access_token: 'old', refresh_token: 'revoked', expires_in: 10 }, USER);
    installFakeServer(() => json(401, { error: { code: 'invalid_refresh_token', message: 'no' } }));
    await expect(accessToken()).rejects.toBeInstanceOf(SessionEndedError);
    expect(await loadSession()).toBeUndefined();
  });

  it('a network failure during refresh keeps the session for a later try', async () => {
    await saveSession({ access_token: 'old', refresh_token: 'refresh-1', expires_in: 10 }, USER);
    installFakeServer(() => 'network-error');
    await expect(accessToken()).rejects.toMatchObject({ code: 'network_error' });
    expect(await loadSession()).toMatchObject({ refresh_token: 'refresh-1' });
  });
});
