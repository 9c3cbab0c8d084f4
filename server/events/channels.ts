import { BAR_CHANNEL, MENU_CHANNEL, QUEUE_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import type { AccessClaims } from '../auth/tokens.ts';

const SEGMENT = /^[A-Za-z0-9-]{1,50}$/;
const MAX_SEGMENTS = 5;

export interface Channel {
  /** Normalized: always with a leading slash, e.g. `/orders/abc`. */
  path: string;
  /** `/orders/*` subscribes to every channel below `/orders`; `path` is then `/orders`. */
  wildcard: boolean;
}

/**
 * AppSync's channel rules: up to five segments of letters, digits and dashes, the leading
 * slash optional; a trailing `*` only when subscribing, and never in place of the namespace.
 */
export function parseChannel(raw: unknown, allowWildcard: boolean): Channel | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 300) return null;
  const segments = (raw.startsWith('/') ? raw.slice(1) : raw).split('/');
  if (segments.length > MAX_SEGMENTS) return null;
  const wildcard = segments[segments.length - 1] === '*';
  if (wildcard) {
    if (!allowWildcard || segments.length < 2) return null;
    segments.pop();
  }
  if (!segments.every((segment) => SEGMENT.test(segment))) return null;
  return { path: `/${segments.join('/')}`, wildcard };
}

/**
 * Who may listen where. A guest's channel carries their orders (names, drinks, times), so
 * a guest hears only their own channel, the menu, the bar's state and the (anonymous) line; `/admin/*` carries every guest's
 * orders and is for the host alone. Wildcards are the host's: a guest's `/orders/*` would
 * be every guest's orders.
 */
export function maySubscribe(claims: AccessClaims, channel: Channel): boolean {
  if (claims.role === 'admin') return true;
  // The line is anonymous (tickets, no names or drinks): anyone signed in may follow it.
  const everyone = channel.path === BAR_CHANNEL || channel.path === QUEUE_CHANNEL;
  // A bartender works the board: the host channels (new orders, updates), the bar's state and the line.
  if (claims.role === 'bartender') return channel.path === '/admin' || channel.path.startsWith('/admin/') || everyone;
  if (channel.wildcard) return false;
  return channel.path === guestOrdersChannel(claims.user_key) || channel.path === MENU_CHANNEL || everyone;
}

/** Guests and bartenders publish nowhere: every event a guest sees must come from the server or the host. */
export function mayPublish(claims: AccessClaims): boolean {
  return claims.role === 'admin';
}

/**
 * The token in an AppSync `authorization` object or HTTP headers: the `lambda` mode's raw
 * `Authorization` (a `Bearer ` prefix tolerated), else `x-api-key` (an upstream publisher
 * presents the host's access token there; see docs in server/events/upstream.ts).
 */
export function tokenFrom(headers: unknown): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const record = headers as Record<string, unknown>;
  const raw = record.Authorization ?? record.authorization ?? record['x-api-key'];
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  return raw.startsWith('Bearer ') ? raw.slice(7) : raw;
}
