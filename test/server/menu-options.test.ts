import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_NEW_ORDERS } from '../../shared/channels.ts';
import { configureFromServer, installWebSocket, subscribe, type LiveChannel } from '../support/amplify.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: string;
let guest: TestGuest;
let other: TestGuest;
let negroniId: string;
let plainId: string;
const open: LiveChannel[] = [];

const GROUPS = [
  { name: 'Ice', default: 'Normal', choices: [{ name: 'None' }, { name: 'Normal' }, { name: 'Extra' }] },
  { name: 'Size', required: true, choices: [{ name: 'Single' }, { name: 'Double' }] },
  { id: 'style', name: 'Style', choices: [{ id: 'classic', name: 'Classic' }, { id: 'zero', name: 'Alcohol-free' }] },
];

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  guest = await createGuestDirect(server, 'Noor');
  other = await createGuestDirect(server, 'Eli');
  const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks as { id: string; name: string }[];
  negroniId = drinks.find((drink) => drink.name === 'Negroni')!.id;
  plainId = drinks.find((drink) => drink.name === 'Mojito')!.id;
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
});
afterAll(async () => {
  for (const live of open) await live.close().catch(() => undefined);
  await server?.stop();
});

const order = (who: TestGuest, body: Record<string, unknown>) => api(server, 'POST', '/api/orders', { token: who.access_token, body });

describe('option groups on a drink', () => {
  it('the host gives a drink option groups: ids made from the names, the default resolved, required kept', async () => {
    const res = await api(server, 'PUT', `/api/admin/drinks/${negroniId}`, { token: admin, body: { options: GROUPS } });
    expect(res.status).toBe(200);
    expect(res.body.drink.options).toEqual([
      { id: 'ice', name: 'Ice', required: false, default: 'normal', choices: [{ id: 'none', name: 'None' }, { id: 'normal', name: 'Normal' }, { id: 'extra', name: 'Extra' }] },
      { id: 'size', name: 'Size', required: true, default: null, choices: [{ id: 'single', name: 'Single' }, { id: 'double', name: 'Double' }] },
      { id: 'style', name: 'Style', required: false, default: null, choices: [{ id: 'classic', name: 'Classic' }, { id: 'zero', name: 'Alcohol-free' }] },
    ]);
    // The guests' list keeps every group field, `required: false` and `default: null` too; no
    // choice here changes what the drink needs, so its groups are the host's exactly.
    const publicDrink = ((await api(server, 'GET', '/api/drinks')).body.drinks as { id: string; options: unknown }[]).find((drink) => drink.id === negroniId)!;
    expect(publicDrink.options).toEqual(res.body.drink.options);
    expect((await api(server, 'GET', `/api/drinks/${negroniId}`)).body.drink.options).toEqual(res.body.drink.options);
  });

  it('refuses groups that cannot work: a default that is no choice, twice the same id, no choices', async () => {
    for (const options of [
      [{ name: 'Ice', default: 'Crushed', choices: [{ name: 'None' }] }],
      [{ id: 'a', name: 'A', choices: [{ name: 'x' }] }, { id: 'a', name: 'B', choices: [{ name: 'y' }] }],
      [{ name: 'Ice', choices: [] }],
      [{ name: 'Ice', choices: [{ id: 'Not A Slug', name: 'x' }] }],
    ]) {
      const res = await api(server, 'PUT', `/api/admin/drinks/${plainId}`, { token: admin, body: { options } });
      expect(res.status, JSON.stringify(options)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await api(server, 'GET', `/api/drinks/${plainId}`)).body.drink.options).toEqual([]);
  });
});

