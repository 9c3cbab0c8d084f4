import type { ApiAnswer, ApiBody } from '../../shared/schemas/api.ts';
import { ApiError, SessionEndedError, requestJson } from './http.ts';
import { db, type StoredSession, type StoredUser } from './db.ts';
import { singleFlight, withLock } from './locks.ts';
import { GUEST_SESSION_KEY } from './store-keys.ts';

/**
 * The guest's tokens, in IndexedDB so the service worker can send the outbox with them.
 * Refresh tokens rotate and a reused one revokes the guest's every session, so only one
 * refresher may run at a time: an in-memory single-flight inside a context, and a Web Lock
 * across the page, other tabs and the worker. Inside the lock the stored session is read again:
 * if someone else already rotated it, that fresh pair is used instead of refreshing twice.
 */
const REFRESH_LOCK = 'barback-auth-refresh';
/** Refresh a minute early, so a token never expires on the way to the server. */
const EARLY_MS = 60_000;

type TokenAnswer = ApiAnswer<'POST /api/auth/refresh'>;

export async function loadSession(): Promise<StoredSession | undefined> {
  return (await db.auth.get(GUEST_SESSION_KEY))?.value as StoredSession | undefined;
}

export async function saveSession(tokens: TokenAnswer, user: StoredUser): Promise<StoredSession> {
  const session: StoredSession = {
    key: GUEST_SESSION_KEY,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: Date.now() + tokens.expires_in * 1000,
    user,
  };
  await db.auth.put({ key: GUEST_SESSION_KEY, value: session });
  return session;
}

async function refreshUnderLock(staleAccessToken: string | undefined): Promise<StoredSession> {
  return withLock(REFRESH_LOCK, async () => {
    const current = await loadSession();
    if (!current) throw new SessionEndedError();
    // Someone else (another tab, the worker) refreshed while we waited for the lock.
    if (current.access_token !== staleAccessToken && current.expires_at - EARLY_MS > Date.now()) return current;
    try {
      const body: ApiBody<'POST /api/auth/refresh'> = { refresh_token: current.refresh_token };
      const tokens = await requestJson<TokenAnswer>('/api/auth/refresh', { method: 'POST', body });
      return await saveSession(tokens, current.user);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        await db.auth.delete(GUEST_SESSION_KEY);
        throw new SessionEndedError();
      }
      throw error;
    }
  });
}

let staleToken: string | undefined;
const refreshOnce = singleFlight(() => refreshUnderLock(staleToken));

/** Refreshes the pair (one refresher at a time); `stale` is the access token that was refused. */
export async function refreshSession(stale?: string): Promise<StoredSession> {
  staleToken = stale;
  return refreshOnce();
}

/** A usable access token, refreshed first when it is about to expire; undefined when not joined. */
export async function accessToken(): Promise<string | undefined> {
  const session = await loadSession();
  if (!session) return undefined;
  if (session.expires_at - EARLY_MS > Date.now()) return session.access_token;
  return (await refreshSession(session.access_token)).access_token;
}

/**
 * An authenticated request: a 401 refreshes the pair once and tries again, so a token that
 * expired while the phone slept does not fail an order.
 */
export async function authedRequest<T>(path: string, options: Parameters<typeof requestJson>[1] = {}): Promise<T> {
  const token = await accessToken();
  if (!token) throw new SessionEndedError();
  try {
    return await requestJson<T>(path, { ...options, token });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    const fresh = await refreshSession(token);
    return requestJson<T>(path, { ...options, token: fresh.access_token });
  }
}

