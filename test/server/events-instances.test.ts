import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import type { PgFanoutBus } from '../../server/events/pg-fanout.ts';
import { configureFromServer, installWebSocket, post, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * Two barback instances on one PostgreSQL database: a subscriber on either hears what
 * happens on both (LISTEN/NOTIFY). The embedded database cannot carry NOTIFY between
 * processes, so this needs DATABASE_URL.
 */
describe.skipIf(withoutPostgres('events-instances: two instances on one database'))('two instances on one PostgreSQL database (needs DATABASE_URL)', () => {
  let a: TestServer;
  let b: TestServer;
  let adminA: string;
  let adminB: string;
  let guest: TestGuest;
  const open: LiveChannel[] = [];

  beforeAll(async () => {
    a = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
    b = await startTestServer({}, { testDb: a.testDb });
    adminA = await adminToken(a);
    adminB = await adminToken(b);
    guest = await createGuestDirect(a, 'Dee');
    installWebSocket({ plainHttp: true });
    await configureFromServer(b.url);
  });
  afterAll(async () => {
    for (const live of open) await live.close().catch(() => undefined);
    await b?.stop();
    await a?.stop();
  });

  async function listen(channel: string, token: string) {
    const live = await subscribe<Record<string, unknown>>(channel, token);
    open.push(live as LiveChannel);
    await live.ready;
    return live;
  }

  it('a status change on instance A reaches the guest and the host listening on instance B', async () => {
    const guestLive = await listen(`/orders/${guest.user_key}`, guest.access_token);
    const hostLive = await listen(ADMIN_ORDER_UPDATES, adminB);
    const drinkId = (await api(a, 'GET', '/api/drinks')).body.drinks[0].id;
    const placed = await api(a, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
    const changed = await api(a, 'PATCH', `/api/admin/orders/${placed.body.order.id}`, { token: adminA, body: { status: 'ready' } });
    expect(changed.status).toBe(200);
    expect(await guestLive.next((e) => e.order_id === placed.body.order.id)).toMatchObject({ status: 'ready', version: changed.body.order.version });
    expect(await hostLive.next((e) => e.order_id === placed.body.order.id)).toMatchObject({ user_key: guest.user_key, status: 'ready' });
  });

  it('events the host publishes on A, even ones far over the 8,000-byte NOTIFY limit, reach B', async () => {
    const live = await listen(`/orders/${guest.user_key}`, guest.access_token);
    const big = { note: 'z'.repeat(200_000), emoji: '🍹'.repeat(1000) };
    await post(`/orders/${guest.user_key}`, [{ small: 1 }, big, { small: 2 }], adminA);
    await live.next((e) => e.small === 2);
    expect(live.received.filter((e) => 'small' in e || 'note' in e)).toEqual([{ small: 1 }, big, { small: 2 }]);
  });

  it('a guest revoked on A is cut off on B', async () => {
    const eve = await createGuestDirect(a, 'Eve');
    const live = await listen(`/orders/${eve.user_key}`, eve.access_token);
    const res = await api(a, 'POST', `/api/admin/guests/${eve.user_key}/revoke`, { token: adminA });
    expect(res.status).toBeLessThan(300);
    await expect.poll(() => live.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(JSON.stringify(live.errors)).toMatch(/UnauthorizedException/);
  });
});

/**
 * An instance alone on its database sends no NOTIFY (issue 21: one statement per event for
 * nobody); a second instance's start waits until the first knows of it, and a bye stops it
 * again. A plain LISTEN connection of the test's own reads what crosses.
 */
describe.skipIf(withoutPostgres('events-instances: NOTIFY only while another instance listens'))('NOTIFY only while another instance listens (needs DATABASE_URL)', () => {
  let a: TestServer;
  let b: TestServer | undefined;
  let wire: pg.Client | undefined;
  const heard: { o: string; h?: string; b?: { d?: { name: string; data: { order: { id: string } } } }[] }[] = [];

  beforeAll(async () => {
    a = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  });
  afterAll(async () => {
    await wire?.end();
    await b?.stop();
    await a?.stop();
  });

  /** The test's own listener, started after the instances it watches (it is not an instance: nobody waits for its answer). */
  async function tap(): Promise<void> {
    await wire?.end();
    wire = new pg.Client({ connectionString: a.testDb.databaseUrl });
    await wire.connect();
    // Markers are plain words, which no instance takes for one of its own.
    wire.on('notification', (message) => heard.push(message.payload!.startsWith('{') ? JSON.parse(message.payload!) : { o: message.payload! }));
    await wire.query('LISTEN barback_events');
  }

  const placed = (id: string) => heard.some((w) => w.b?.some((item) => item.d?.name === 'order.placed' && item.d.data.order.id === id));
  const bus = (server: TestServer) => server.ctx.events as PgFanoutBus;

  async function order(): Promise<string> {
    const guest = await createGuestDirect(a);
    const drinkId = (await api(a, 'GET', '/api/drinks')).body.drinks[0].id;
    const res = await api(a, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
    expect(res.status).toBe(201);
    return res.body.order.id;
  }

  it('alone, an instance announces nothing; a second one is known to it when its start returns, and from then on hears every event', async () => {
    await tap();
    const alone = await order();
    // What it would have sent goes out within a turn of the event loop; a marker sent after it arrives after it.
    await wire!.query(`NOTIFY barback_events, 'marker'`);
    await expect.poll(() => heard.some((w) => w.o === 'marker')).toBe(true);
    expect(placed(alone)).toBe(false);
    expect(bus(a).hasPeers()).toBe(false);

    await wire!.end();
    wire = undefined;
    b = await startTestServer({}, { testDb: a.testDb });
    expect(bus(a).hasPeers()).toBe(true);
    expect(bus(b).hasPeers()).toBe(true);
    await tap();
    const together = await order();
    await expect.poll(() => placed(together)).toBe(true);
  });

  it('a bye (the second instance stopping) ends the NOTIFYs again', async () => {
    await b!.stop();
    b = undefined;
    await expect.poll(() => bus(a).hasPeers()).toBe(false);
    const after = await order();
    await wire!.query(`NOTIFY barback_events, 'marker 2'`);
    await expect.poll(() => heard.some((w) => w.o === 'marker 2')).toBe(true);
    expect(placed(after)).toBe(false);
  });
});
