import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherParty, ordersInDatabase, sleep, startBarback, ThrowawayCluster, waitFor, type BarbackProcess, type Party } from './support.ts';
import { missing } from '../support/skips.ts';

/*
 * PostgreSQL restarted under a steady load of orders. The test starts a cluster of its own
 * (stopping the shared one would break everyone else's tests). While the database is down the
 * server stays up, health says 503 degraded, and orders fail fast and cleanly with 503
 * service_unavailable (never a 500, never a hang); once it is back, health is 200 again with
 * no restart, the apps' retries go through, and every order answered 2xx is stored.
 */

const GUESTS = 10;
const ORDERS_EACH = 30;

describe.skipIf(missing(ThrowawayCluster.available(), 'restart-postgres', 'needs the PostgreSQL server binaries (initdb, pg_ctl) and, as root, a postgres user'))('PostgreSQL restarted under load', () => {
  let cluster: ThrowawayCluster;
  let server: BarbackProcess;
  let party: Party;

  beforeAll(async () => {
    cluster = await ThrowawayCluster.create();
    server = await startBarback({ DATABASE_URL: cluster.url, MAX_ACTIVE_ORDERS: '1000' });
    party = await gatherParty(server.url, GUESTS);
  });
  afterAll(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  it('503 while it is down, 200 again by itself, nothing acknowledged lost', async () => {
    party.guests.forEach((guest, g) => {
      for (let i = 0; i < ORDERS_EACH; i++) guest.want(party.drinks[(g + i) % party.drinks.length]!.id, `steady ${i}`);
    });
    const answers: { status: number | 'network'; code?: string; phase: string }[] = [];
    let phase = 'before';
    const load = Promise.all(
      party.guests.map((guest) =>
        guest.drain(() => server.url, {
          thinkMs: 40,
          deadline: Date.now() + 120_000,
          onAnswer: (status, body) => answers.push({ status, phase, code: (body as { error?: { code?: string } } | undefined)?.error?.code }),
        }),
      ),
    );
    const health = async () => {
      const res = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    await waitFor('orders to flow', () => (answers.filter((a) => a.status === 201).length >= 20 ? true : undefined));

    phase = 'down';
    await cluster.stop();
    const degraded = await waitFor('health to say 503', async () => {
      const res = await health();
      return res.status === 503 ? res : undefined;
    });
    expect(degraded.body).toEqual({ status: 'degraded', database: 'postgres' });
    await waitFor('orders to be refused while the database is down', () => (answers.filter((a) => a.phase === 'down' && a.status === 503).length >= 20 ? true : undefined));
    await sleep(500);

    phase = 'back';
    await cluster.start();
    const healthy = await waitFor('health to recover by itself', async () => {
      const res = await health();
      return res.status === 200 ? res : undefined;
    }, 30_000, 200);
    expect(healthy.body).toEqual({ status: 'ok', database: 'postgres' });
    await load;

    expect(server.child.exitCode, 'the server kept running').toBeNull();
    // Every answer was a success or a clean 503 in the envelope: no 500, no dropped connection.
    const unclean = answers.filter((a) => !(a.status === 200 || a.status === 201 || (a.status === 503 && a.code === 'service_unavailable')));
    expect(unclean).toEqual([]);
    expect(answers.some((a) => a.phase === 'down' && a.status === 503)).toBe(true);

    for (const guest of party.guests) expect(guest.refused).toEqual([]);
    const stored = await ordersInDatabase(cluster.url, party.guests.map((g) => g.userKey));
    for (const guest of party.guests) {
      const ids = stored.get(guest.userKey)!;
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(guest.intended.map((o) => o.id).sort());
      for (const id of guest.acknowledged) expect(ids).toContain(id);
    }
  });
});
