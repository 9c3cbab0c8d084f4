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
  /** The server acknowledged a subscription: the first one, and each one after a failure. */
  onReady?(): void;
  /** A subscription could not be made, or the server ended it; another follows after a pause. */
  onFailure?(error: unknown): void;
  /** Stops for good. */
  signal: AbortSignal;
}

const FIRST_RETRY_MS = 2_000;
const LAST_RETRY_MS = 60_000;

/**
 * The one way the apps stay subscribed to a channel. Amplify re-sends subscriptions by itself
 * after a dropped socket, but not after the server refused or ended one (an expired token, a
 * signed-out host, a broker not up yet): then this subscribes again, with a fresh token, after
 * a pause that doubles up to a minute and starts over once a subscription holds.
 */
export async function keepSubscribed<E>(options: KeepSubscribedOptions<E>): Promise<void> {
  const { channel, signal } = options;
  let delay = FIRST_RETRY_MS;
  while (!signal.aborted) {
    let subscription: LiveSubscription | undefined;
    let ended!: (error: unknown) => void;
    const over = new Promise<unknown>((resolve) => (ended = resolve));
    const onAbort = () => ended(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const token = await options.token();
      if (!token || signal.aborted) return;
      subscription = await subscribe(channel, token, options.onEvent, ended);
      subscription.ready.then(
        () => {
          delay = FIRST_RETRY_MS;
          if (!signal.aborted) options.onReady?.();
        },
        ended,
      );
      const error = await over;
      if (signal.aborted) return;
      options.onFailure?.(error);
    } catch (error) {
      if (signal.aborted) return;
      options.onFailure?.(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      // The failed subscription is dropped before a fresh one (with a fresh token) replaces it.
      subscription?.close();
    }
    await pause(delay, signal);
    delay = Math.min(delay * 2, LAST_RETRY_MS);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
