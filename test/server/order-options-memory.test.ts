import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * Orders check the chosen options against the drink's option groups kept in memory (the menu
 * service's, cleared by every menu change). These prove the memory never lets an order past a
 * rule the host has just set: on the same instance at once, for a new drink on another instance
 * at once, and for a changed drink on another instance as soon as the change's event arrives.
 */

const SIZE = [{ name: 'Size', required: true, choices: [{ name: 'Single' }, { name: 'Double' }] }];

async function firstDrinkAndSection(server: TestServer): Promise<{ drinkId: string; sectionId: string }> {
  const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks as { id: string; section_id: string }[];
  return { drinkId: drinks[0]!.id, sectionId: drinks[0]!.section_id };
}

const order = (server: TestServer, guest: TestGuest, drinkId: string, options?: Record<string, string>) =>
  api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id: randomUUID(), drink_id: drinkId, ...(options ? { options } : {}) } });

describe('one instance', () => {
  let server: TestServer;
  let admin: string;
  let guest: TestGuest;
  beforeAll(async () => {
    server = await startTestServer({ MAX_ACTIVE_ORDERS: '100' });
    admin = await adminToken(server);
    guest = await createGuestDirect(server, 'Mem');
  });
  afterAll(() => server?.stop());

  it('a required group the host just added is enforced on the very next order, and dropping it is too', async () => {
    const { drinkId } = await firstDrinkAndSection(server);
    // The memory is warm: this order read the groups (none).
    expect((await order(server, guest, drinkId)).status).toBe(201);
    expect((await api(server, 'PUT', `/api/admin/drinks/${drinkId}`, { token: admin, body: { options: SIZE } })).status).toBe(200);
    const refused = await order(server, guest, drinkId);
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'invalid_options']);
    const taken = await order(server, guest, drinkId, { size: 'double' });
    expect(taken.status).toBe(201);
    expect(taken.body.order.options).toEqual([{ group_id: 'size', group: 'Size', choice_id: 'double', choice: 'Double' }]);
    expect((await api(server, 'PUT', `/api/admin/drinks/${drinkId}`, { token: admin, body: { options: [] } })).status).toBe(200);
    const unknown = await order(server, guest, drinkId, { size: 'double' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([400, 'invalid_options']);
  });
});

describe.skipIf(withoutPostgres('order-options-memory: two instances'))('two instances (needs DATABASE_URL)', () => {
  let a: TestServer;
  let b: TestServer;
  let admin: string;
  let guest: TestGuest;
  beforeAll(async () => {
    a = await startTestServer({ MAX_ACTIVE_ORDERS: '100' });
    b = await startTestServer({ MAX_ACTIVE_ORDERS: '100' }, { testDb: a.testDb });
    admin = await adminToken(a);
    guest = await createGuestDirect(b, 'Bo');
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('a drink created on A a moment ago: B enforces its required group on the first order', async () => {
    const { drinkId, sectionId } = await firstDrinkAndSection(b);
    expect((await order(b, guest, drinkId)).status).toBe(201); // B's memory is warm
    const created = await api(a, 'POST', '/api/admin/drinks', { token: admin, body: { section_id: sectionId, name: `New ${randomUUID().slice(0, 6)}`, ingredients: ['gin'], options: SIZE } });
    expect(created.status).toBe(201);
    const refused = await order(b, guest, created.body.drink.id);
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'invalid_options']);
    expect((await order(b, guest, created.body.drink.id, { size: 'single' })).status).toBe(201);
  });

  it('a group added on A: B enforces it as soon as the change is announced (within a second)', async () => {
    const { drinkId } = await firstDrinkAndSection(b);
    expect((await api(a, 'PUT', `/api/admin/drinks/${drinkId}`, { token: admin, body: { options: [] } })).status).toBe(200);
    await expect.poll(async () => (await order(b, guest, drinkId)).status, { timeout: 1_000, interval: 50 }).toBe(201);
    expect((await api(a, 'PUT', `/api/admin/drinks/${drinkId}`, { token: admin, body: { options: SIZE } })).status).toBe(200);
    await expect.poll(async () => (await order(b, guest, drinkId)).status, { timeout: 1_000, interval: 50 }).toBe(400);
  });
});
