import type { ApiAnswer, ApiBody } from '../../shared/schemas/api.ts';
import { db } from '../lib/db.ts';
import { ApiError, requestJson } from '../lib/http.ts';
import { withLock } from '../lib/locks.ts';

/**
 * The host's token, kept like the guest's: in the app's IndexedDB under its own key, so a
 * reload or a tablet waking up keeps the bar signed in until the token expires. A helper
 * (staff pass) also holds a refresh token: their session renews itself, as a guest's does,
 * until the host revokes them.
 */
export const ADMIN_SESSION_KEY = 'admin.session';
/** Another tab of the same helper may be renewing: one at a time (a reused refresh token ends the session). */
const REFRESH_LOCK = 'barback-staff-refresh';
/** Renew this early (or after three quarters of a short lifetime): a token never expires on its way to the server. */
const EARLY_MS = 60_000;

export interface AdminSession {
  access_token: string;
  /** Epoch milliseconds. */
  expires_at: number;
  /** A helper's (staff pass) rotating refresh token; the host has none. */
  refresh_token?: string;
  /** With a refresh token: when to renew (epoch milliseconds). */
  renew_at?: number;
}

/** Whether a helper's stored pair is still good to use as it is. */
const fresh = (session: AdminSession) => (session.renew_at ?? session.expires_at - EARLY_MS) > Date.now();

type Tokens = { access_token: string; expires_in: number; refresh_token?: string };

async function storedSession(): Promise<AdminSession | undefined> {
  return (await db.auth.get(ADMIN_SESSION_KEY))?.value as AdminSession | undefined;
}

/** The stored session, unless it is over: an expired host token is; a helper's renews. */
export async function loadAdminSession(): Promise<AdminSession | undefined> {
  const session = await storedSession();
  if (!session || (session.expires_at <= Date.now() && !session.refresh_token)) return undefined;
  return session;
}

export async function saveAdminSession(tokens: Tokens): Promise<AdminSession> {
  const lifetime = tokens.expires_in * 1000;
  const session: AdminSession = { access_token: tokens.access_token, expires_at: Date.now() + lifetime };
  if (tokens.refresh_token) {
    session.refresh_token = tokens.refresh_token;
    session.renew_at = Date.now() + Math.max(lifetime - EARLY_MS, lifetime * 0.75);
  }
  await db.auth.put({ key: ADMIN_SESSION_KEY, value: session });
  return session;
}

export async function clearAdminSession(): Promise<void> {
  await db.auth.delete(ADMIN_SESSION_KEY);
}

/** The server refused to renew the session (the helper was revoked, or the refresh token expired). */
export class AdminSessionEndedError extends Error {
  constructor() {
    super('The session ended.');
  }
}

/**
 * A helper's new pair for the access token `refused` (expired, about to, or turned down).
 * Inside the lock the stored session is read again: another tab may have renewed it already.
 */
export function refreshAdminSession(refused: string): Promise<AdminSession> {
  return withLock(REFRESH_LOCK, async () => {
    const stored = await storedSession();
    if (!stored?.refresh_token) throw new AdminSessionEndedError();
    if (stored.access_token !== refused && fresh(stored)) return stored;
    try {
      const body: ApiBody<'POST /api/auth/refresh'> = { refresh_token: stored.refresh_token };
      return await saveAdminSession(await requestJson<ApiAnswer<'POST /api/auth/refresh'>>('/api/auth/refresh', { method: 'POST', body }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        await clearAdminSession();
        throw new AdminSessionEndedError();
      }
      throw error;
    }
  });
}

/**
 * The tokens of one signed-in board: the access token every call and subscription asks for,
 * renewed for a helper before it expires and after a 401. A host token does not renew: it
 * lasts its lifetime (ADMIN_TOKEN_TTL), then the host signs in again.
 */
export class AdminTokens {
  private renewing: Promise<string | undefined> | undefined;

  constructor(
    private session: AdminSession,
    /** Told of each renewed session (the app keeps it as its state). */
    private readonly onRenewed: (session: AdminSession) => void,
  ) {}

  get accessToken(): string {
    return this.session.access_token;
  }

  get refreshToken(): string | undefined {
    return this.session.refresh_token;
  }

  /** When to renew (in the past for a token already due); never for the host. */
  renewAt(): number | undefined {
    return this.session.refresh_token ? (this.session.renew_at ?? this.session.expires_at - EARLY_MS) : undefined;
  }

  /** The access token, renewed first when it is due (a subscription made with it lasts until it expires). */
  async current(): Promise<string | undefined> {
    const due = this.renewAt();
    if (due === undefined || due > Date.now()) return this.session.access_token;
    return this.renew(this.session.access_token);
  }

  /**
   * A fresh access token to use instead of `refused`, or undefined when the session is over
   * (revoked, or a host token). Callers at the same moment share one renewal. A network
   * failure rejects: the session may well be fine.
   */
  renew(refused: string): Promise<string | undefined> {
    if (!this.session.refresh_token) return Promise.resolve(undefined);
    if (refused !== this.session.access_token) return Promise.resolve(this.session.access_token);
    this.renewing ??= refreshAdminSession(refused)
      .then(
        (session) => {
          this.session = session;
          this.onRenewed(session);
          return session.access_token;
        },
        (error: unknown) => {
          if (error instanceof AdminSessionEndedError) return undefined;
          throw error;
        },
      )
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }
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
