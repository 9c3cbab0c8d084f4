import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, gatherParty, ordersInDatabase, query, startBarback, waitFor, type BarbackProcess, type Party } from './support.ts';
import { withoutPostgres } from '../support/skips.ts';

/*
 * kill -9 of the server in the middle of an order burst from 20 guests whose apps retry
 * from their outbox. Every order the server answered 2xx for must survive, the retries must
 * complete the rest against the restarted server, and no order may exist twice.
 */

const GUESTS = 20;
const ORDERS_EACH = 6;

describe.skipIf(withoutPostgres('kill-server: kill -9 during an order burst'))('kill -9 of the server during an order burst (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: BarbackProcess;
  let party: Party;

  beforeAll(async () => {
    db = await freshDatabase();
    server = await startBarback({ DATABASE_URL: db.url, MAX_ACTIVE_ORDERS: '1000' });
    party = await gatherParty(server.url, GUESTS);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('keeps every acknowledged order, completes the rest by retry, and creates none twice', async () => {
    party.guests.forEach((guest, g) => {
      for (let i = 0; i < ORDERS_EACH; i++) guest.want(party.drinks[(g + i) % party.drinks.length]!.id, `round ${i}`);
    });
    const total = GUESTS * ORDERS_EACH;
    let url = server.url;
    const deadline = Date.now() + 90_000;
    const burst = Promise.all(party.guests.map((guest) => guest.drain(() => url, { thinkMs: 60, deadline })));

    const acked = () => party.guests.reduce((n, g) => n + g.acknowledged.size, 0);
    await waitFor('a third of the burst to be acknowledged', () => (acked() >= total / 3 ? true : undefined), 60_000, 5);
    await server.kill9();
    const ackedBeforeKill = new Set(party.guests.flatMap((g) => [...g.acknowledged]));
    server = await startBarback({ DATABASE_URL: db.url, MAX_ACTIVE_ORDERS: '1000' }, server.port);
    url = server.url;
    await burst;

    // The kill really landed mid-burst: some orders were still to come and clients had to retry.
    expect(ackedBeforeKill.size).toBeLessThan(total);
    expect(party.guests.some((g) => g.retried.includes('network'))).toBe(true);

    for (const guest of party.guests) expect(guest.refused, `refusals for ${guest.userKey}`).toEqual([]);
    const stored = await ordersInDatabase(db.url, party.guests.map((g) => g.userKey));
    for (const guest of party.guests) {
      const ids = stored.get(guest.userKey)!;
      expect(new Set(ids).size, 'no id twice').toBe(ids.length);
      expect([...ids].sort()).toEqual(guest.intended.map((o) => o.id).sort());
    }
    for (const id of ackedBeforeKill) expect([...stored.values()].some((ids) => ids.includes(id))).toBe(true);
    // Exactly one NEW_ORDER event per order: a replay after the crash did not write another.
    const events = await query<{ order_id: string; n: number }>(db.url, "SELECT order_id, count(*)::int AS n FROM order_events WHERE type = 'NEW_ORDER' GROUP BY order_id");
    expect(events.length).toBe(total);
    expect(events.every((e) => e.n === 1)).toBe(true);
  });
});
