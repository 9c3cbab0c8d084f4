import { Amplify } from 'aws-amplify';
import { events } from 'aws-amplify/data';
import { Hub } from 'aws-amplify/utils';
import { requestJson } from './http.ts';

/**
 * The live connection, shared by the guest app and the host dashboard: the unmodified Amplify
 * Events client against barback's own AppSync-Events endpoint. Heavy (Amplify), so the apps
 * import this module lazily, after the first paint.
 */
export type ConnectionState = 'live' | 'reconnecting' | 'offline';

interface EventsConfig {
  events: { endpoint: string; region: string; defaultAuthMode: 'lambda' };
}

/**
 * Amplify always builds `wss://` from the endpoint; on a plain-http party LAN the server only
 * speaks `ws://`, so a thin WebSocket subclass turns it back for non-AWS hosts.
 */
function installWsShim(): void {
  if (typeof location === 'undefined' || location.protocol !== 'http:') return;
  const Native = globalThis.WebSocket;
  if ((Native as { barbackShim?: boolean }).barbackShim) return;
  class HttpPageWebSocket extends Native {
    static barbackShim = true;
    constructor(url: string | URL, protocols?: string | string[]) {
      const target = new URL(String(url));
      if (target.protocol === 'wss:' && !target.hostname.endsWith('.amazonaws.com')) target.protocol = 'ws:';
      super(target, protocols);
    }
  }
  globalThis.WebSocket = HttpPageWebSocket;
}

const stateListeners = new Set<(state: ConnectionState) => void>();
let state: ConnectionState = 'reconnecting';

function setState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  for (const listener of stateListeners) listener(next);
}

/** Amplify's many connection states, told in the three words the apps show. */
function toConnectionState(amplifyState: string): ConnectionState {
  switch (amplifyState) {
    case 'Connected':
    case 'ConnectedPendingKeepAlive':
    case 'ConnectedPendingDisconnect':
      return 'live';
    case 'Connecting':
    case 'ConnectionDisrupted':
      return 'reconnecting';
    default:
      return 'offline';
  }
}

let configured: Promise<void> | undefined;

/** Reads GET /api/config once and configures Amplify with exactly what it says. */
export function configureLive(): Promise<void> {
  configured ??= (async () => {
    installWsShim();
    const config = await requestJson<EventsConfig>('/api/config');
    Amplify.configure({ API: { Events: config.events } });
    Hub.listen('api', ({ payload }) => {
      if (payload.event !== 'ConnectionStateChange') return;
      const data = payload.data as { connectionState?: string } | undefined;
      if (data?.connectionState) setState(toConnectionState(data.connectionState));
    });
  })().catch((error: unknown) => {
    configured = undefined;
    throw error;
  });
  return configured;
}

export function connectionState(): ConnectionState {
  return state;
}

export function onConnectionState(listener: (state: ConnectionState) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

interface LiveSubscription {
  /** Resolves once the server acknowledged the subscription. */
  ready: Promise<void>;
  close(): void;
}

/** Subscribes to one channel with a token (lambda auth mode: the raw access token). */
async function subscribe<E>(channel: string, token: string, onEvent: (event: E) => void, onError: (error: unknown) => void): Promise<LiveSubscription> {
  await configureLive();
  const connected = await events.connect(channel, { authMode: 'lambda', authToken: token });
  const subscription = connected.subscribe(
    {
      next: (message: { event: E }) => onEvent(message.event),
      error: onError,
    },
    { authMode: 'lambda', authToken: token },
  );
  return {
    ready: subscription.ready.then(() => undefined),
    close: () => {
      subscription.unsubscribe();
      void connected.close();
    },
  };
}

export interface KeepSubscribedOptions<E> {
  channel: string;
  /** The token for each attempt, asked afresh every time; undefined ends the loop (signed out). */
  token(): Promise<string | undefined>;
  onEvent(event: E): void;
  /**
   * The server acknowledged a subscription: the first one, and each one after a failure
   * (`afterFailure`: events sent meanwhile were missed, so ask for what changed).
   */
  onReady?(afterFailure: boolean): void;
  /** A subscription could not be made, or the server ended it; another follows after a pause. */
  onFailure?(error: unknown): void;
  /** Stops for good. */
  signal: AbortSignal;
}

const FIRST_RETRY_MS = 2_000;
const LAST_RETRY_MS = 60_000;
/** How long events are compared while an old and a new subscription overlap (late frames included). */
const OVERLAP_MS = 2_000;

/**
 * How often to ask whether the token renewed, from the JWT's own lifetime (`exp - iat`, both
 * the server's clock, so a phone's wrong clock does not matter): six times a lifetime, between
 * every 5 and every 20 seconds. Undefined for a token that is not a JWT (AWS's own auth).
 */
export function renewalCheckMs(token: string): number | undefined {
  try {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp <= claims.iat) return undefined;
    return Math.min(Math.max(((claims.exp - claims.iat) * 1000) / 6, 5_000), 20_000);
  } catch {
    return undefined;
  }
}

