import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUSH_SUBSCRIPTIONS_PER_GUEST } from '../../server/push/push.service.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { browserKeys, subscriptionKeys, startPushService, type PushService } from '../support/push-service.ts';

/**
 * The audit's push findings, reproduced: an endpoint the allow-list (WHATWG URL) and
 * web-push (legacy url.parse) read as different hosts aimed the server at an internal
 * address (SSRF), and one guest could store 300 subscriptions, each of them sent to on
 * every ready order.
 */

/** Something internal on another loopback address, where the SSRF would have landed (port 443). */
interface Trap {
  host: string;
  connections: number;
  close(): Promise<void>;
}

async function startTrap(): Promise<Trap> {
  for (;;) {
    const host = `127.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}.77`;
    const trap: Trap = { host, connections: 0, close: async () => undefined };
    const server = net.createServer((socket) => {
      trap.connections += 1;
      socket.destroy();
    });
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(443, host, () => resolve(true));
    });
    if (!listening) continue; // that address was taken by another run: pick another
    trap.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return trap;
  }
}

let server: TestServer;
let admin: string;
let pushService: PushService;
let trap: Trap;

beforeAll(async () => {
  pushService = await startPushService();
  trap = await startTrap();
  server = await startTestServer({ PUSH_ENDPOINT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: pushService.caFile });
  admin = await adminToken(server);
});

afterAll(async () => {
  await server?.stop();
  await pushService?.close();
  await trap?.close();
});

const subscribe = (guest: TestGuest, endpoint: string) =>
  api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body: { endpoint, keys: subscriptionKeys() } });

async function orderReady(guest: TestGuest): Promise<void> {
  const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
  const order = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: crypto.randomUUID(), drink_id: drink.id } });
  expect(order.status).toBe(201);
  const ready = await api(server, 'PATCH', `/api/admin/orders/${order.body.order.id}`, { token: admin, body: { status: 'ready' } });
  expect(ready.status).toBe(200);
  await server.ctx.push.idle();
}

const endpointsOf = async (guest: TestGuest) =>
  (await server.db.query<{ endpoint: string }>('SELECT endpoint FROM push_subscriptions WHERE user_key = $1 ORDER BY endpoint', [guest.user_key])).rows.map(
    (row) => row.endpoint,
  );

describe('push endpoints cannot reach internal hosts (SSRF)', () => {
  it('refuses every endpoint the two URL parsers read differently, and no connection reaches the internal address', async () => {
    const guest = await createGuestDirect(server, 'Mallory');
    const legit = `${pushService.origin}/push/mallory-phone`;
    expect((await subscribe(guest, legit)).status).toBe(201);
    const attacks = [
      `https://${trap.host};.push.apple.com/x`,
      `https://${trap.host}".push.apple.com/x`,
      `https://${trap.host}'.push.apple.com/x`,
      `https://${trap.host}\`.push.apple.com/x`,
      `https://${trap.host}{.push.apple.com/x`,
      `https://${trap.host}}.push.apple.com/x`,
      `https://${trap.host}%3B.web.push.apple.com/x`,
      `https://${trap.host};.notify.windows.com/w/?token=x`,
      `https://${trap.host};.push.services.mozilla.com/wpush/v2/x`,
      'https://169.254.169.254;.push.apple.com/latest/meta-data/',
      'https://localhost;.push.apple.com/x',
      'https://127.0.0.1;.push.apple.com/x',
    ];
    for (const endpoint of attacks) {
      const res = await subscribe(guest, endpoint);
      expect(res.status, endpoint).toBe(400);
      expect(res.body, endpoint).toEqual({ error: { code: 'invalid_subscription', message: expect.any(String) } });
    }
    expect(await endpointsOf(guest)).toEqual([legit]);

    const before = pushService.received.length;
    await orderReady(guest);
    expect(trap.connections).toBe(0);
    // Nothing else disturbed: the guest's real subscription was notified once.
    expect(pushService.paths().slice(before)).toEqual(['/push/mallory-phone']);
  });

  it('an unsafe endpoint already stored (by an older barback) gets no request when a drink is ready, and is deleted', async () => {
    const guest = await createGuestDirect(server, 'Old Olga');
    const legit = `${pushService.origin}/push/olga-phone`;
    expect((await subscribe(guest, legit)).status).toBe(201);
    const keys = browserKeys();
    await server.db.query('INSERT INTO push_subscriptions (user_key, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4)', [
      guest.user_key,
      `https://${trap.host};.push.apple.com/x`,
      keys.p256dh,
      keys.auth,
    ]);

    const before = pushService.received.length;
    await orderReady(guest);
    expect(trap.connections).toBe(0);
    expect(await endpointsOf(guest)).toEqual([legit]);
    expect(pushService.paths().slice(before)).toEqual(['/push/olga-phone']);
  });

  it('stores the endpoint normalised, answers with it, and unsubscribes by the spelling the browser sent', async () => {
    const guest = await createGuestDirect(server, 'Norma');
    const sent = 'https://WEB.Push.Apple.com:443/QmFyYmFjaw';
    const res = await subscribe(guest, sent);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ endpoint: 'https://web.push.apple.com/QmFyYmFjaw' });
    expect(await endpointsOf(guest)).toEqual(['https://web.push.apple.com/QmFyYmFjaw']);
    expect((await subscribe(guest, 'https://web.push.apple.com/QmFyYmFjaw')).status).toBe(200);
    const removed = await api(server, 'DELETE', '/api/push/subscriptions', { token: guest.access_token, body: { endpoint: sent } });
    expect(removed.status).toBe(204);
    expect(await endpointsOf(guest)).toEqual([]);
  });
});

