import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES, BAR_CHANNEL, MENU_CHANNEL } from '../../shared/channels.ts';
import { staffJoinResponse, staffMemberSchema, staffPassSchema } from '../../shared/schemas/staff.ts';
import { configureFromServer, installWebSocket, post, subscribe } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { join, newPass } from './staff-support.ts';

let server: TestServer;
let admin: string;
let drinkId: string;

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '100' });
  admin = await adminToken(server);
  drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
});
afterAll(async () => {
  await server?.stop();
});

describe('staff passes', () => {
  it('the host creates a pass: a join link and QR once, stored only as a hash; listed without the secret', async () => {
    const pass = await newPass(server, admin, { expires_in_hours: 3, max_uses: 2, notes: 'Friday crew' });
    const { secret: _secret, ...answer } = pass;
    expect(staffPassSchema.parse(answer)).toMatchObject({ max_uses: 2, use_count: 0, notes: 'Friday crew', revoked: false });
    expect(pass.join_url).toMatch(/\/staff\?pass=[A-Za-z0-9_-]{43}$/);
    expect(pass.qr_svg).toMatch(/^<svg/);
    const { rows } = await server.db.query<{ secret_hash: Buffer }>('SELECT secret_hash FROM staff_passes WHERE id = $1', [pass.pass]);
    expect(rows[0]!.secret_hash.toString('utf8')).not.toContain(pass.secret);
    expect(JSON.stringify(rows)).not.toContain(pass.secret);
    const list = await api(server, 'GET', '/api/admin/staff-passes', { token: admin });
    const listed = list.body.passes.find((p: { pass: string }) => p.pass === pass.pass);
    expect(listed).toMatchObject({ join_url: null, use_count: 0 });
    expect(JSON.stringify(list.body)).not.toContain(pass.secret);
  });

  it('a helper joins with the pass and a name: a bartender token that refreshes through /api/auth/refresh', async () => {
    const pass = await newPass(server, admin);
    const joined = await join(server, pass.secret, '  Robin ');
    expect(staffJoinResponse.parse(joined).staff.name).toBe('Robin');
    expect(decodeJwt(joined.access_token)).toMatchObject({ role: 'bartender', name: 'Robin', sub: joined.staff.staff_key });
    const refreshed = await api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: joined.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token)).toMatchObject({ role: 'bartender' });
    expect((await api(server, 'GET', '/api/admin/orders', { token: refreshed.body.access_token })).status).toBe(200);
    // The old one was rotated; shown again after the grace period it ends the whole family.
    await server.db.query("UPDATE staff_refresh_tokens SET rotated_at = rotated_at - interval '1 minute' WHERE staff_key = $1", [joined.staff.staff_key]);
    expect((await api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: joined.refresh_token } })).status).toBe(401);
    expect((await api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: refreshed.body.refresh_token } })).status).toBe(401);
  });

  it('bad, revoked, expired and used-up passes are one 401 invalid_staff_pass; bad names 400', async () => {
    const once = await newPass(server, admin, { expires_in_hours: 1, max_uses: 1 });
    await join(server, once.secret);
    const revoked = await newPass(server, admin);
    expect((await api(server, 'DELETE', `/api/admin/staff-passes/${revoked.pass}`, { token: admin })).status).toBe(204);
    const expired = await newPass(server, admin);
    await server.db.query("UPDATE staff_passes SET expires_at = now() - interval '1 second' WHERE id = $1", [expired.pass]);
    for (const secret of [once.secret, revoked.secret, expired.secret, 'x'.repeat(43), '', revoked.pass]) {
      const res = await api(server, 'POST', '/api/staff/join', { headers: secret ? { 'x-staff-pass': secret } : {}, body: { name: 'Eve' } });
      expect([res.status, res.body.error?.code], secret).toEqual([401, 'invalid_staff_pass']);
    }
    const fresh = await newPass(server, admin);
    for (const name of ['', 'x', 'a\u0007b', 'y'.repeat(51)]) {
      const res = await api(server, 'POST', '/api/staff/join', { headers: { 'x-staff-pass': fresh.secret }, body: { name } });
      expect([res.status, res.body.error.code]).toEqual([400, 'invalid_name']);
    }
    expect((await api(server, 'POST', '/api/admin/staff-passes', { token: admin, body: { expires_in_hours: 0 } })).status).toBe(400);
    expect((await api(server, 'DELETE', `/api/admin/staff-passes/${randomUUID()}`, { token: admin })).body.error.code).toBe('staff_pass_not_found');
  });

  it('a pass never admits more helpers than max_uses, even when they all join at once', async () => {
    const pass = await newPass(server, admin, { expires_in_hours: 1, max_uses: 3 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => api(server, 'POST', '/api/staff/join', { headers: { 'x-staff-pass': pass.secret }, body: { name: `Helper ${i}` } })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(3);
  });
});

