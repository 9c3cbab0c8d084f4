/**
 * A raw AppSync Events WebSocket client for the benches (events, party): no Amplify, so the
 * bench's own overhead per socket stays small enough to hold thousands of them.
 */
import { WebSocket } from 'ws';

/** The `header-` subprotocol: base64url JSON of the auth headers, as Amplify sends it. */
export const authProtocol = (token: string) => `header-${Buffer.from(JSON.stringify({ host: 'barback', Authorization: token })).toString('base64url')}`;

/**
 * A distinct private address per simulated phone, sent as X-Forwarded-For (barback runs with
 * TRUST_PROXY): every bench client comes from 127.0.0.1, and the per-address limits are for real NATs.
 */
export const fakeAddress = (index: number) => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;

/**
 * A loopback source address of its own per simulated phone (all of 127.0.0.0/8 is this
 * machine), for `localAddress`: the server sees a crowd of real client addresses, as on a
 * LAN, with no proxy header, so its per-address limits are not what a bench measures.
 */
export const loopbackAddress = (index: number) => `127.${1 + Math.floor(index / 62_500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;

export interface AppSyncSubscription {
  /** The socket, available at once so a caller can terminate it even if subscribing fails. */
  socket: WebSocket;
  /** Settles on subscribe_success; rejects on an error frame, a socket error, a close, or after `timeoutMs`. */
  subscribed: Promise<void>;
}

/**
 * Connects to `<url>/event/realtime`, sends connection_init, subscribes to `channel` once acked,
 * and hands each data message's `event` string (still JSON) to `onEvent`.
 */
export function subscribeAppSync(options: {
  url: string;
  token: string;
  channel: string;
  onEvent: (event: string) => void;
  headers?: Record<string, string>;
  /** The source address to connect from (loopbackAddress). */
  localAddress?: string;
  subscriptionId?: string;
  timeoutMs?: number;
}): AppSyncSubscription {
  const { token, channel, onEvent } = options;
  const ws = new WebSocket(`${options.url.replace(/^http/, 'ws')}/event/realtime`, ['aws-appsync-event-ws', authProtocol(token)], {
    headers: options.headers,
    localAddress: options.localAddress,
    perMessageDeflate: false,
  });
  const subscribed = new Promise<void>((resolve, reject) => {
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => reject(new Error(`no subscribe_success in ${options.timeoutMs} ms`)), options.timeoutMs);
    ws.on('message', (data) => {
      const text = String(data);
      // Data frames are most of the traffic: skip parsing the envelope twice at thousands of sockets.
      if (text.startsWith('{"type":"data"')) return onEvent((JSON.parse(text) as { event: string }).event);
      const frame = JSON.parse(text) as { type: string };
      if (frame.type === 'connection_ack') {
        ws.send(JSON.stringify({ type: 'subscribe', id: options.subscriptionId ?? crypto.randomUUID(), channel, authorization: { host: 'barback', Authorization: token } }));
      } else if (frame.type === 'subscribe_success') {
        clearTimeout(timer);
        resolve();
      } else if (frame.type !== 'ka') {
        reject(new Error(`events: ${text.slice(0, 200)}`));
      }
    });
    ws.once('open', () => ws.send('{"type":"connection_init"}'));
    // `on`, not `once`: a second error without a listener would be thrown.
    ws.on('error', reject);
    ws.once('close', () => reject(new Error('closed before subscribe_success')));
  });
  return { socket: ws, subscribed };
}
