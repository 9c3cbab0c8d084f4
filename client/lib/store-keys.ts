/**
 * Names in the phone's IndexedDB database, shared by Dexie (lib/db.ts) and the one reader that
 * goes without it: the guest's first paint (guest/first-paint.ts).
 */
export const DB_NAME = 'barback';
export const GUEST_SESSION_KEY = 'guest.session';
