import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { joinAs, refresh } from './guests-support.ts';
import { withoutPostgres } from '../support/skips.ts';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

describe('the host’s guest list', () => {
  it('lists guests with created_at, is_active and their count of open orders', async () => {
    const guest = await joinAs(server, 'Counted');
    const drink = await server.db.query<{ id: string }>('SELECT id FROM drinks WHERE deleted_at IS NULL LIMIT 1');
    for (const status of ['pending', 'ready', 'served', 'cancelled']) {
      await server.db.query(
        'INSERT INTO orders (id, drink_id, user_key, status, version) VALUES (gen_random_uuid(), $1, $2, $3, nextval(\'order_version_seq\'))',
        [drink.rows[0]!.id, guest.user.user_key, status],
      );
    }
    const res = await api(server, 'GET', '/api/admin/guests', { token: admin });
    expect(res.status).toBe(200);
    const listed = res.body.guests.find((g: { user_key: string }) => g.user_key === guest.user.user_key);
    expect(listed).toMatchObject({ username: 'Counted', is_active: true, active_orders: 2 });
    expect(Number.isNaN(Date.parse(listed.created_at))).toBe(false);
  });
});

describe('revoking a guest', () => {
  it('refuses the guest’s refresh tokens and unexpired access tokens at once', async () => {
    const guest = await joinAs(server, 'Rowdy');
    const second = await refresh(server, guest.refresh_token);
    expect((await api(server, 'GET', '/api/me', { token: guest.access_token })).status).toBe(200);

    const signals: unknown[] = [];
    server.ctx.events.on('guest.revoked', (data) => signals.push(data));
    const res = await api(server, 'POST', `/api/admin/guests/${guest.user.user_key}/revoke`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.guest).toMatchObject({ user_key: guest.user.user_key, username: 'Rowdy', is_active: false });

    for (const token of [guest.access_token, second.body.access_token]) {
      const me = await api(server, 'GET', '/api/me', { token });
      expect(me.status).toBe(401);
    }
    for (const token of [guest.refresh_token, second.body.refresh_token]) {
      const again = await refresh(server, token);
      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('invalid_refresh_token');
    }
    await expect.poll(() => signals).toContainEqual({ user_key: guest.user.user_key });
    const live = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_key = $1 AND NOT is_revoked', [
      guest.user.user_key,
    ]);
    expect(live.rows[0]!.n).toBe(0);
    const listed = await api(server, 'GET', '/api/admin/guests', { token: admin });
    expect(listed.body.guests.find((g: { user_key: string }) => g.user_key === guest.user.user_key).is_active).toBe(false);
  });

  it('revoking twice is a 200 no-op; unknown or malformed keys are 404 guest_not_found', async () => {
    const guest = await joinAs(server, 'Twice');
    expect((await api(server, 'POST', `/api/admin/guests/${guest.user.user_key}/revoke`, { token: admin })).status).toBe(200);
    expect((await api(server, 'POST', `/api/admin/guests/${guest.user.user_key}/revoke`, { token: admin })).status).toBe(200);
    for (const key of [crypto.randomUUID(), 'not-a-uuid', '1']) {
      const res = await api(server, 'POST', `/api/admin/guests/${key}/revoke`, { token: admin });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('guest_not_found');
    }
  });

  // Several instances exist only on PostgreSQL (the embedded database is one process); the
  // revocation reaches the other instance through the bus's NOTIFY relay.
  it.skipIf(withoutPostgres('guests-revocation: another instance refuses the revoked guest'))('another instance on the same database refuses the revoked guest within a second (PostgreSQL)', async () => {
    const guest = await joinAs(server, 'Roamer');
    const other = await startTestServer({}, { testDb: server.testDb, db: server.db });
    try {
      expect((await api(other, 'GET', '/api/me', { token: guest.access_token })).status).toBe(200);
      await api(server, 'POST', `/api/admin/guests/${guest.user.user_key}/revoke`, { token: admin });
      await expect.poll(async () => (await api(other, 'GET', '/api/me', { token: guest.access_token })).status, { timeout: 1_000 }).toBe(401);
    } finally {
      await other.stop();
    }
  });
});
