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

/** The token's claims as the server signed them (shown, never trusted: the server checks). */
function sessionClaims(session: AdminSession): Record<string, unknown> {
  try {
    const payload = session.access_token.split('.')[1] ?? '';
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The account's email (the host's) or a helper's name (a staff pass). */
export function sessionEmail(session: AdminSession): string | undefined {
  const claims = sessionClaims(session);
  const shown = claims.role === 'bartender' ? claims.name : claims.email;
  return typeof shown === 'string' ? shown : undefined;
}

/** A helper signed in with a staff pass works the board only. */
export function sessionRole(session: AdminSession): 'admin' | 'bartender' {
  return sessionClaims(session).role === 'bartender' ? 'bartender' : 'admin';
}