describe('what a bartender may do', () => {
  it('the board: list, move, recall, call again, read the drinks; the move says who made it', async () => {
    const bartender = await join(server, (await newPass(server, admin)).secret, 'Sky');
    const token = bartender.access_token;
    const guest = await createGuestDirect(server, 'Gus');
    const order = (await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinkId } })).body.order;
    expect((await api(server, 'GET', '/api/admin/orders?status=pending', { token })).status).toBe(200);
    const ready = await api(server, 'PATCH', `/api/admin/orders/${order.id}`, { token, body: { status: 'ready' } });
    expect(ready.body.order.changed_by).toEqual({ role: 'bartender', name: 'Sky' });
    expect((await api(server, 'POST', `/api/admin/orders/${order.id}/call`, { token })).body.order.calls).toBe(1);
    expect((await api(server, 'PATCH', `/api/admin/orders/${order.id}`, { token, body: { status: 'preparing' } })).status).toBe(200);
    expect((await api(server, 'GET', '/api/admin/drinks', { token })).status).toBe(200);
  });

  it('everything else the host does is 403 forbidden in the envelope', async () => {
    const { access_token: token } = await join(server, (await newPass(server, admin)).secret, 'Sam');
    const refused: [string, string, unknown?][] = [
      ['POST', '/api/admin/drinks', { section_id: randomUUID(), name: 'X', ingredients: [] }],
      ['PUT', `/api/admin/drinks/${drinkId}`, { is_active: false }],
      ['DELETE', `/api/admin/drinks/${drinkId}`],
      ['GET', '/api/admin/sections'],
      ['GET', '/api/admin/registration-codes'],
      ['POST', '/api/admin/registration-codes', { max_uses: 5 }],
      ['GET', '/api/admin/guests'],
      ['PUT', '/api/admin/bar', { status: 'closed' }],
      ['GET', '/api/admin/staff'],
      ['GET', '/api/admin/staff-passes'],
      ['POST', '/api/admin/staff-passes', { expires_in_hours: 1 }],
      ['GET', '/api/admin/https'],
      ['PUT', '/api/admin/password', { current_password: 'x', new_password: 'yyyyyyyyyyyy' }],
      ['POST', '/api/admin/logout-all'],
    ];
    for (const [method, path, body] of refused) {
      const res = await api(server, method, path, { token, body });
      expect([res.status, res.body], `${method} ${path}`).toEqual([403, { error: { code: 'forbidden', message: expect.any(String) } }]);
    }
    expect((await api(server, 'GET', '/api/bar')).body.bar.status).toBe('open');
    expect((await api(server, 'GET', '/api/me', { token })).status).toBe(403);
  });

  it('live: the host channels and /bar, never a guest channel or the menu; publishing nowhere', async () => {
    const { access_token: token } = await join(server, (await newPass(server, admin)).secret, 'Lee');
    const guest = await createGuestDirect(server);
    for (const channel of [ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES, '/admin/*', BAR_CHANNEL]) {
      const live = await subscribe(channel, token);
      await expect(live.ready, channel).resolves.toBeTruthy();
      await live.close();
    }
    for (const channel of [`/orders/${guest.user_key}`, '/orders/*', MENU_CHANNEL]) {
      const live = await subscribe(channel, token);
      await expect(live.ready, channel).rejects.toBeTruthy();
      await live.close().catch(() => undefined);
    }
    await expect(post(ADMIN_ORDER_UPDATES, { type: 'FAKE' }, token)).rejects.toBeTruthy();
  });
});

describe('the host sees and revokes helpers', () => {
  it('lists who is signed in; revoking one ends their token, refresh and sockets at once, not the others', async () => {
    const pass = await newPass(server, admin);
    const leaving = await join(server, pass.secret, 'Ash');
    const staying = await join(server, pass.secret, 'Bo');
    const list = await api(server, 'GET', '/api/admin/staff', { token: admin });
    const mine = list.body.staff.filter((s: { pass: string }) => s.pass === pass.pass);
    expect(mine.map((s: unknown) => staffMemberSchema.parse(s)).map((s: { name: string; is_active: boolean }) => [s.name, s.is_active])).toEqual([
      ['Ash', true],
      ['Bo', true],
    ]);
    const live = await subscribe(ADMIN_ORDER_UPDATES, leaving.access_token);
    await live.ready;
    expect((await api(server, 'GET', '/api/admin/orders', { token: leaving.access_token })).status).toBe(200);

    const revoked = await api(server, 'POST', `/api/admin/staff/${leaving.staff.staff_key}/revoke`, { token: admin });
    expect(revoked.body.staff).toMatchObject({ staff_key: leaving.staff.staff_key, is_active: false });
    expect((await api(server, 'GET', '/api/admin/orders', { token: leaving.access_token })).status).toBe(401);
    expect((await api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: leaving.refresh_token } })).status).toBe(401);
    await expect.poll(() => live.errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await live.close().catch(() => undefined);
    expect((await api(server, 'GET', '/api/admin/orders', { token: staying.access_token })).status).toBe(200);
    expect((await api(server, 'POST', `/api/admin/staff/${randomUUID()}/revoke`, { token: admin })).body.error.code).toBe('staff_not_found');
  });

  it('revoking the pass stops new joins; those who joined keep working until revoked themselves', async () => {
    const pass = await newPass(server, admin);
    const helper = await join(server, pass.secret, 'Kit');
    await api(server, 'DELETE', `/api/admin/staff-passes/${pass.pass}`, { token: admin });
    const late = await api(server, 'POST', '/api/staff/join', { headers: { 'x-staff-pass': pass.secret }, body: { name: 'Late' } });
    expect(late.status).toBe(401);
    expect((await api(server, 'GET', '/api/admin/orders', { token: helper.access_token })).status).toBe(200);
  });
});

describe('guessing passes', () => {
  // Last in this file: it spends this client address's failures for the minute.
  it('wrong passes from one address are rate-limited: at most 10 a minute, then 429 with Retry-After', async () => {
    let limited: { status: number; headers: Headers } | undefined;
    // Earlier tests here already spent some of this address's failures: 429 comes within 11 tries.
    for (let i = 0; i < 11 && !limited; i++) {
      const res = await api(server, 'POST', '/api/staff/join', { headers: { 'x-staff-pass': 'z'.repeat(43) }, body: { name: 'Eve' } });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    expect(limited?.headers.get('retry-after')).toBeTruthy();
  });
});
