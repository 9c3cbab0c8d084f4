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

export interface LiveSubscription {
  /** Resolves once the server acknowledged the subscription. */
  ready: Promise<void>;
  close(): void;
}

/**
 * Subscribes to one channel with a token (lambda auth mode: the raw access token). When the
 * subscription fails (an expired token, a refused channel) it tells `onError`; the caller
 * decides whether to subscribe again with a fresh token.
 */
export async function subscribe<E>(
  channel: string,
  token: string,
  onEvent: (event: E) => void,
  onError?: (error: unknown) => void,
): Promise<LiveSubscription> {
  await configureLive();
  const connected = await events.connect(channel, { authMode: 'lambda', authToken: token });
  const subscription = connected.subscribe(
    {
      next: (message: { event: E }) => onEvent(message.event),
      error: (error: unknown) => onError?.(error),
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
