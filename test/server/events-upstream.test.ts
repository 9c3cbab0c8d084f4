import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configureFromServer, installWebSocket, subscribe } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * AWS mode: with EVENTS_UPSTREAM_URL and EVENTS_UPSTREAM_API_KEY, barback publishes its
 * changes to that AppSync Events API and tells the apps to listen there. A second barback
 * stands in for AWS (it speaks the same protocol; it takes its host's access token as the
 * API key).
 */
let upstream: TestServer;
let server: TestServer;

beforeAll(async () => {
  upstream = await startTestServer();
  server = await startTestServer({
    EVENTS_UPSTREAM_URL: `${upstream.url}/event`,
    EVENTS_UPSTREAM_API_KEY: await adminToken(upstream),
  });
  installWebSocket({ plainHttp: true });
});
afterAll(async () => {
  await server?.stop();
  await upstream?.stop();
});

it('GET /api/config points the app at the upstream endpoint', async () => {
  const config = await api(server, 'GET', '/api/config');
  expect(config.body.events).toEqual({ endpoint: `${upstream.url}/event`, region: expect.any(String), defaultAuthMode: 'lambda' });
});

it("a status change is published upstream, where the app's Amplify client hears it", async () => {
  const endpoint = await configureFromServer(server.url);
  expect(endpoint.endpoint.startsWith(upstream.url)).toBe(true);
  // The upstream authorizes its own listeners: here, its host on every orders channel.
  const live = await subscribe<Record<string, unknown>>('/orders/*', await adminToken(upstream));
  await live.ready;
  const guest = await createGuestDirect(server, 'Fay');
  const drinkId = (await api(server, 'GET', '/api/drinks')).body.drinks[0].id;
  const placed = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
  const changed = await api(server, 'PATCH', `/api/admin/orders/${placed.body.order.id}`, { token: await adminToken(server), body: { status: 'preparing' } });
  expect(changed.status).toBe(200);
  expect(await live.next((e) => e.order_id === placed.body.order.id)).toEqual({
    type: 'ORDER_STATUS_CHANGED',
    order_id: placed.body.order.id,
    drink_name: placed.body.order.drink_name,
    status: 'preparing',
    previous_status: 'pending',
    updated_at: changed.body.order.updated_at,
    version: changed.body.order.version,
    // Still in line, where it was placed (issue 17); no preparation time yet tonight.
    queue_ticket: placed.body.order.queue_ticket,
    queue_position: placed.body.order.queue_position,
    eta_seconds: null,
  });
  await live.close();
});
