import { Amplify } from 'aws-amplify';
import { events } from 'aws-amplify/data';
import { WebSocket } from 'ws';

/**
 * Drives the real aws-amplify Events client in Node, as the apps do in a browser.
 *
 * Node 20 has no global WebSocket, so `ws` is installed as one. Amplify always turns the
 * endpoint into `wss://`; against a plain-http test server a subclass turns it back into
 * `ws://` (the same shim the app installs on a plain-http party LAN). Over HTTPS no shim.
 */
export function installWebSocket(options: { plainHttp: boolean; rejectUnauthorized?: boolean }): void {
  const rejectUnauthorized = options.rejectUnauthorized ?? true;
  class NodeWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      const target = new URL(String(url));
      if (options.plainHttp && target.protocol === 'wss:') target.protocol = 'ws:';
      super(target, protocols, { rejectUnauthorized });
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = options.plainHttp || !rejectUnauthorized ? NodeWebSocket : WebSocket;
}

/** Configures Amplify from the server's own GET /api/config, exactly as the app does. */
export async function configureFromServer(url: string): Promise<{ endpoint: string }> {
  const response = await fetch(`${url}/api/config`);
  const config = (await response.json()) as { events: { endpoint: string; region: string; defaultAuthMode: 'lambda' } };
  Amplify.configure({ API: { Events: config.events } });
  return config.events;
}

export interface LiveChannel<E = unknown> {
  /** Every event received, in order. */
  received: E[];
  /** Errors the subscription reported. */
  errors: unknown[];
  /** Resolves with the subscription id once the server said subscribe_success; rejects on refusal. */
  ready: Promise<{ subscriptionId: string }>;
  /** Resolves with the first received event (already or later) that matches. */
  next(match?: (event: E) => boolean): Promise<E>;
  close(): Promise<void>;
}

/** `events.connect` + `channel.subscribe` with a barback access token (the lambda auth mode). */
export async function subscribe<E = unknown>(channel: string, token: string): Promise<LiveChannel<E>> {
  const received: E[] = [];
  const errors: unknown[] = [];
  const waiters: { match: (event: E) => boolean; resolve: (event: E) => void }[] = [];
  const connection = await events.connect(channel, { authMode: 'lambda', authToken: token });
  const subscription = connection.subscribe(
    {
      next: (message: { event: E }) => {
        received.push(message.event);
        for (const waiter of [...waiters]) {
          if (!waiter.match(message.event)) continue;
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message.event);
        }
      },
      error: (error: unknown) => errors.push(error),
    },
    { authMode: 'lambda', authToken: token },
  );
  return {
    received,
    errors,
    ready: subscription.ready,
    next(match = () => true) {
      const already = received.find(match);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    async close() {
      subscription.unsubscribe();
      await connection.close();
    },
  };
}

/** `events.post` over HTTP with a token; resolves with whatever Amplify returns (failed events) or throws. */
export function post(channel: string, event: unknown, token: string): Promise<unknown> {
  return events.post(channel, event as never, { authMode: 'lambda', authToken: token });
}

/**
 * Closes every Amplify connection. Amplify's close waits for its socket's close event, which
 * never comes if that socket already failed (the provider keeps the dead socket), so the wait
 * is bounded: a live socket closes well within it.
 */
export async function closeAll(): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
  await Promise.race([events.closeAll(), bound]).finally(() => clearTimeout(timer));
}
