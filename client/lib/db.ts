import Dexie, { type EntityTable } from 'dexie';
import type { ListedDrink, Section } from '../../shared/schemas/menu.ts';
import type { Order } from '../../shared/schemas/orders.ts';
import type { OrderOption } from '../../shared/schemas/menu-options.ts';
import { DB_NAME, GUEST_SESSION_KEY } from './store-keys.ts';

/**
 * The phone's own store, shared by the page and the service worker (both open the same
 * IndexedDB database): the menu as last seen, the guest's orders, the outbox of orders not yet
 * accepted by the server, the tokens, and small bookkeeping values.
 */

/** A menu resource as last fetched, with the ETag to revalidate it. */
export interface MenuEntry<T> {
  key: 'sections' | 'drinks';
  etag: string | null;
  data: T[];
  fetched_at: string;
}

/** `queued`: saved on the phone, not yet accepted; `failed`: refused by the server. */
export type LocalStatus = Order['status'] | 'queued' | 'failed';

export interface LocalOrder extends Omit<Order, 'status' | 'version' | 'options' | 'queue_ticket' | 'queue_position' | 'eta_seconds'> {
  status: LocalStatus;
  /** The place in line as the server last told it (absent on the phone's own orders, and on older ones). */
  queue_ticket?: number | null;
  queue_position?: number | null;
  eta_seconds?: number | null;
  /** null until the server has the order. */
  version: string | null;
  /** Absent on orders stored before options existed. */
  options?: OrderOption[];
  /** `reason`: what ran out, when a drink_unavailable refusal names it. */
  failure?: { code: string; message: string; reason?: string };
}

/** An order waiting to be sent: the client id makes a resend harmless. */
export interface OutboxItem {
  id: string;
  drink_id: string;
  drink_name: string;
  notes: string | null;
  /** Option group id → choice id, as sent. */
  options?: Record<string, string>;
  created_at: string;
  attempts: number;
  last_error?: string;
}

export interface StoredUser {
  user_key: string;
  username: string;
}

/** The session: readable by the service worker, so it can send the outbox by itself. */
export interface StoredSession {
  key: string;
  access_token: string;
  refresh_token: string;
  /** Epoch milliseconds. */
  expires_at: number;
  user: StoredUser;
}

/** Namespaced keys (`guest.session`, `admin.session`) let both apps keep their own. */
export interface AuthEntry {
  key: string;
  value: unknown;
}

export interface MetaEntry {
  key: string;
  value: unknown;
}

export class BarbackDb extends Dexie {
  /** The answers as they came (a copy stored before issue 19 lacks its fields; menuDrink() fills them). */
  menu!: EntityTable<MenuEntry<ListedDrink | Section>, 'key'>;
  orders!: EntityTable<LocalOrder, 'id'>;
  outbox!: EntityTable<OutboxItem, 'id'>;
  auth!: EntityTable<AuthEntry, 'key'>;
  meta!: EntityTable<MetaEntry, 'key'>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores({
      menu: 'key',
      orders: 'id, created_at, status',
      outbox: 'id, created_at',
      auth: 'key',
      meta: 'key',
    });
  }
}

export const db = new BarbackDb();

export async function getMeta<T>(key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

/** Everything the phone knows about the guest, removed on sign-out or revocation. */
export async function clearGuestData(): Promise<void> {
  await db.transaction('rw', [db.orders, db.outbox, db.auth, db.meta], async () => {
    await Promise.all([db.orders.clear(), db.outbox.clear(), db.auth.delete(GUEST_SESSION_KEY), db.meta.clear()]);
  });
}