describe('ordering with options', () => {
  it('stores the chosen options (defaults filled in) and shows them in every order view and on the board, live', async () => {
    const board = await subscribe<{ type: string; order_id: string; options?: unknown }>(ADMIN_NEW_ORDERS, admin);
    open.push(board as LiveChannel);
    await board.ready;
    const id = randomUUID();
    const res = await order(guest, { id, drink_id: negroniId, options: { size: 'double', style: 'zero' } });
    expect(res.status).toBe(201);
    const expected = [
      { group_id: 'ice', group: 'Ice', choice_id: 'normal', choice: 'Normal' },
      { group_id: 'size', group: 'Size', choice_id: 'double', choice: 'Double' },
      { group_id: 'style', group: 'Style', choice_id: 'zero', choice: 'Alcohol-free' },
    ];
    expect(res.body.order.options).toEqual(expected);
    expect((await api(server, 'GET', `/api/orders/${id}`, { token: guest.access_token })).body.order.options).toEqual(expected);
    const mine = (await api(server, 'GET', '/api/orders', { token: guest.access_token })).body.orders as { id: string; options: unknown }[];
    expect(mine.find((candidate) => candidate.id === id)!.options).toEqual(expected);
    const queue = (await api(server, 'GET', '/api/admin/orders?status=pending', { token: admin })).body.orders as { id: string; options: unknown }[];
    expect(queue.find((candidate) => candidate.id === id)!.options).toEqual(expected);
    expect(await board.next((event) => event.order_id === id)).toMatchObject({ type: 'NEW_ORDER', options: expected });

    // A status change keeps them.
    const moved = await api(server, 'PATCH', `/api/admin/orders/${id}`, { token: admin, body: { status: 'preparing' } });
    expect(moved.body.order.options).toEqual(expected);

    // A drink without option groups: an empty list.
    const plain = await order(guest, { id: randomUUID(), drink_id: plainId });
    expect(plain.status).toBe(201);
    expect(plain.body.order.options).toEqual([]);
  });

  it('unknown groups or choices and a missing required group are 400 invalid_options; a wrong shape is validation_failed', async () => {
    for (const options of [{ size: 'double', garnish: 'olive' }, { size: 'triple' }, { ice: 'none' }, {}]) {
      const res = await order(guest, { id: randomUUID(), drink_id: negroniId, options });
      expect(res.status, JSON.stringify(options)).toBe(400);
      expect(res.body.error.code).toBe('invalid_options');
    }
    const missing = await order(guest, { id: randomUUID(), drink_id: negroniId });
    expect(missing.body.error.code).toBe('invalid_options');
    const onPlain = await order(guest, { id: randomUUID(), drink_id: plainId, options: { ice: 'none' } });
    expect(onPlain.body.error.code).toBe('invalid_options');
    for (const options of [['size'], 'double', { size: 2 }]) {
      const res = await order(guest, { id: randomUUID(), drink_id: negroniId, options });
      expect(res.status, JSON.stringify(options)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('a replay with the same choices is the same order; other choices with the same id are 409 idempotency_conflict', async () => {
    const id = randomUUID();
    const first = await order(guest, { id, drink_id: negroniId, options: { size: 'single', ice: 'none' } });
    expect(first.status).toBe(201);
    // The same choices, keys in another order, the default-free group still left out: the same order.
    const replay = await order(guest, { id, drink_id: negroniId, options: { ice: 'none', size: 'single' } });
    expect(replay.status).toBe(200);
    expect(replay.body.order).toEqual(first.body.order);
    for (const options of [{ size: 'double', ice: 'none' }, { size: 'single' }, { size: 'single', ice: 'none', style: 'classic' }]) {
      const clash = await order(guest, { id, drink_id: negroniId, options });
      expect(clash.status, JSON.stringify(options)).toBe(409);
      expect(clash.body.error.code).toBe('idempotency_conflict');
    }
    // Another guest's id stays theirs, options or not.
    expect((await order(other, { id, drink_id: negroniId, options: { size: 'single', ice: 'none' } })).status).toBe(409);
    const stored = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE id = $1', [id]);
    expect(stored.rows[0]!.n).toBe(1);
  });
});
