import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../support/server.ts';
import { joinAs, refresh } from './guests-support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const sha256 = (token: string) => createHash('sha256').update(token).digest();

describe('refresh tokens', () => {
  it('are stored only as SHA-256 hashes, expire in 2 days and record the device', async () => {
    const guest = await joinAs(server, 'Kim', { 'user-agent': 'Phone/1.0\t' + 'x'.repeat(400) });
    expect(guest.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await server.db.query<{ token_hash: Buffer; lifetime: number; device_info: string }>(
      `SELECT token_hash, extract(epoch FROM expires_at - created_at)::int AS lifetime, device_info
         FROM refresh_tokens WHERE user_key = $1`,
      [guest.user.user_key],
    );
    expect(rows).toHaveLength(1);
    expect(Buffer.compare(rows[0]!.token_hash, sha256(guest.refresh_token))).toBe(0);
    expect(rows[0]!.lifetime).toBe(2 * 24 * 3600);
    expect(rows[0]!.device_info.startsWith('Phone/1.0')).toBe(true);
    expect(rows[0]!.device_info).not.toMatch(/\p{Cc}/u);
    expect(rows[0]!.device_info.length).toBeLessThanOrEqual(200);
    const leaked = await server.db.query('SELECT 1 FROM refresh_tokens WHERE encode(token_hash, $2) = $1', [guest.refresh_token, 'escape']);
    expect(leaked.rows).toHaveLength(0);
  });

  it('rotate on every use: the new pair works and the new refresh token differs', async () => {
    const guest = await joinAs(server, 'Lee');
    const first = await refresh(server, guest.refresh_token);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token']);
    expect(first.body.refresh_token).not.toBe(guest.refresh_token);
    expect(first.body.expires_in).toBe(14_400);
    const me = await api(server, 'GET', '/api/me', { token: first.body.access_token });
    expect(me.body.user).toEqual(guest.user);
    const second = await refresh(server, first.body.refresh_token);
    expect(second.status).toBe(200);
    const { rows } = await server.db.query<{ rotated: number }>(
      'SELECT count(*)::int AS rotated FROM refresh_tokens WHERE user_key = $1 AND rotated_at IS NOT NULL AND replaced_by IS NOT NULL',
      [guest.user.user_key],
    );
    expect(rows[0]!.rotated).toBe(2);
  });

  it('within the grace period the old token answers 200 with a working pair, and the pair issued at rotation keeps working', async () => {
    const guest = await joinAs(server, 'Tab');
    const [a, b] = await Promise.all([refresh(server, guest.refresh_token), refresh(server, guest.refresh_token)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refresh_token).not.toBe(b.body.refresh_token);
    for (const pair of [a.body, b.body]) {
      expect((await api(server, 'GET', '/api/me', { token: pair.access_token })).status).toBe(200);
      expect((await refresh(server, pair.refresh_token)).status).toBe(200);
    }
  });

  it('unknown, expired, revoked (logged out) and garbage tokens are 401 invalid_refresh_token', async () => {
    for (const token of ['nope', 'A'.repeat(43), crypto.randomUUID()]) {
      const res = await refresh(server, token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_refresh_token');
    }
    const expired = await joinAs(server, 'Old');
    await server.db.query("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_key = $1", [expired.user.user_key]);
    expect((await refresh(server, expired.refresh_token)).body.error.code).toBe('invalid_refresh_token');

    const leaving = await joinAs(server, 'Bye');
    const out = await api(server, 'POST', '/api/auth/logout', { body: { refresh_token: leaving.refresh_token } });
    expect(out.status).toBe(204);
    expect((await refresh(server, leaving.refresh_token)).status).toBe(401);
    // Logging out an unknown or already-ended session is still 204: the goal is reached.
    expect((await api(server, 'POST', '/api/auth/logout', { body: { refresh_token: leaving.refresh_token } })).status).toBe(204);
  });

  it('logout ends only that session; the guest’s other devices keep refreshing', async () => {
    const guest = await joinAs(server, 'Two');
    const phone = guest.refresh_token;
    // A second session (another tab) through a grace-window refresh of the first.
    const tablet = (await refresh(server, phone)).body.refresh_token as string;
    const other = (await refresh(server, phone)).body.refresh_token as string;
    expect((await api(server, 'POST', '/api/auth/logout', { body: { refresh_token: tablet } })).status).toBe(204);
    expect((await refresh(server, tablet)).status).toBe(401);
    expect((await refresh(server, other)).status).toBe(200);
  });
});

describe('reuse detection after the grace period (REFRESH_REUSE_GRACE=1)', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ REFRESH_REUSE_GRACE: '1' });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  async function rotatedLongAgo(token: string) {
    // Wait until the database itself says the rotation is older than the grace period.
    for (;;) {
      const { rows } = await strict.db.query<{ old: boolean }>(
        "SELECT clock_timestamp() - rotated_at > interval '1.2 seconds' AS old FROM refresh_tokens WHERE token_hash = $1",
        [sha256(token)],
      );
      if (rows[0]?.old) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('a replay after the grace period is 401 and revokes every refresh token of the guest', async () => {
    const guest = await joinAs(strict, 'Victim');
    const rotated = await refresh(strict, guest.refresh_token);
    expect(rotated.status).toBe(200);
    await rotatedLongAgo(guest.refresh_token);

    const replay = await refresh(strict, guest.refresh_token);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('invalid_refresh_token');
    // The thief may hold the newest token; it dies too, as does any other session.
    expect((await refresh(strict, rotated.body.refresh_token)).status).toBe(401);
    const { rows } = await strict.db.query<{ live: number }>(
      'SELECT count(*)::int AS live FROM refresh_tokens WHERE user_key = $1 AND NOT is_revoked',
      [guest.user.user_key],
    );
    expect(rows[0]!.live).toBe(0);
  });

  it('within the (1 s) grace period the old token still answers 200', async () => {
    const guest = await joinAs(strict, 'Quick');
    expect((await refresh(strict, guest.refresh_token)).status).toBe(200);
    expect((await refresh(strict, guest.refresh_token)).status).toBe(200);
  });
});
