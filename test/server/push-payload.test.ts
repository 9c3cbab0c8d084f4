import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECLARATIVE_WEB_PUSH, pushMessage } from '../../shared/push-message.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { createGuestDirect } from '../support/guests.ts';
import { startPushService, type PushService } from '../support/push-service.ts';

/**
 * The pushed JSON, decrypted as the phone would, is Declarative Web Push that Safari 18.4+
 * shows by itself, and still carries what the service worker reads in Chromium and Firefox.
 */

const PUBLIC_URL = 'https://bar.example.test:8443';
let pushService: PushService;
let server: TestServer;
let admin: string;

beforeAll(async () => {
  pushService = await startPushService();
  server = await startTestServer({ PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUBLIC_URL, NODE_EXTRA_CA_CERTS: pushService.caFile });
  admin = await adminToken(server);
});

afterAll(async () => {
  await server?.stop();
  await pushService?.close();
});

async function subscribedGuest(name: string) {
  const guest = await createGuestDirect(server, name);
  const path = await pushService.subscribe(server, guest.access_token);
  /** Every push this phone received, decrypted with its own keys. */
  const messages = () => pushService.messages(path);
  return { guest, messages };
}

async function placeOrder(guest: { access_token: string }, drinkIndex = 0) {
  const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[drinkIndex];
  const order = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: crypto.randomUUID(), drink_id: drink.id } });
  expect(order.status).toBe(201);
  return { order: order.body.order as { id: string }, drink: drink as { name: string } };
}
const setStatus = async (id: string, status: string) =>
  expect((await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status } })).status).toBe(200);

/**
 * The checks WebKit's parser makes before it shows a declarative push (NotificationJSONParser):
 * the magic number as a JSON number, a `notification` object, an absolute `navigate` URL, a
 * non-empty `title`, string `body`/`tag`/`lang`, and `app_badge` a non-negative integer.
 */
function expectDeclarative(message: unknown): void {
  const m = message as Record<string, unknown>;
  expect(m.web_push).toBe(DECLARATIVE_WEB_PUSH);
  expect(typeof m.web_push).toBe('number');
  const n = m.notification as Record<string, unknown>;
  expect(n).toBeTypeOf('object');
  expect(typeof n.title === 'string' && n.title.length > 0).toBe(true);
  expect(() => new URL(String(n.navigate))).not.toThrow();
  for (const key of ['body', 'tag', 'lang'] as const) expect(typeof n[key]).toBe('string');
  if ('app_badge' in n) expect(Number.isSafeInteger(n.app_badge) && (n.app_badge as number) >= 0).toBe(true);
  if ('mutable' in n) expect(typeof n.mutable).toBe('boolean');
}

describe('the push payload', () => {
  it('is Declarative Web Push JSON: title, body, a navigate URL to the order on PUBLIC_URL, the order as tag, and the badge', async () => {
    const { guest, messages } = await subscribedGuest('Dee');
    const { order, drink } = await placeOrder(guest);
    await setStatus(order.id, 'ready');
    await server.ctx.push!.idle();
    expect(messages()).toHaveLength(1);
    const message = messages()[0];
    expectDeclarative(message);
    expect(pushMessage.strict().parse(message)).toEqual({
      web_push: 8030,
      notification: {
        title: `Your ${drink.name} is ready`,
        body: 'Pick it up at the bar.',
        navigate: `${PUBLIC_URL}/orders#${order.id}`,
        tag: order.id,
        lang: 'en',
        app_badge: 1,
      },
      // What the service worker has always read, for Chromium and Firefox.
      type: 'ORDER_READY',
      order_id: order.id,
      drink_name: drink.name,
    });
  });

  it('the badge counts the guest’s drinks waiting at the bar when each push is built: 1, then 2, still 2 once one is served and another is ready', async () => {
    const { guest, messages } = await subscribedGuest('Eli');
    const first = await placeOrder(guest, 0);
    const second = await placeOrder(guest, 1);
    const third = await placeOrder(guest, 2);
    // One at a time: each push counts the drinks ready when it is built.
    await setStatus(first.order.id, 'ready');
    await server.ctx.push!.idle();
    await setStatus(second.order.id, 'ready');
    await server.ctx.push!.idle();
    await setStatus(first.order.id, 'served');
    await setStatus(third.order.id, 'ready');
    await server.ctx.push!.idle();
    const sent = messages().map((m) => pushMessage.parse(m));
    expect(sent.map((m) => [m.order_id, m.notification.app_badge])).toEqual([
      [first.order.id, 1],
      [second.order.id, 2],
      [third.order.id, 2],
    ]);
    // One notification per order: each carries its own order's tag.
    expect(new Set(sent.map((m) => m.notification.tag)).size).toBe(3);
  });
});
