import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import { currentPlace, positionIn, snapshotAtLeast, type QueueSnapshot } from '../../shared/queue.ts';
import { orderSchema, queueResponse, type Order } from '../../shared/schemas/orders.ts';
import { connectPhone, type PhoneSocket } from '../support/appsync-socket.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';
import { join, newPass } from './staff-support.ts';

/**
 * The line (issue 17): every open order not yet ready has a place, first placed first made,
 * and a wait worked out from tonight's own preparation times. Phones follow it through one
 * anonymous snapshot per change burst on /queue, on PostgreSQL (with a second instance) and
 * on the embedded database.
 */
let server: TestServer;
let second: TestServer | undefined;
let admin: string;
let drinks: { id: string; name: string }[];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  // A second instance on the same database, where PostgreSQL carries events between them.
  if (process.env.DATABASE_URL) second = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' }, { testDb: server.testDb });
  admin = await adminToken(server);
  drinks = (await api(server, 'GET', '/api/drinks')).body.drinks;
}, 60_000);
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

async function place(guest: TestGuest, drinkId = drinks[0]!.id, on: TestServer = server): Promise<Order> {
  const res = await api(on, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return orderSchema.parse(res.body.order);
}
async function move(id: string, status: OrderStatus, token = admin, on: TestServer = server): Promise<void> {
  const res = await api(on, 'PATCH', `/api/admin/orders/${id}`, { token, body: { status } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
async function view(guest: TestGuest, id: string): Promise<Order> {
  return orderSchema.parse((await api(server, 'GET', `/api/orders/${id}`, { token: guest.access_token })).body.order);
}
async function queueNow(token = admin): Promise<QueueSnapshot> {
  return queueResponse.parse((await api(server, 'GET', '/api/queue', { token })).body).queue;
}
/** Empties the line, so a test starts from a known one. */
async function clearLine(): Promise<void> {
  const open = (await api(server, 'GET', '/api/admin/orders?status=pending,preparing', { token: admin })).body.orders as { id: string }[];
  for (const order of open) await move(order.id, 'cancelled');
}

describe('the wait', () => {
  it('is null until tonight has a preparation time, then ⌈position ÷ bartenders⌉ × the expected time: per drink with 3 samples, else tonight’s median', async () => {
    const x = drinks[0]!;
    const y = drinks[1]!;
    const guest = await createGuestDirect(server, 'Ada');
    const first = await place(guest, x.id);
    expect(first).toMatchObject({ queue_position: 1, eta_seconds: null });
    expect(first.queue_ticket).toBeGreaterThan(0);

    // Tonight's samples: drink x made in 60, 70 and 80 s, drink y once, in 300 s. Each order is
    // started, its start moved back in the database (a test cannot wait minutes), then made ready.
    const sam = await createGuestDirect(server, 'Sam');
    for (const [drink, seconds] of [[x.id, 60], [x.id, 70], [x.id, 80], [y.id, 300]] as const) {
      const order = await place(sam, drink);
      await move(order.id, 'preparing');
      await server.db.query('UPDATE orders SET preparing_at = now() - make_interval(secs => $2) WHERE id = $1', [order.id, seconds]);
      await move(order.id, 'ready');
    }
    // The line: Ada's x (70 s, x's own median), then Bo's y (75 s: y has one sample tonight, so
    // tonight's median of 60, 70, 80, 300) and Bo's x: 215 / 3 ≈ 72 s per order, 1 bartender.
    const bo = await createGuestDirect(server, 'Bo');
    const boY = await place(bo, y.id);
    const boX = await place(bo, x.id);
    expect(boX).toMatchObject({ queue_position: 3, eta_seconds: 3 * 72 });
    expect(await view(guest, first.id)).toMatchObject({ queue_position: 1, eta_seconds: 72 });
    expect(await view(bo, boY.id)).toMatchObject({ queue_position: 2, eta_seconds: 2 * 72 });
    expect(await queueNow(guest.access_token)).toMatchObject({ length: 3, prep_seconds: 72, bartenders: 1 });

    // A helper starts Bo's y: two people make drinks now, so the first two orders are made side
    // by side and the third waits one round.
    const helper = await join(server, (await newPass(server, admin)).secret, 'Robin');
    await move(boY.id, 'preparing', helper.access_token);
    expect(await queueNow()).toMatchObject({ length: 3, bartenders: 2 });
    expect(await view(guest, first.id)).toMatchObject({ queue_position: 1, eta_seconds: 72 });
    expect(await view(bo, boY.id)).toMatchObject({ queue_position: 2, eta_seconds: 72 });
    expect(await view(bo, boX.id)).toMatchObject({ queue_position: 3, eta_seconds: 144 });
    await clearLine();
  }, 60_000);
});

describe('places in line', () => {
  it('are numbered first placed, first made, over every guest; ready and cancelled orders leave; a recall goes back to its old place', async () => {
    await clearLine();
    const guests = await Promise.all(['Cy', 'Di', 'Ed'].map((name) => createGuestDirect(server, name)));
    const orders: [TestGuest, Order][] = [];
    for (const guest of [...guests, guests[0]!]) orders.push([guest, await place(guest)]);
    expect(orders.map(([, order]) => order.queue_position)).toEqual([1, 2, 3, 4]);
    const tickets = orders.map(([, order]) => order.queue_ticket!);
    expect([...tickets].sort((a, b) => a - b)).toEqual(tickets);

    // Preparing keeps the place; ready leaves the line; everyone behind moves up.
    await move(orders[0]![1].id, 'preparing');
    expect((await view(guests[0]!, orders[0]![1].id)).queue_position).toBe(1);
    await move(orders[0]![1].id, 'ready');
    expect(await view(guests[0]!, orders[0]![1].id)).toMatchObject({ status: 'ready', queue_position: null, eta_seconds: null, queue_ticket: null });
    expect((await view(guests[1]!, orders[1]![1].id)).queue_position).toBe(1);
    // The guest cancels; the host recalls the ready one: it is first again, at its own ticket.
    const cancelled = await api(server, 'POST', `/api/orders/${orders[1]![1].id}/cancel`, { token: guests[1]!.access_token });
    expect(cancelled.body.order).toMatchObject({ status: 'cancelled', queue_position: null });
    await move(orders[0]![1].id, 'preparing');
    expect(await view(guests[0]!, orders[0]![1].id)).toMatchObject({ queue_position: 1, queue_ticket: tickets[0] });
    expect((await view(guests[2]!, orders[2]![1].id)).queue_position).toBe(2);
    expect((await view(guests[0]!, orders[3]![1].id)).queue_position).toBe(3);

    // The guest's list and the catch-up carry the same places.
    const list = (await api(server, 'GET', '/api/orders', { token: guests[0]!.access_token })).body.orders as Order[];
    expect(Object.fromEntries(list.map((o) => [o.id, o.queue_position]))).toMatchObject({ [orders[0]![1].id]: 1, [orders[3]![1].id]: 3 });
    const snapshot = await queueNow(guests[2]!.access_token);
    // The snapshot a phone gets tells each the same place, and has no place for the cancelled one.
    expect(tickets.map((ticket) => positionIn(snapshot, ticket))).toEqual([1, null, 2, 3]);
    expect(snapshot.length).toBe(3);
    await clearLine();
  }, 60_000);

  it('a new order’s answer counts the orders ahead of it as the database has them, right after others left the line (here or on another instance)', async () => {
    await clearLine();
    const guests = await Promise.all(['Fay', 'Gus'].map((name) => createGuestDirect(server, name)));
    const ahead = [await place(guests[0]!), await place(guests[1]!), await place(guests[0]!)];
    // One made ready at once before the next order (on the other instance when there is one):
    // no copy of the line has had time to hear of it.
    await move(ahead[0]!.id, 'preparing', admin, second ?? server);
    await move(ahead[0]!.id, 'ready', admin, second ?? server);
    const next = await place(guests[1]!);
    expect(next.queue_position).toBe(3);
    expect(next.queue_ticket).toBeGreaterThan(ahead[2]!.queue_ticket!);
    // The same place the line gives it when asked.
    expect(positionIn(await queueNow(), next.queue_ticket!)).toBe(3);
    expect((await view(guests[1]!, next.id)).queue_position).toBe(3);
    // A replay of the same order answers the same place.
    const again = await api(server, 'POST', '/api/orders', { token: guests[1]!.access_token, body: { id: next.id, drink_id: drinks[0]!.id } });
    expect(again.status).toBe(200);
    expect(again.body.order).toMatchObject({ queue_position: 3, queue_ticket: next.queue_ticket });
    await clearLine();
  });

  // PGlite is a single session: a second transaction cannot be open at the same time there.
  it.skipIf(withoutPostgres('orders-queue: an order that commits late'))(
    'an order that commits after a later one was answered still takes its place: the next answer and the line count it, and no snapshot claims it before',
    async () => {
      await clearLine();
      const guest = await createGuestDirect(server, 'Hal');
      const slow = new pg.Client({ connectionString: server.testDb.databaseUrl });
      await slow.connect();
      try {
        // The slow order takes its version and ticket first, as place_order() does, then waits to commit.
        await slow.query('BEGIN');
        const { rows } = await slow.query<{ id: string; queue_ticket: string; version: string }>(
          `INSERT INTO orders (id, drink_id, user_key, status, version) VALUES ($1, $2, $3, 'pending', take_order_version())
           RETURNING id, queue_ticket, version`,
          [randomUUID(), drinks[0]!.id, guest.user_key],
        );
        const late = { id: rows[0]!.id, ticket: Number(rows[0]!.queue_ticket), version: BigInt(rows[0]!.version) };

        // A faster order, answered (and the line read) while the slow one is still open.
        const fast = await place(guest);
        expect(fast.queue_ticket).toBeGreaterThan(late.ticket);
        expect(BigInt(fast.version)).toBeGreaterThan(late.version);
        expect(fast.queue_position).toBe(1);
        const during = await queueNow();
        expect(BigInt(during.version)).toBeLessThan(late.version);
        expect(positionIn(during, late.ticket)).toBeNull();

        await slow.query('COMMIT');
        // Placed before the others, it is first in line: every read from now on holds it.
        const next = await place(guest);
        expect(next.queue_position).toBe(3);
        expect(positionIn(await queueNow(), late.ticket)).toBe(1);
        expect((await view(guest, fast.id)).queue_position).toBe(2);
        expect((await view(guest, late.id)).queue_position).toBe(1);
      } finally {
        await slow.query('ROLLBACK').catch(() => undefined);
        await slow.end();
      }
      await clearLine();
    },
  );

  it('GET /api/queue and QUEUE_CHANGED name no order, guest or drink', async () => {
    const secretName = `Zed-${randomUUID().slice(0, 6)}`;
    const guest = await createGuestDirect(server, secretName);
    const phone = await connectPhone(server.url, guest.access_token, 1);
    const heard: Record<string, unknown>[] = [];
    await phone.subscribe(QUEUE_CHANNEL, (event) => heard.push(event));
    const order = await place(guest, drinks[1]!.id);
    await expect.poll(() => heard.length, { timeout: 10_000 }).toBeGreaterThan(0);
    phone.close();
    const answer = (await api(server, 'GET', '/api/queue', { token: guest.access_token })).body;
    for (const text of [JSON.stringify(answer), ...heard.map((event) => JSON.stringify(event))]) {
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i);
      expect(text).not.toContain(secretName);
      expect(text).not.toContain(drinks[1]!.name);
      expect(text).not.toContain(order.id);
    }
    expect(Object.keys(heard[0]!).sort()).toEqual(['bartenders', 'first', 'length', 'prep_seconds', 'type', 'version', 'waiting']);
    await clearLine();
  }, 30_000);
});

describe('snapshots', () => {
  it('one that changes nothing is skipped, but its newer version still reaches the phones within seconds', async () => {
    await clearLine();
    const guest = await createGuestDirect(server, 'Flo');
    const phone = await connectPhone(server.url, guest.access_token, 2);
    const heard: QueueSnapshot[] = [];
    await phone.subscribe(QUEUE_CHANNEL, (event) => heard.push(event as unknown as QueueSnapshot));
    try {
      const order = await place(guest);
      await expect.poll(() => heard.length, { timeout: 5_000 }).toBe(1);
      // Preparing moves nobody: nothing new to say at once, only a newer version, a moment later.
      await move(order.id, 'preparing');
      const moved = await view(guest, order.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toHaveLength(1);
      await expect.poll(() => heard.length, { timeout: 5_000 }).toBe(2);
      expect(BigInt(heard[1]!.version)).toBeGreaterThanOrEqual(BigInt(moved.version));
      expect({ ...heard[1], version: '' }).toEqual({ ...heard[0], version: '' });
    } finally {
      phone.close();
    }
    await clearLine();
  }, 30_000);
});

/** A phone as the app is: its orders as the server last told it, and the newest snapshot of the line. */
class PhoneView {
  readonly orders = new Map<string, Order>();
  snapshot: QueueSnapshot | null = null;
  snapshots = 0;

  constructor(readonly guest: TestGuest) {}

  know(order: Order): void {
    const known = this.orders.get(order.id);
    if (!known || BigInt(order.version) > BigInt(known.version)) this.orders.set(order.id, order);
  }

  hear(event: Record<string, unknown>): void {
    if (event.type === 'QUEUE_CHANGED') {
      const { type: _type, ...snapshot } = event as unknown as QueueSnapshot & { type: string };
      this.snapshots++;
      if (snapshotAtLeast(snapshot, this.snapshot)) this.snapshot = snapshot;
    } else if (event.type === 'ORDER_STATUS_CHANGED') {
      const known = this.orders.get(event.order_id as string);
      if (!known) return;
      const { status, version, updated_at, queue_ticket, queue_position, eta_seconds } = event as unknown as Order;
      this.know({ ...known, status, version, updated_at, queue_ticket: queue_ticket ?? known.queue_ticket, queue_position, eta_seconds });
    }
  }

  /** What the screen shows for each order: position and wait. */
  shown(): Record<string, [number | null, number | null]> {
    const out: Record<string, [number | null, number | null]> = {};
    for (const order of this.orders.values()) {
      const place = currentPlace(order, this.snapshot);
      out[order.id] = [place.queue_position, place.eta_seconds];
    }
    return out;
  }
}

describe('200 guests following the line', () => {
  it('keep positions consistent while orders are moved: each guest’s view, after the events, equals the server’s', async () => {
    await clearLine();
    const instances = second ? [server, second] : [server];
    const count = 200;
    const guests: TestGuest[] = [];
    for (let i = 0; i < count; i++) guests.push(await createGuestDirect(server, `Guest ${i}`));
    const phones: PhoneSocket[] = [];
    const views = guests.map((guest) => new PhoneView(guest));
    try {
      // Each phone on its own socket (half of them on the second instance, when there is one),
      // subscribed to its own channel and to the line.
      for (let start = 0; start < count; start += 20) {
        await Promise.all(
          views.slice(start, start + 20).map(async (v, k) => {
            const i = start + k;
            const phone = await connectPhone(instances[i % instances.length]!.url, v.guest.access_token, 100 + i);
            phones.push(phone);
            await phone.subscribe(guestOrdersChannel(v.guest.user_key), (event) => v.hear(event));
            await phone.subscribe(QUEUE_CHANNEL, (event) => v.hear(event));
          }),
        );
      }
      // Everyone orders (one in four orders twice), on either instance.
      const placed: [PhoneView, Order][] = [];
      for (let start = 0; start < count; start += 20) {
        const batch = await Promise.all(
          views.slice(start, start + 20).map(async (v, k) => {
            const on = instances[(start + k) % instances.length]!;
            const mine = [await place(v.guest, drinks[(start + k) % 3]!.id, on)];
            if ((start + k) % 4 === 0) mine.push(await place(v.guest, drinks[0]!.id, on));
            for (const order of mine) v.know(order);
            return mine.map((order) => [v, order] as [PhoneView, Order]);
          }),
        );
        placed.push(...batch.flat());
      }
      // The bar works through the line out of order, in bursts of concurrent taps on both
      // instances: some made, some started, some cancelled, a few recalled.
      let changes = 0;
      const plan: [string, OrderStatus][] = [];
      placed.forEach(([, order], i) => {
        if (i % 3 === 0) plan.push([order.id, 'preparing'], [order.id, 'ready']);
        else if (i % 7 === 1) plan.push([order.id, 'cancelled']);
        else if (i % 5 === 2) plan.push([order.id, 'preparing']);
        if (i % 9 === 0) plan.push([order.id, 'preparing']); // recall of a ready one
      });
      const byOrder = new Map<string, [string, OrderStatus][]>();
      for (const step of plan) byOrder.set(step[0], [...(byOrder.get(step[0]) ?? []), step]);
      const chains = [...byOrder.values()];
      for (let start = 0; start < chains.length; start += 25) {
        // A late order joins the line with each burst.
        const late = views[start / 25]!;
        late.know(await place(late.guest, drinks[2]!.id, instances[1 % instances.length]!));
        changes++;
        await Promise.all(
          chains.slice(start, start + 25).map(async (chain, k) => {
            for (const [id, status] of chain) {
              await move(id, status, admin, instances[(start + k) % instances.length]!);
              changes++;
            }
          }),
        );
      }

      // The server's truth: each guest's REST view now.
      const truth = async () => {
        const out = await Promise.all(
          views.map(async (v) => {
            const orders = (await api(server, 'GET', '/api/orders', { token: v.guest.access_token })).body.orders as Order[];
            return Object.fromEntries(orders.map((o) => [o.id, [o.queue_position, o.eta_seconds]]));
          }),
        );
        return out;
      };
      // Asked again until both agree (or 15 s pass): the last snapshots may still be on their way.
      let expected = await truth();
      let shown = views.map((v) => v.shown());
      for (const deadline = Date.now() + 15_000; !isDeepStrictEqual(shown, expected) && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        expected = await truth();
        shown = views.map((v) => v.shown());
      }
      expect(shown).toEqual(expected);
      // And the server's places are the line itself, as SQL ranks it: every open order not yet
      // ready, by ticket.
      const { rows } = await server.db.query<{ id: string; position: string }>(
        "SELECT id::text, row_number() OVER (ORDER BY queue_ticket) AS position FROM orders WHERE status IN ('pending', 'preparing')",
      );
      const ranked = new Map(rows.map((row) => [row.id, Number(row.position)]));
      for (const order of expected.flatMap((places) => Object.entries(places))) expect(order[1][0], order[0]).toBe(ranked.get(order[0]) ?? null);
      // The places came from the line's snapshots, not from answers: every phone heard some,
      // far fewer than one per change.
      expect(new Set(expected.flatMap((e) => Object.values(e).map(([p]) => p)))).toContain(1);
      const heard = views.map((v) => v.snapshots);
      expect(Math.min(...heard)).toBeGreaterThan(0);
      expect(Math.max(...heard)).toBeLessThan(changes / 2);
      expect(await truth()).toEqual(expected);
    } finally {
      for (const phone of phones) phone.close();
    }
  }, 180_000);
});
