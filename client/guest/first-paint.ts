import type { LocalOrder, MenuEntry, StoredSession } from '../lib/db.ts';
import { DB_NAME, GUEST_SESSION_KEY } from '../lib/store-keys.ts';
import { menuSnapshot, type MenuSnapshot } from './menu.ts';

/**
 * What the menu's first paint needs from the phone: the guest's session, the saved menu, and
 * the guest's orders (for "Your usual" above it). Read once, straight from IndexedDB, because
 * Dexie and everything that writes the store load after the menu has shown (guest-app.tsx);
 * from then on Dexie's live queries keep them current.
 */
export interface FirstPaint {
  session: StoredSession | null;
  /** null when no menu was ever saved on this phone. */
  menu: MenuSnapshot | null;
  /** Newest first, as order-store.ts readOrders() gives them. */
  orders: LocalOrder[];
}

const NOTHING_STORED: FirstPaint = { session: null, menu: null, orders: [] };

/** Resolves null when the store cannot be read here: the app then waits for Dexie instead. */
export function readFirstPaint(): Promise<FirstPaint | null> {
  return new Promise((resolve) => {
    let open: IDBOpenDBRequest;
    try {
      open = indexedDB.open(DB_NAME);
    } catch {
      resolve(null);
      return;
    }
    // No database yet: a phone that never joined. Create none (the open then fails with the
    // abort); Dexie makes it, with its schema.
    let neverMade = false;
    open.onupgradeneeded = () => {
      neverMade = true;
      open.transaction?.abort();
    };
    open.onerror = () => resolve(neverMade ? NOTHING_STORED : null);
    open.onsuccess = () => {
      const store = open.result;
      // Never hold up a newer version of the app (or its worker) upgrading the database.
      store.onversionchange = () => store.close();
      try {
        const tx = store.transaction(['auth', 'menu', 'orders'], 'readonly');
        const session = tx.objectStore('auth').get(GUEST_SESSION_KEY) as IDBRequest<{ value: StoredSession } | undefined>;
        const sections = tx.objectStore('menu').get('sections') as IDBRequest<MenuEntry<unknown> | undefined>;
        const drinks = tx.objectStore('menu').get('drinks') as IDBRequest<MenuEntry<unknown> | undefined>;
        const orders = tx.objectStore('orders').index('created_at').getAll() as IDBRequest<LocalOrder[]>;
        tx.oncomplete = () => {
          store.close();
          resolve({
            session: session.result?.value ?? null,
            menu: sections.result && drinks.result ? menuSnapshot(sections.result, drinks.result) : null,
            orders: orders.result.reverse(),
          });
        };
        tx.onabort = () => {
          store.close();
          resolve(null);
        };
      } catch {
        // A database without these stores (not one this app made): let Dexie decide.
        store.close();
        resolve(null);
      }
    };
  });
}

let firstRead: Promise<FirstPaint | null> | undefined;

/**
 * The one read, started by whoever asks first (main.tsx, as the page starts). Once read, the
 * promise carries its value the way React's `use` looks for it (`status`, `value`), so a render
 * after that reads it at once instead of suspending.
 */
export function firstPaint(): Promise<FirstPaint | null> {
  if (!firstRead) {
    const read = readFirstPaint();
    firstRead = read;
    void read.then((value) => Object.assign(read, { status: 'fulfilled', value }));
  }
  return firstRead;
}
