import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSchema } from '../../shared/schemas/orders.ts';
import { onChannelEvents, type ChannelEvent } from '../../server/events/projection.ts';
import type { NewOrderEvent } from '../../shared/events.ts';
import { createGuestDirect } from '../support/guests.ts';
import pg from 'pg';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

let server: TestServer;
let admin: string;
let drinks: { id: string; name: string }[];
const published: ChannelEvent[] = [];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '3' });
  admin = await adminToken(server);
  drinks = (await api(server, 'GET', '/api/drinks')).body.drinks;
  onChannelEvents(server.ctx.events, (event) => published.push(event));
});
afterAll(async () => {
  await server?.stop();
});

async function eventRows(orderId: string) {
  const { rows } = await server.db.query<{ type: string; version: string; user_key: string; payload: Record<string, unknown> }>(
    'SELECT type, version, user_key, payload FROM order_events WHERE order_id = $1 ORDER BY id',
    [orderId],
  );
  return rows;
}

async function orderCount(id: string): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE id = $1', [id]);
  return rows[0]!.n;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /api/orders', () => {
  it('creates an order in the wire shape, writes its NEW_ORDER event and publishes it after commit', async () => {
    const guest = await createGuestDirect(server, 'Ada');
    const id = randomUUID();
    const drink = drinks[0]!;
    const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drink.id, notes: '  no ice  ' } });
    expect(res.status).toBe(201);
    const order = res.body.order;
    expect(Object.keys(order).sort()).toEqual(
      // options: issue 19 (an empty list for a drink without option groups); the place in line: issue 17.
      ['completed_at', 'created_at', 'drink_id', 'drink_name', 'id', 'notes', 'options', 'status', 'updated_at', 'version', 'queue_ticket', 'queue_position', 'eta_seconds'].sort(),
    );
    expect(orderSchema.parse(order)).toEqual(order);
    expect(order).toMatchObject({ id, drink_id: drink.id, drink_name: drink.name, notes: 'no ice', status: 'pending', completed_at: null });
    expect(order.created_at).toMatch(ISO);
    expect(order.updated_at).toBe(order.created_at);
    expect(order.version).toMatch(/^[1-9]\d*$/);

    const expectedEvent = {
      type: 'NEW_ORDER',
      order_id: id,
      user_key: guest.user_key,
      username: 'Ada',
      drink_id: drink.id,
      drink_name: drink.name,
      notes: 'no ice',
      status: 'pending',
      created_at: order.created_at,
      version: order.version,
      // Issue 19: NEW_ORDER carries the chosen options, an empty list for a drink without groups.
      options: [],
    };
    const rows = await eventRows(id);
    // The log records the order row as inserted (migration 0007); the wire event is built in TypeScript.
    const inserted = { id, drink_id: drink.id, user_key: guest.user_key, notes: 'no ice', status: 'pending' };
    expect(rows).toEqual([{ type: 'NEW_ORDER', version: order.version, user_key: guest.user_key, payload: expect.objectContaining(inserted) }]);
    await expect.poll(() => published.find((e) => e.type === 'NEW_ORDER' && (e.payload as NewOrderEvent).version === order.version)).toEqual({
      channel: '/admin/new-orders',
      type: 'NEW_ORDER',
      payload: expectedEvent,
    });
  });

  it('generates the id when the client sends none; empty notes become null', async () => {
    const guest = await createGuestDirect(server);
    const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinks[0]!.id, notes: '   ' } });
    expect(res.status).toBe(201);
    expect(res.body.order.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.body.order.notes).toBeNull();
  });

  it('50 concurrent duplicates create one order, one event, and give every caller the same order (one 201, 49 200)', async () => {
    const guest = await createGuestDirect(server);
    const body = { id: randomUUID(), drink_id: drinks[1]!.id, notes: 'extra lime' };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => api(server, 'POST', '/api/orders', { token: guest.access_token, body })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(49);
    for (const answer of answers) expect(answer.body.order).toEqual(answers[0]!.body.order);
    expect(await orderCount(body.id)).toBe(1);
    expect(await eventRows(body.id)).toHaveLength(1);
  });

  it('the same id with another drink, other notes or from another guest is 409 idempotency_conflict and changes nothing', async () => {
    const owner = await createGuestDirect(server, 'Owner');
    const other = await createGuestDirect(server, 'Other');
    const id = randomUUID();
    const first = await api(server, 'POST', '/api/orders', { token: owner.access_token, body: { id, drink_id: drinks[0]!.id } });
    expect(first.status).toBe(201);
    const attempts = [
      { token: owner.access_token, body: { id, drink_id: drinks[1]!.id } },
      { token: owner.access_token, body: { id, drink_id: drinks[0]!.id, notes: 'different' } },
      { token: other.access_token, body: { id, drink_id: drinks[0]!.id } },
    ];
    for (const attempt of attempts) {
      const res = await api(server, 'POST', '/api/orders', attempt);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: { code: 'idempotency_conflict', message: expect.any(String) } });
    }
    const stored = await api(server, 'GET', `/api/orders/${id}`, { token: owner.access_token });
    expect(stored.body.order).toEqual(first.body.order);
    expect(await eventRows(id)).toHaveLength(1);
  });

  it('different guests racing on one id: exactly one creates it, every other gets 409', async () => {
    const guests = await Promise.all(Array.from({ length: 12 }, (_, i) => createGuestDirect(server, `Racer ${i}`)));
    const body = { id: randomUUID(), drink_id: drinks[0]!.id };
    const answers = await Promise.all(guests.map((g) => api(server, 'POST', '/api/orders', { token: g.access_token, body })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'idempotency_conflict')).toHaveLength(11);
    expect(await orderCount(body.id)).toBe(1);
    expect(await eventRows(body.id)).toHaveLength(1);
  });

  it('ten simultaneous orders from a guest with none open create exactly MAX_ACTIVE_ORDERS', async () => {
    const guest = await createGuestDirect(server);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinks[0]!.id } }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r.body.error.code).toBe('too_many_active_orders');
    const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_key = $1', [guest.user_key]);
    expect(rows[0]!.n).toBe(3);
  });

  it('at the limit a replay of an existing order still answers 200, and a finished order frees a place', async () => {
    const guest = await createGuestDirect(server);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) {
      expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drinks[0]!.id } })).status).toBe(201);
    }
    const fourth = { id: randomUUID(), drink_id: drinks[0]!.id };
    expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: fourth })).status).toBe(409);
    const replay = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: ids[0], drink_id: drinks[0]!.id } });
    expect(replay.status).toBe(200);
    const served = await api(server, 'PATCH', `/api/admin/orders/${ids[1]}`, { token: admin, body: { status: 'served' } });
    expect(served.status).toBe(200);
    expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: fourth })).status).toBe(201);
  });

  it('an unknown or deleted drink is 404 drink_not_found, an inactive one 409 drink_unavailable, and neither leaves a row', async () => {
    const guest = await createGuestDirect(server);
    const [inactive, deleted] = [drinks[2]!, drinks[3]!];
    expect((await api(server, 'PUT', `/api/admin/drinks/${inactive.id}`, { token: admin, body: { is_active: false } })).status).toBe(200);
    expect((await api(server, 'DELETE', `/api/admin/drinks/${deleted.id}`, { token: admin })).status).toBe(204);
    const cases: [string, number, string][] = [
      [randomUUID(), 404, 'drink_not_found'],
      [deleted.id, 404, 'drink_not_found'],
      [inactive.id, 409, 'drink_unavailable'],
    ];
    for (const [drinkId, status, code] of cases) {
      const id = randomUUID();
      const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drinkId } });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(await orderCount(id)).toBe(0);
    }
    await api(server, 'PUT', `/api/admin/drinks/${inactive.id}`, { token: admin, body: { is_active: true } });
  });

  it('a creation that fails inside its transaction leaves neither order nor event, and publishes nothing', async () => {
    const guest = await createGuestDirect(server);
    const id = randomUUID();
    await server.db.query(`CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await server.db.query(`CREATE TRIGGER refuse_event BEFORE INSERT ON order_events FOR EACH ROW
      WHEN (NEW.order_id = '${id}') EXECUTE FUNCTION refuse_event()`);
    try {
      const before = published.length;
      const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drinks[0]!.id } });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('internal_error');
      expect(await orderCount(id)).toBe(0);
      expect(await eventRows(id)).toEqual([]);
      expect(published.slice(before).filter((e) => e.type === 'NEW_ORDER' && (e.payload as NewOrderEvent).order_id === id)).toEqual([]);
    } finally {
      await server.db.query('DROP TRIGGER refuse_event ON order_events');
      await server.db.query('DROP FUNCTION refuse_event()');
    }
    const retry = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drinks[0]!.id } });
    expect(retry.status).toBe(201);
    expect(await eventRows(id)).toHaveLength(1);
  });
});

describe('orders arriving together are placed together (issue 21), each with its own answer', () => {
  const post = (guest: { access_token: string }, body: Record<string, unknown>) => api(server, 'POST', '/api/orders', { token: guest.access_token, body });

  /** The transaction that inserted each order (orders placed in one place_orders() call share it). */
  async function insertedBy(ids: string[]): Promise<Map<string, string>> {
    const { rows } = await server.db.query<{ id: string; tx: string }>('SELECT id, xmin::text AS tx FROM orders WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((row) => [row.id, row.tx]));
  }

  it('a burst: new orders, a replay inside the burst, one guest over the limit, an unknown drink and one out of stock', async () => {
    const mojito = drinks.find((drink) => drink.name === 'Mojito')!;
    const plain = [drinks[0]!, drinks[1]!];
    const [replayer, greedy, lost, short, ...others] = await Promise.all(Array.from({ length: 16 }, (_, i) => createGuestDirect(server, `Burst ${i}`)));
    expect((await api(server, 'PUT', '/api/admin/ingredients/Mint', { token: admin, body: { in_stock: false } })).status).toBe(200);
    try {
      const replayed = { id: randomUUID(), drink_id: plain[0]!.id, notes: 'twice' };
      const fresh = others.map((guest, i) => ({ guest, body: { id: randomUUID(), drink_id: plain[i % 2]!.id } }));
      const greedyBodies = Array.from({ length: 5 }, () => ({ id: randomUUID(), drink_id: plain[1]!.id }));
      const unknown = { id: randomUUID(), drink_id: randomUUID() };
      const outOfStock = { id: randomUUID(), drink_id: mojito.id };
      const [freshAnswers, replayAnswers, greedyAnswers, unknownAnswer, shortAnswer] = await Promise.all([
        Promise.all(fresh.map(({ guest, body }) => post(guest, body))),
        Promise.all([post(replayer!, replayed), post(replayer!, replayed)]),
        Promise.all(greedyBodies.map((body) => post(greedy!, body))),
        post(lost!, unknown),
        post(short!, outOfStock),
      ]);

      expect(freshAnswers.map((a) => a.status)).toEqual(fresh.map(() => 201));
      freshAnswers.forEach((answer, i) => expect(answer.body.order).toMatchObject({ id: fresh[i]!.body.id, drink_id: fresh[i]!.body.drink_id, status: 'pending' }));
      expect(replayAnswers.map((a) => a.status).sort()).toEqual([200, 201]);
      expect(replayAnswers[0]!.body.order).toEqual(replayAnswers[1]!.body.order);
      expect(greedyAnswers.filter((a) => a.status === 201)).toHaveLength(3);
      expect(greedyAnswers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(['too_many_active_orders', 'too_many_active_orders']);
      expect([unknownAnswer.status, unknownAnswer.body.error.code]).toEqual([404, 'drink_not_found']);
      expect([shortAnswer.status, shortAnswer.body.error.code, shortAnswer.body.error.details]).toEqual([409, 'drink_unavailable', { reason: 'Mint' }]);

      // What was stored is exactly what was answered: one row and one NEW_ORDER per order, distinct versions.
      const created = [...freshAnswers, ...replayAnswers.slice(0, 1), ...greedyAnswers.filter((a) => a.status === 201)].map((a) => a.body.order);
      const stored = await insertedBy(created.map((order) => order.id));
      expect(stored.size).toBe(created.length);
      for (const order of created) expect((await eventRows(order.id)).map((row) => [row.type, row.version])).toEqual([['NEW_ORDER', order.version]]);
      expect(new Set(created.map((order) => order.version)).size).toBe(created.length);
      expect(await orderCount(unknown.id)).toBe(0);
      expect(await orderCount(outOfStock.id)).toBe(0);
      const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_key = $1', [greedy!.user_key]);
      expect(rows[0]!.n).toBe(3);
    } finally {
      await api(server, 'PUT', '/api/admin/ingredients/Mint', { token: admin, body: { in_stock: true } });
    }
  });

  // PGlite is a single session: the test holds a guest's row from a second one.
  it.skipIf(withoutPostgres('orders-create: orders arriving together share one transaction'))(
    'orders that arrive while one is being stored wait, then go in one transaction, not one each',
    async () => {
      const [held, ...guests] = await Promise.all(Array.from({ length: 11 }, (_, i) => createGuestDirect(server, `Together ${i}`)));
      const blocker = new pg.Client({ connectionString: server.testDb.databaseUrl });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT 1 FROM app_users WHERE user_key = $1 FOR UPDATE', [held!.user_key]);
        const first = post(held!, { id: randomUUID(), drink_id: drinks[0]!.id });
        // The first order's call is now waiting for the guest's row. (Asked outside the blocker's
        // transaction: pg_stat_activity stays as first read within one.)
        const waiting = `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%place_orders%'`;
        await expect.poll(async () => (await server.db.query<{ n: number }>(waiting)).rows[0]!.n, { timeout: 10_000 }).toBe(1);
        const rest = guests.map((guest) => post(guest, { id: randomUUID(), drink_id: drinks[1]!.id }));
        // Long enough for ten requests to reach the server and queue behind the first.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await blocker.query('COMMIT');
        const answers = await Promise.all([first, ...rest]);
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
        const tx = await insertedBy(answers.map((a) => a.body.order.id));
        const restTx = new Set(answers.slice(1).map((a) => tx.get(a.body.order.id)));
        expect(restTx.size).toBe(1);
        expect(restTx.has(tx.get(answers[0]!.body.order.id))).toBe(false);
      } finally {
        await blocker.end();
      }
    },
  );
});