describe('push subscriptions per guest are capped', () => {
  it(`a guest who registers 300 endpoints keeps only the ${PUSH_SUBSCRIPTIONS_PER_GUEST} most recent, and a ready order goes to those alone`, async () => {
    const hoarder = await createGuestDirect(server, 'Hoarder');
    const neighbour = await createGuestDirect(server, 'Neighbour');
    const neighbours = [`${pushService.origin}/push/neighbour-1`, `${pushService.origin}/push/neighbour-2`];
    for (const endpoint of neighbours) expect((await subscribe(neighbour, endpoint)).status).toBe(201);

    const paths = Array.from({ length: 300 }, (_, i) => `/push/hoard-${String(i).padStart(3, '0')}`);
    for (const path of paths) expect((await subscribe(hoarder, `${pushService.origin}${path}`)).status).toBe(201);

    const newest = paths.slice(-PUSH_SUBSCRIPTIONS_PER_GUEST);
    expect(await endpointsOf(hoarder)).toEqual(newest.map((path) => `${pushService.origin}${path}`));
    const before = pushService.received.length;
    await orderReady(hoarder);
    expect(pushService.paths().slice(before).sort()).toEqual(newest);
    // Nothing else disturbed: the other guest keeps both of theirs.
    expect(await endpointsOf(neighbour)).toEqual(neighbours);
  });

  it('registering a kept endpoint again makes it the newest, and the cap holds under 40 concurrent registrations', async () => {
    const guest = await createGuestDirect(server, 'Busy Bea');
    const first = `${pushService.origin}/push/bea-first`;
    expect((await subscribe(guest, first)).status).toBe(201);
    const burst = Array.from({ length: 40 }, (_, i) => `${pushService.origin}/push/bea-burst-${i}`);
    const answers = await Promise.all(burst.map((endpoint) => subscribe(guest, endpoint)));
    expect(answers.every((res) => res.status === 201)).toBe(true);
    expect(await endpointsOf(guest)).toHaveLength(PUSH_SUBSCRIPTIONS_PER_GUEST);

    const { rows } = await server.db.query<{ endpoint: string }>(
      'SELECT endpoint FROM push_subscriptions WHERE user_key = $1 ORDER BY created_at LIMIT 1',
      [guest.user_key],
    );
    const oldest = rows[0]!.endpoint;
    expect((await subscribe(guest, oldest)).status).toBe(200);
    for (let i = 0; i < PUSH_SUBSCRIPTIONS_PER_GUEST - 1; i++) {
      expect((await subscribe(guest, `${pushService.origin}/push/bea-later-${i}`)).status).toBe(201);
    }
    expect(await endpointsOf(guest)).toContain(oldest);
  });
});
