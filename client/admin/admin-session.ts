import { db } from '../lib/db.ts';

/**
 * The host's token, kept like the guest's: in the app's IndexedDB under its own key, so a
 * reload or a tablet waking up keeps the bar signed in until the token expires.
 */
export const ADMIN_SESSION_KEY = 'admin.session';

export interface AdminSession {
  access_token: string;
  /** Epoch milliseconds. */
  expires_at: number;
}

export async function loadAdminSession(): Promise<AdminSession | undefined> {
  const session = (await db.auth.get(ADMIN_SESSION_KEY))?.value as AdminSession | undefined;
  if (!session || session.expires_at <= Date.now()) return undefined;
  return session;
}

export async function saveAdminSession(tokens: { access_token: string; expires_in: number }): Promise<AdminSession> {
  const session: AdminSession = { access_token: tokens.access_token, expires_at: Date.now() + tokens.expires_in * 1000 };
  await db.auth.put({ key: ADMIN_SESSION_KEY, value: session });
  return session;
}

export async function clearAdminSession(): Promise<void> {
  await db.auth.delete(ADMIN_SESSION_KEY);
}

/** The account's email, read from the token the server signed (shown, never trusted). */
export function sessionEmail(session: AdminSession): string | undefined {
  try {
    const payload = session.access_token.split('.')[1] ?? '';
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const json = new TextDecoder().decode(bytes);
    const email = (JSON.parse(json) as { email?: unknown }).email;
    return typeof email === 'string' ? email : undefined;
  } catch {
    return undefined;
  }
}
