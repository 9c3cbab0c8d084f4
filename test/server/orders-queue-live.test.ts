import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import { currentPlace, type QueueSnapshot } from '../../shared/queue.ts';
import type { Order } from '../../shared/schemas/orders.ts';
import { closeAll, configureFromServer, installWebSocket, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The guest's place in line, live, through the real aws-amplify Events client: the phone hears
 * the line move when orders ahead are made, cancelled or recalled. On PostgreSQL the phone
 * listens on a second instance while the bar works on the first.
 */
let server: TestServer;
let listening: TestServer;
let admin: string;
let drinkId: string;
const open: LiveChannel[] = [];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '100' });
  listening = process.env.DATABASE_URL ? await startTestServer({}, { testDb: server.testDb }) : server;
  admin = await adminToken(server);
  drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
  installWebSocket({ plainHttp: true });
  await configureFromServer(listening.url);
}, 60_000);
afterAll(async () => {
  for (const live of open) await live.close().catch(() => undefined);
  await closeAll().catch(() => undefined);
  if (listening !== server) await listening?.stop();
  await server?.stop();
});

async function place(guest: TestGuest): Promise<Order> {
  const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
  expect(res.status).toBe(201);
  return res.body.order as Order;
}
const move = async (id: string, status: OrderStatus) => expect((await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status } })).status).toBe(200);

describe('the place in line, live', () => {
  it('a guest following /queue with the Amplify client sees their place move as orders ahead are made, cancelled and recalled', async () => {
    const [ana, ben, cat] = await Promise.all(['Ana', 'Ben', 'Cat'].map((name) => createGuestDirect(server, name)));
    const line = await subscribe<QueueSnapshot & { type: string }>(QUEUE_CHANNEL, cat!.access_token);
    const mine = await subscribe<Record<string, unknown>>(guestOrdersChannel(cat!.user_key), cat!.access_token);
    open.push(line as LiveChannel, mine as LiveChannel);
    await Promise.all([line.ready, mine.ready]);

    const first = await place(ana!);
    const secondOrder = await place(ben!);
    const own = await place(cat!);
    expect(own.queue_position).toBe(3);
    /** Where Cat's phone puts her order: the newest snapshot heard, as the app reads it. */
    const shown = () => {
      const newest = line.received.reduce<QueueSnapshot | null>((a, b) => (a && BigInt(a.version) > BigInt(b.version) ? a : b), null);
      return currentPlace(own, newest).queue_position;
    };

    await move(first.id, 'preparing');
    await move(first.id, 'ready');
    await expect.poll(shown, { timeout: 10_000 }).toBe(2);
    expect((await api(server, 'POST', `/api/orders/${secondOrder.id}/cancel`, { token: ben!.access_token })).status).toBe(200);
    await expect.poll(shown, { timeout: 10_000 }).toBe(1);
    await move(first.id, 'preparing');
    await expect.poll(shown, { timeout: 10_000 }).toBe(2);

    // Her own order's change says where it stands, on her own channel.
    await move(own.id, 'preparing');
    expect(await mine.next((event) => event.order_id === own.id)).toMatchObject({ status: 'preparing', queue_position: 2, queue_ticket: own.queue_ticket });
    await move(own.id, 'ready');
    expect(await mine.next((event) => event.order_id === own.id && event.status === 'ready')).toMatchObject({ queue_position: null, eta_seconds: null });
    // The snapshots carried nothing but the line.
    expect(line.received.every((event) => event.type === 'QUEUE_CHANGED' && !JSON.stringify(event).includes(own.id))).toBe(true);
  }, 60_000);
});
