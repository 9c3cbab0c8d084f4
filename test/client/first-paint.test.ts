import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Drink, Section } from '../../shared/schemas/menu.ts';
import { db } from '../../client/lib/db.ts';
import { loadSession, saveSession } from '../../client/lib/session.ts';
import { readFirstPaint } from '../../client/guest/first-paint.ts';
import { readMenu } from '../../client/guest/menu-store.ts';
import { readOrders } from '../../client/guest/order-store.ts';
import { enqueueOrder } from '../../client/guest/outbox.ts';

/**
 * The menu's first paint reads the phone's store without Dexie (client/guest/first-paint.ts):
 * it must see what Dexie wrote exactly as the store's own reads show it, and must never make
 * the database itself (Dexie makes it, with its schema). The tests run in order on one fake
 * IndexedDB: the first is a phone that never joined.
 */
const section = { id: 'sec-1', name: 'Classics', position: 0 } as unknown as Section;
const drink = (id: string, isActive: boolean) =>
  ({ id, name: `Drink ${id}`, section_id: 'sec-1', is_active: isActive, ingredients: ['gin'] }) as unknown as Drink;

describe('the first paint read', () => {
  it('on a phone that never joined reads nothing and makes no database; Dexie then makes its own', async () => {
    await expect(readFirstPaint()).resolves.toEqual({ session: null, menu: null, orders: [] });
    expect((await indexedDB.databases()).map((database) => database.name)).not.toContain('barback');
    await db.meta.put({ key: 'probe', value: 1 });
    await expect(db.meta.get('probe')).resolves.toEqual({ key: 'probe', value: 1 });
    expect(db.tables.map((table) => table.name).sort()).toEqual(['auth', 'menu', 'meta', 'orders', 'outbox']);
  });

  it('with a session but no saved menu yet, has the session and no menu', async () => {
    await saveSession({ access_token: 'a', refresh_token: 'r', expires_in: 900 }, { user_key: 'u-1', username: 'Sam' });
    const first = await readFirstPaint();
    expect(first).toEqual({ session: await loadSession(), menu: null, orders: [] });
    expect(first?.session?.user.username).toBe('Sam');
  });

  it('reads the session, the menu and the orders Dexie saved, as the store shows them (drinks off the menu left out, newest order first)', async () => {
    for (const id of ['d-1', 'd-2', 'd-3']) {
      await enqueueOrder({ id, name: `Drink ${id}` }, null);
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct created_at
    }
    await db.menu.put({ key: 'sections', etag: '"s"', data: [section], fetched_at: new Date().toISOString() });
    await db.menu.put({ key: 'drinks', etag: '"d"', data: [drink('d-1', true), drink('d-2', false)], fetched_at: new Date().toISOString() });
    const first = await readFirstPaint();
    expect(first).toEqual({ session: await loadSession(), menu: await readMenu(), orders: await readOrders() });
    expect(first?.menu?.drinks.map((shown) => shown.id)).toEqual(['d-1']);
    expect(first?.orders.map((order) => order.drink_id)).toEqual(['d-3', 'd-2', 'd-1']);
    expect(first?.menu?.loaded).toBe(true);
  });

  it('lets go of the database at once: Dexie can still delete and make it again', async () => {
    await readFirstPaint();
    db.close();
    // A connection left open would block the delete (and a newer version's upgrade) forever.
    await db.delete();
    await db.open();
    await expect(readFirstPaint()).resolves.toEqual({ session: null, menu: null, orders: [] });
  });
});