describe('bad input to POST /api/orders gets the envelope and a 4xx', () => {
  const cases: [string, unknown, number, string][] = [
    ['a body that is an array', [], 400, 'validation_failed'],
    ['a body that is a string', 'tea', 400, 'validation_failed'],
    ['no drink_id', {}, 400, 'validation_failed'],
    ['a drink_id that is not a UUID', { drink_id: 'gin' }, 400, 'validation_failed'],
    ['an id that is not a UUID', { id: 42, drink_id: '00000000-0000-4000-8000-000000000000' }, 400, 'validation_failed'],
    ['notes over 200 characters', { drink_id: '00000000-0000-4000-8000-000000000000', notes: 'x'.repeat(201) }, 400, 'validation_failed'],
    ['notes with a control character', { drink_id: '00000000-0000-4000-8000-000000000000', notes: 'a\u0007b' }, 400, 'validation_failed'],
    ['notes that are not text', { drink_id: '00000000-0000-4000-8000-000000000000', notes: 5 }, 400, 'validation_failed'],
    ['an unknown field', { drink_id: '00000000-0000-4000-8000-000000000000', price: 0 }, 400, 'validation_failed'],
  ];
  it.each(cases)('%s', async (_name, body, status, code) => {
    const guest = await createGuestDirect(server);
    const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('notes of exactly 200 characters are accepted', async () => {
    const guest = await createGuestDirect(server);
    const res = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinks[0]!.id, notes: 'é'.repeat(200) } });
    expect(res.status).toBe(201);
  });

  it('malformed JSON, another content type, no token and an admin token', async () => {
    const guest = await createGuestDirect(server);
    const malformed = await api(server, 'POST', '/api/orders', { token: guest.access_token, raw: '{"drink_id":', headers: { 'content-type': 'application/json' } });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'invalid_json']);
    const form = await api(server, 'POST', '/api/orders', { token: guest.access_token, raw: 'drink_id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([form.status, form.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const anonymous = await api(server, 'POST', '/api/orders', { body: { drink_id: drinks[0]!.id } });
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'unauthorized']);
    const host = await api(server, 'POST', '/api/orders', { token: admin, body: { drink_id: drinks[0]!.id } });
    expect([host.status, host.body.error.code]).toEqual([403, 'forbidden']);
  });
});
