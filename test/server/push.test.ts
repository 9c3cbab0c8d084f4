import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createGuestDirect } from '../support/guests.ts';
import { subscriptionKeys, startPushService, type PushService } from '../support/push-service.ts';

let pushService: PushService;
let server: TestServer;
let admin: string;

beforeAll(async () => {
  pushService = await startPushService();
  server = await startTestServer({ PUSH_ENDPOINT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: pushService.caFile });
  admin = await adminToken(server);
});

afterAll(async () => {
  await server?.stop();
  await pushService?.close();
});

/** Registers a device for the guest at the stand-in (it checks the server took it). */
async function subscribe(guest: { access_token: string }) {
  return { path: await pushService.subscribe(server, guest.access_token) };
}

const pushesTo = (path: string) => pushService.to(path);

async function orderReady(guest: { access_token: string }) {
  const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
  const order = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: crypto.randomUUID(), drink_id: drink.id } });
  expect(order.status).toBe(201);
  const ready = await api(server, 'PATCH', `/api/admin/orders/${order.body.order.id}`, { token: admin, body: { status: 'ready' } });
  expect(ready.status).toBe(200);
  return { order: order.body.order, drink };
}

describe('Web Push when an order is ready', () => {
  it('config publishes the VAPID public key', async () => {
    const config = await api(server, 'GET', '/api/config');
    expect(config.body.push.vapid_public_key).toMatch(/^[A-Za-z0-9_-]{80,}$/);
  });

  it('sends an encrypted aes128gcm message, signed with the VAPID key, that names the order and drink', async () => {
    const guest = await createGuestDirect(server, 'Push Pat');
    const { path } = await subscribe(guest);

    const { order, drink } = await orderReady(guest);
    await server.ctx.push.idle();
    expect(pushesTo(path)).toHaveLength(1);
    const message = pushesTo(path)[0]!;
    expect(message.headers['content-encoding']).toBe('aes128gcm');
    expect(message.headers.urgency).toBe('high');
    expect(Number(message.headers.ttl)).toBeGreaterThan(0);

    expect(pushService.messages(path)[0]).toMatchObject({ type: 'ORDER_READY', order_id: order.id, drink_name: drink.name });

    // VAPID: "vapid t=<ES256 JWT>, k=<server public key>", the JWT's audience is the push service's origin.
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(String(message.headers.authorization));
    expect(match).not.toBeNull();
    const [, jwt, k] = match!;
    expect(k).toBe((await api(server, 'GET', '/api/config')).body.push.vapid_public_key);
    const point = Buffer.from(k!, 'base64url');
    const publicKey = await importJWK(
      { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      'ES256',
    );
    expect(decodeProtectedHeader(jwt!).alg).toBe('ES256');
    const { payload } = await jwtVerify(jwt!, publicKey, { audience: pushService.origin });
    expect(payload.sub).toMatch(/^(mailto:|https:)/);
    expect(decodeJwt(jwt!).exp! - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
  });

  it('a push service answering 410 Gone removes that subscription', async () => {
    const guest = await createGuestDirect(server, 'Gone Gina');
    const { path } = await subscribe(guest);
    const stored = () => server.db.query('SELECT 1 FROM push_subscriptions WHERE user_key = $1', [guest.user_key]).then((r) => r.rows.length);
    expect(await stored()).toBe(1);
    pushService.answer(path, 410);
    await orderReady(guest);
    await server.ctx.push.idle();
    // The push was tried once, answered 410, and not retried.
    expect(pushesTo(path)).toHaveLength(1);
    expect(await stored()).toBe(0);
  });

  it('retries a push service that fails with 503, and notifies every device of the guest', async () => {
    const guest = await createGuestDirect(server, 'Retry Rui');
    const flaky = await subscribe(guest);
    const steady = await subscribe(guest);
    pushService.answer(flaky.path, 503);
    await orderReady(guest);
    await server.ctx.push.idle();
    expect(pushesTo(flaky.path)).toHaveLength(2);
    expect(pushesTo(steady.path)).toHaveLength(1);
  }, 20_000);

  it('does not push for statuses other than ready', async () => {
    const guest = await createGuestDirect(server, 'Quiet Quinn');
    const { path } = await subscribe(guest);
    const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
    const order = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drink.id } });
    expect(order.status).toBe(201);
    const patch = (status: string) => api(server, 'PATCH', `/api/admin/orders/${order.body.order.id}`, { token: admin, body: { status } });
    expect((await patch('preparing')).status).toBe(200);
    await server.ctx.push.idle();
    expect(pushesTo(path)).toHaveLength(0);
    // The control: the same subscription does get the push once the order is ready, then no more.
    expect((await patch('ready')).status).toBe(200);
    await server.ctx.push.idle();
    expect(pushesTo(path)).toHaveLength(1);
    expect((await patch('served')).status).toBe(200);
    await server.ctx.push.idle();
    expect(pushesTo(path)).toHaveLength(1);
  });
});

describe('push subscriptions', () => {

  it('registers an endpoint once: 201, then 200 for the same endpoint; DELETE removes it', async () => {
    const guest = await createGuestDirect(server, 'Dee');
    const body = { endpoint: `${pushService.origin}/push/same`, keys: subscriptionKeys() };
    expect((await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body })).status).toBe(201);
    expect((await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body })).status).toBe(200);
    expect((await api(server, 'DELETE', '/api/push/subscriptions', { token: guest.access_token, body: { endpoint: body.endpoint } })).status).toBe(204);
    const { rows } = await server.db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [body.endpoint]);
    expect(rows).toHaveLength(0);
  });

  it('accepts only https endpoints on known push services, so no guest can aim the server at the LAN', async () => {
    const guest = await createGuestDirect(server, 'Mallory');
    const endpoints = [
      'http://fcm.googleapis.com/fcm/send/x',
      'https://192.168.1.1/admin',
      'https://10.0.0.5/x',
      'https://evil.example.com/push',
      'https://fcm.googleapis.com.evil.example/x',
      'https://user:pw@fcm.googleapis.com/x',
      'file:///etc/passwd',
      'not a url',
    ];
    for (const endpoint of endpoints) {
      const res = await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body: { endpoint, keys: subscriptionKeys() } });
      expect(res.status, endpoint).toBe(400);
      expect(res.body.error.code).toBe('invalid_subscription');
    }
    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/abc', 'https://updates.push.services.mozilla.com/wpush/v2/x', 'https://web.push.apple.com/Q1', 'https://wns2-par02p.notify.windows.com/w/?token=x']) {
      const res = await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body: { endpoint, keys: subscriptionKeys() } });
      expect(res.status, endpoint).toBe(201);
    }
  });

  it('rejects malformed subscriptions and non-guest callers', async () => {
    const guest = await createGuestDirect(server, 'Val');
    for (const body of [{}, { endpoint: `${pushService.origin}/x` }, { endpoint: `${pushService.origin}/x`, keys: { p256dh: 'short', auth: 'x' } }, [1]]) {
      const res = await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_subscription');
    }
    expect((await api(server, 'POST', '/api/push/subscriptions', { body: { endpoint: `${pushService.origin}/x`, keys: subscriptionKeys() } })).status).toBe(401);
    expect((await api(server, 'POST', '/api/push/subscriptions', { token: admin, body: { endpoint: `${pushService.origin}/x`, keys: subscriptionKeys() } })).status).toBe(403);
  });
});
