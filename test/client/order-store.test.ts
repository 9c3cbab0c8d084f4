import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db, getMeta } from '../../client/lib/db.ts';
import { saveSession } from '../../client/lib/session.ts';
import { CURSOR_KEY, applyStatusEvent, catchUp, mergeServerOrders } from '../../client/guest/order-store.ts';
import { installFakeServer, json, serverOrder } from './fake-server.ts';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const DRINK = 'dddddddd-0000-4000-8000-000000000003';

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  await saveSession({ access_token: 'access', refresh_token: 'refresh', expires_in: 3600 }, { user_key: 'u', username: 'Sam' });
});
afterEach(() => vi.unstubAllGlobals());

describe('catching up on orders', () => {
  it('asks for everything first, then only what changed since the cursor the server returned', async () => {
    const answers = [
      { orders: [serverOrder({ id: A, drink_id: DRINK, version: '5' })], cursor: '7' },
      { orders: [serverOrder({ id: A, drink_id: DRINK, status: 'ready', version: '12' })], cursor: '15' },
    ];
    const seen = installFakeServer(() => json(200, answers.shift()));
    await catchUp();
    expect(await getMeta(CURSOR_KEY)).toBe('7');
    await catchUp();
    expect(seen.map((r) => r.path)).toEqual(['/api/orders', '/api/orders?since=7']);
    expect(await getMeta(CURSOR_KEY)).toBe('15');
    expect(await db.orders.get(A)).toMatchObject({ status: 'ready', version: '12' });
  });

  it('never lets an older answer undo a newer status (versions compare as integers)', async () => {
    await mergeServerOrders([serverOrder({ id: A, drink_id: DRINK, status: 'ready', version: '10' })]);
    await mergeServerOrders([serverOrder({ id: A, drink_id: DRINK, status: 'pending', version: '9' })]);
    expect((await db.orders.get(A))?.status).toBe('ready');
  });

  it('applies a live event that follows what the phone knows', async () => {
    await mergeServerOrders([serverOrder({ id: A, drink_id: DRINK, status: 'pending', version: '10' })]);
    const outcome = await applyStatusEvent({
      type: 'ORDER_STATUS_CHANGED', order_id: A, drink_name: 'Mojito', status: 'preparing', previous_status: 'pending',
      updated_at: '2025-01-01T20:05:00.000Z', version: '14',
    });
    expect(outcome).toBe('applied');
    expect(await db.orders.get(A)).toMatchObject({ status: 'preparing', version: '14' });
  });

  it('reports a gap when an event skips a status the phone never saw, or names an unknown order', async () => {
    await mergeServerOrders([serverOrder({ id: A, drink_id: DRINK, status: 'pending', version: '10' })]);
    const skipped = await applyStatusEvent({
      type: 'ORDER_STATUS_CHANGED', order_id: A, drink_name: 'Mojito', status: 'ready', previous_status: 'preparing',
      updated_at: '2025-01-01T20:05:00.000Z', version: '16',
    });
    expect(skipped).toBe('gap');
    expect((await db.orders.get(A))?.status).toBe('pending');
    const unknown = await applyStatusEvent({
      type: 'ORDER_STATUS_CHANGED', order_id: B, drink_name: 'Mojito', status: 'preparing', previous_status: 'pending',
      updated_at: '2025-01-01T20:05:00.000Z', version: '17',
    });
    expect(unknown).toBe('gap');
  });

  it('ignores an event older than the stored order (it arrived after a catch-up)', async () => {
    await mergeServerOrders([serverOrder({ id: A, drink_id: DRINK, status: 'ready', version: '20' })]);
    const outcome = await applyStatusEvent({
      type: 'ORDER_STATUS_CHANGED', order_id: A, drink_name: 'Mojito', status: 'preparing', previous_status: 'pending',
      updated_at: '2025-01-01T20:05:00.000Z', version: '14',
    });
    expect(outcome).toBe('stale');
    expect((await db.orders.get(A))?.status).toBe('ready');
  });
});
