import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_CHANNEL } from '../../shared/channels.ts';
import { barResponse } from '../../shared/schemas/bar.ts';
import { subscribe } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import type { PushService } from '../support/push-service.ts';
import { startLiveBar, type LiveBar } from '../support/live-bar.ts';
import { api, type TestServer } from '../support/server.ts';

let bar: LiveBar;
let server: TestServer;
let admin: string;
let drinkId: string;
let inbox: PushService;

beforeAll(async () => {
  bar = await startLiveBar({ MAX_ACTIVE_ORDERS: '100' });
  ({ server, admin, inbox } = bar);
  drinkId = bar.drink.id;
});
afterAll(() => bar?.stop());

const setBar = (body: unknown, token = admin) => api(server, 'PUT', '/api/admin/bar', { token, body });

describe('GET /api/bar and PUT /api/admin/bar', () => {
  it('a fresh bar is open, and anyone may ask without a token', async () => {
    const res = await api(server, 'GET', '/api/bar');
    expect(res.status).toBe(200);
    expect(barResponse.parse(res.body)).toEqual({ bar: { status: 'open', message: null, closes_at: null } });
  });

  it('the host sets last call with a message and a closing time; a status change alone clears them', async () => {
    const closesAt = new Date(Date.now() + 15 * 60_000).toISOString();
    const last = await setBar({ status: 'last_call', message: '  Last call in 15 minutes ', closes_at: closesAt });
    expect(last.status).toBe(200);
    expect(last.body).toEqual({ bar: { status: 'last_call', message: 'Last call in 15 minutes', closes_at: closesAt } });
    expect((await api(server, 'GET', '/api/bar')).body).toEqual(last.body);
    const open = await setBar({ status: 'open' });
    expect(open.body).toEqual({ bar: { status: 'open', message: null, closes_at: null } });
  });

  it('bad bodies are 400 validation_failed, guests get 403, no token 401', async () => {
    for (const body of [{}, { status: 'maybe' }, { closes_at: 'tonight' }, { message: 'x'.repeat(201) }, { status: 'open', extra: 1 }, []]) {
      const res = await setBar(body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    const guest = await createGuestDirect(server, 'Nosy');
    expect((await setBar({ status: 'closed' }, guest.access_token)).status).toBe(403);
    expect((await api(server, 'PUT', '/api/admin/bar', { body: { status: 'closed' } })).status).toBe(401);
    expect((await api(server, 'GET', '/api/bar')).body.bar.status).toBe('open');
  });

  it('two hosts changing it at once: both answers are states that existed, the last write is what all see', async () => {
    const [a, b] = await Promise.all([setBar({ status: 'last_call' }), setBar({ status: 'closed' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const now = (await api(server, 'GET', '/api/bar')).body.bar.status;
    expect(['last_call', 'closed']).toContain(now);
    await setBar({ status: 'open' });
  });
});

describe('closed: no new orders', () => {
  it('a new order gets 409 bar_closed; an order accepted before closing and replayed answers 200; reopening takes orders again', async () => {
    const guest = await createGuestDirect(server, 'Late');
    const before = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
    expect(before.status).toBe(201);
    expect((await setBar({ status: 'closed', message: 'Thanks, good night' })).status).toBe(200);

    const refused = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ error: { code: 'bar_closed', message: expect.any(String) } });
    const { rows } = await server.db.query('SELECT 1 FROM orders WHERE user_key = $1', [guest.user_key]);
    expect(rows).toHaveLength(1);

    const replay = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: before.body.order.id, drink_id: drinkId } });
    expect([replay.status, replay.body.order]).toEqual([200, before.body.order]);

    // The host still works the orders already in.
    expect((await api(server, 'PATCH', `/api/admin/orders/${before.body.order.id}`, { token: admin, body: { status: 'ready' } })).status).toBe(200);

    await setBar({ status: 'open' });
    const again = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
    expect(again.status).toBe(201);
  });
});

describe('live and by push', () => {
  it('every guest hears BAR_STATUS_CHANGED on /bar with the real Amplify client; last call also reaches their phones once', async () => {
    const ana = await createGuestDirect(server, 'Ana');
    const ben = await createGuestDirect(server, 'Ben');
    const anaPhone = await inbox.subscribe(server, ana.access_token);
    const benPhone = await inbox.subscribe(server, ben.access_token);
    const anaLive = await subscribe<Record<string, unknown>>(BAR_CHANNEL, ana.access_token);
    const benLive = await subscribe<Record<string, unknown>>(BAR_CHANNEL, ben.access_token);
    await Promise.all([anaLive.ready, benLive.ready]);

    const closesAt = new Date(Date.now() + 15 * 60_000).toISOString();
    await setBar({ status: 'last_call', message: 'Last call in 15 minutes', closes_at: closesAt });
    const expected = { type: 'BAR_STATUS_CHANGED', status: 'last_call', message: 'Last call in 15 minutes', closes_at: closesAt, previous_status: 'open' };
    for (const live of [anaLive, benLive]) {
      expect(await live.next((e) => e.status === 'last_call')).toEqual({ ...expected, updated_at: expect.any(String) });
    }
    const pushed = { type: 'BAR_STATUS_CHANGED', status: 'last_call', message: 'Last call in 15 minutes', closes_at: closesAt };
    await expect.poll(() => inbox.messages(anaPhone)).toEqual([pushed]);
    await expect.poll(() => inbox.messages(benPhone)).toEqual([pushed]);

    // Editing the message while at last call is live, but does not ring every phone again.
    await setBar({ message: 'Really the last one' });
    await anaLive.next((e) => e.message === 'Really the last one');
    await setBar({ status: 'closed' });
    expect(await anaLive.next((e) => e.status === 'closed')).toMatchObject({ status: 'closed', previous_status: 'last_call', message: null });
    await server.ctx.push!.idle();
    expect(inbox.messages(anaPhone)).toEqual([pushed]);

    await setBar({ status: 'open' });
    await benLive.next((e) => e.status === 'open');
    await anaLive.close();
    await benLive.close();
  });
});
