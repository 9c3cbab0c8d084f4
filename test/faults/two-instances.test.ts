import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  databaseView,
  freshDatabase,
  gatherParty,
  LiveGuest,
  sameView,
  sleep,
  startBarback,
  waitFor,
  type BarbackProcess,
} from './support.ts';
import { withoutPostgres } from '../support/skips.ts';

/*
 * Two instances on one PostgreSQL database. Guests are connected to instance A; the host
 * works the queue on instance B, so every event reaches the guests through A's fan-out.
 * A is killed with SIGKILL in the middle of that stream. The guests' apps reconnect to B
 * (the address they are given next) and catch up through the cursor: each guest's final
 * view, built from live events plus catch-up, equals the database.
 */

const GUESTS = 12;
const ORDERS_EACH = 3;

describe.skipIf(withoutPostgres('two-instances: one killed mid-fan-out'))('two instances, one killed mid-fan-out', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: BarbackProcess;
  let b: BarbackProcess;

  beforeAll(async () => {
    db = await freshDatabase();
    a = await startBarback({ DATABASE_URL: db.url, MAX_ACTIVE_ORDERS: '10' });
    b = await startBarback({ DATABASE_URL: db.url, MAX_ACTIVE_ORDERS: '10' });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  it('guests reconnect to the survivor and catch up with nothing missing', async () => {
    const party = await gatherParty(b.url, GUESTS);
    for (const [g, guest] of party.guests.entries()) {
      for (let i = 0; i < ORDERS_EACH; i++) guest.want(party.drinks[(g + i) % party.drinks.length]!.id, '');
      await guest.drain(() => b.url, { deadline: Date.now() + 30_000 });
    }
    const live = party.guests.map((g) => new LiveGuest(g.userKey, g.token));
    let survivor = a.url;
    const reconnects: Promise<void>[] = [];
    for (const guest of live) {
      await guest.connect(a.url);
      // The app's reconnect: the next address it is given, subscribe, then catch up.
      guest.onClose = () => reconnects.push(guest.connect(survivor));
    }

    const orderIds = party.guests.flatMap((g) => g.intended.map((o) => o.id));
    let changes = 0;
    const host = async (ids: string[]) => {
      for (const status of ['preparing', 'ready', 'served']) {
        for (const id of ids) {
          const res = await fetch(`${b.url}/api/admin/orders/${id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${party.admin}` },
            body: JSON.stringify({ status }),
          });
          expect(res.status).toBe(200);
          changes += 1;
          await sleep(5);
        }
      }
    };
    const half = Math.ceil(orderIds.length / 2);
    const working = Promise.all([host(orderIds.slice(0, half)), host(orderIds.slice(half))]);

    const totalChanges = orderIds.length * 3;
    await waitFor('the stream to be under way through A', () => (changes >= totalChanges / 3 && live.some((g) => g.eventsReceived > 0) ? true : undefined), 60_000, 5);
    survivor = b.url;
    await a.kill9();
    const changesAtKill = changes;
    await working;
    await waitFor('every guest to reconnect', () => (reconnects.length === GUESTS ? true : undefined));
    await Promise.all(reconnects);

    expect(changesAtKill).toBeLessThan(totalChanges);
    expect(live.every((g) => g.socket?.url.startsWith(b.url.replace(/^http/, 'ws')))).toBe(true);
    for (const guest of live) {
      const truth = await databaseView(db.url, guest.userKey);
      expect([...truth.values()].every((s) => s.status === 'served')).toBe(true);
      await waitFor(`guest ${guest.userKey}'s view to equal the database`, () => (sameView(guest.view, truth) ? true : undefined), 15_000);
    }
    for (const guest of live) guest.close();
  });
});
