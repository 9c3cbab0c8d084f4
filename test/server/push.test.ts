import { createECDH, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createGuestDirect } from '../support/guests.ts';
import { selfSignedCert } from '../support/tls.ts';
import { writeCaFile } from '../support/push-service.ts';

/** A stand-in for a browser push service: records each POST and answers what the test says. */
interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const tls = selfSignedCert();
const received: Received[] = [];
const answers = new Map<string, number[]>(); // path → statuses to answer in turn (then 201)
let pushService: https.Server;
let pushOrigin: string;
let server: TestServer;
let admin: string;

beforeAll(async () => {
  pushService = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      const queue = answers.get(req.url!) ?? [];
      res.statusCode = queue.shift() ?? 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => pushService.listen(0, '127.0.0.1', resolve));
  pushOrigin = `https://127.0.0.1:${(pushService.address() as AddressInfo).port}`;
  server = await startTestServer({ PUSH_ENDPOINT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: writeCaFile(tls.cert) });
  admin = await adminToken(server);
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => pushService.close(resolve));
});

function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authB64: auth.toString('base64url') };
}

/** Registers a device for the guest at the stand-in and checks the server took it. */
async function subscribe(guest: { access_token: string }, path = `/push/${randomBytes(8).toString('hex')}`) {
  const keys = browserKeys();
  const res = await api(server, 'POST', '/api/push/subscriptions', {
    token: guest.access_token,
    body: { endpoint: `${pushOrigin}${path}`, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.authB64 } },
  });
  expect(res.status, `subscribing ${path}`).toBe(201);
  return { path, keys };
}

const pushesTo = (path: string) => received.filter((r) => r.path === path);

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
    const { path, keys } = await subscribe(guest);

    const { order, drink } = await orderReady(guest);
    await server.ctx.push.idle();
    expect(pushesTo(path)).toHaveLength(1);
    const message = pushesTo(path)[0]!;
    expect(message.headers['content-encoding']).toBe('aes128gcm');
    expect(message.headers.urgency).toBe('high');
    expect(Number(message.headers.ttl)).toBeGreaterThan(0);

    const plain = ece.decrypt(message.body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.authB64 });
    expect(JSON.parse(plain.toString())).toEqual({ type: 'ORDER_READY', order_id: order.id, drink_name: drink.name });

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
    const { payload } = await jwtVerify(jwt!, publicKey, { audience: pushOrigin });
    expect(payload.sub).toMatch(/^(mailto:|https:)/);
    expect(decodeJwt(jwt!).exp! - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
  });

  it('a push service answering 410 Gone removes that subscription', async () => {
    const guest = await createGuestDirect(server, 'Gone Gina');
    const { path } = await subscribe(guest);
    const stored = () => server.db.query('SELECT 1 FROM push_subscriptions WHERE user_key = $1', [guest.user_key]).then((r) => r.rows.length);
    expect(await stored()).toBe(1);
    answers.set(path, [410]);
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
    answers.set(flaky.path, [503]);
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
  const validKeys = () => {
    const k = browserKeys();
    return { p256dh: k.p256dh, auth: k.authB64 };
  };

  it('registers an endpoint once: 201, then 200 for the same endpoint; DELETE removes it', async () => {
    const guest = await createGuestDirect(server, 'Dee');
    const body = { endpoint: `${pushOrigin}/push/same`, keys: validKeys() };
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
      const res = await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body: { endpoint, keys: validKeys() } });
      expect(res.status, endpoint).toBe(400);
      expect(res.body.error.code).toBe('invalid_subscription');
    }
    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/abc', 'https://updates.push.services.mozilla.com/wpush/v2/x', 'https://web.push.apple.com/Q1', 'https://wns2-par02p.notify.windows.com/w/?token=x']) {
      const res = await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body: { endpoint, keys: validKeys() } });
      expect(res.status, endpoint).toBe(201);
    }
  });

  it('rejects malformed subscriptions and non-guest callers', async () => {
    const guest = await createGuestDirect(server, 'Val');
    for (const body of [{}, { endpoint: `${pushOrigin}/x` }, { endpoint: `${pushOrigin}/x`, keys: { p256dh: 'short', auth: 'x' } }, [1]]) {
      const res = await api(server, 'POST', '/api/push/subscriptions', { token: guest.access_token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_subscription');
    }
    expect((await api(server, 'POST', '/api/push/subscriptions', { body: { endpoint: `${pushOrigin}/x`, keys: validKeys() } })).status).toBe(401);
    expect((await api(server, 'POST', '/api/push/subscriptions', { token: admin, body: { endpoint: `${pushOrigin}/x`, keys: validKeys() } })).status).toBe(403);
  });
});