/**
 * The one way the apps stay subscribed to a channel.
 *
 * - A renewed token replaces the subscription before the old token expires (make before
 *   break: the new one is acknowledged before the old one is closed, and an event both carry
 *   is told once), so a session that renews never misses an event.
 * - Amplify re-sends subscriptions by itself after a dropped socket, but not after the server
 *   refused or ended one (an expired or revoked token, a broker not up yet): then this
 *   subscribes again, with a fresh token, after a pause that doubles up to a minute and starts
 *   over once a subscription holds.
 */
export async function keepSubscribed<E>(options: KeepSubscribedOptions<E>): Promise<void> {
  const { channel, signal } = options;
  const events = new OverlapFilter<E>(options.onEvent);
  let delay = FIRST_RETRY_MS;
  let failed = false;
  while (!signal.aborted) {
    let held: Held | undefined;
    try {
      const token = await options.token();
      if (!token || signal.aborted) return;
      held = await hold(channel, token, events, signal);
      if (!held.ok) throw held.error;
      delay = FIRST_RETRY_MS;
      options.onReady?.(failed);
      // Held until the server ends it, swapped for a new one whenever the token renews.
      for (;;) {
        const next = await renewedOrEnded(held, options.token, signal);
        if (next === undefined) break;
        const endOverlap = events.overlap();
        const fresh = await hold(channel, next, events, signal);
        if (fresh.ok) {
          held.close();
          held = fresh;
        } else {
          fresh.close();
        }
        endOverlap();
      }
      if (signal.aborted) return;
      failed = true;
      options.onFailure?.(held.error);
    } catch (error) {
      if (signal.aborted) return;
      failed = true;
      options.onFailure?.(error);
    } finally {
      // The failed subscription is dropped before a fresh one (with a fresh token) replaces it.
      held?.close();
    }
    await pause(delay, signal);
    delay = Math.min(delay * 2, LAST_RETRY_MS);
  }
}

/** One subscription: acknowledged (`ok`) or not, and ended (`error`) once the server ends it. */
interface Held {
  token: string;
  ok: boolean;
  error?: unknown;
  /** Settles when the server ends the subscription, or the loop stops. */
  ended: Promise<void>;
  close(): void;
}

/** Subscribes with `token`; resolves once acknowledged or refused. */
async function hold<E>(channel: string, token: string, events: OverlapFilter<E>, signal: AbortSignal): Promise<Held> {
  let end!: () => void;
  const held: Held = { token, ok: false, ended: new Promise((resolve) => (end = resolve)), close: () => {} };
  const onAbort = () => end();
  signal.addEventListener('abort', onAbort, { once: true });
  void held.ended.then(() => signal.removeEventListener('abort', onAbort));
  const fail = (error: unknown) => {
    held.error ??= error ?? new Error('The subscription ended.');
    end();
  };
  try {
    const subscription = await subscribe<E>(channel, token, (event) => events.deliver(event), fail);
    held.close = () => {
      end();
      subscription.close();
    };
    await Promise.race([subscription.ready.then(() => (held.ok = true), fail), held.ended]);
  } catch (error) {
    fail(error);
  }
  return held;
}

/**
 * Waits until the token renews (a new one to subscribe with) or the subscription ends
 * (undefined). Asking for the token is what renews it when it is due.
 */
async function renewedOrEnded(held: Held, token: () => Promise<string | undefined>, signal: AbortSignal): Promise<string | undefined> {
  const every = renewalCheckMs(held.token);
  let ended = false;
  void held.ended.then(() => (ended = true));
  for (;;) {
    if (every === undefined) {
      await held.ended;
      return undefined;
    }
    // The pause ends with the subscription: no renewal check outlives it.
    await pause(every, signal, held.ended);
    if (ended || signal.aborted) return undefined;
    const next = await token().catch(() => held.token);
    if (ended || signal.aborted) return undefined;
    if (next && next !== held.token) return next;
  }
}

/**
 * Passes events on, telling an event once while two subscriptions to the channel overlap
 * (the old one until it is closed, plus a little for frames already on their way).
 */
class OverlapFilter<E> {
  private seen: Set<string> | undefined;
  private overlapping = 0;

  constructor(private readonly onEvent: (event: E) => void) {}

  /** Starts telling repeats apart; the returned function ends it (a little later). */
  overlap(): () => void {
    this.overlapping += 1;
    this.seen ??= new Set();
    return () =>
      setTimeout(() => {
        if (--this.overlapping === 0) this.seen = undefined;
      }, OVERLAP_MS);
  }

  deliver(event: E): void {
    if (this.seen) {
      const key = JSON.stringify(event);
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    this.onEvent(event);
  }
}

/** Waits `ms`, or less if the signal aborts or `until` settles first; leaves no timer or listener behind. */
function pause(ms: number, signal: AbortSignal, until?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    until?.then(done, done);
  });
}
