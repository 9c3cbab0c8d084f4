import { WebSocket } from 'ws';

/**
 * One phone's live connection in the raw AppSync Events protocol, for tests that need many
 * phones at once (the Amplify client in Node keeps one socket per process). Each phone comes
 * from its own loopback address, as phones on a LAN do, so the per-address cap is not what a
 * test meets. The protocol itself is checked against Amplify in events-amplify.test.ts.
 */
export interface PhoneSocket {
  /** Subscribes; resolves on subscribe_success. Each data message goes to `onEvent`, parsed. */
  subscribe(channel: string, onEvent: (event: Record<string, unknown>) => void): Promise<void>;
  close(): void;
}

/** A distinct loopback address per phone (all of 127.0.0.0/8 is this machine). */
export const phoneAddress = (index: number) => `127.${1 + Math.floor(index / 62_500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;

export async function connectPhone(url: string, token: string, index: number): Promise<PhoneSocket> {
  const header = Buffer.from(JSON.stringify({ host: 'barback', Authorization: token })).toString('base64url');
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/event/realtime`, ['aws-appsync-event-ws', `header-${header}`], {
    localAddress: phoneAddress(index),
  });
  const handlers = new Map<string, (event: Record<string, unknown>) => void>();
  const waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const acked = new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: string; event?: string };
      if (frame.type === 'connection_ack') resolve();
      else if (frame.type === 'data' && frame.id) handlers.get(frame.id)?.(JSON.parse(frame.event!) as Record<string, unknown>);
      else if (frame.type === 'subscribe_success' && frame.id) waiting.get(frame.id)?.resolve();
      else if (frame.type === 'subscribe_error' && frame.id) waiting.get(frame.id)?.reject(new Error(String(data)));
      else if (frame.type === 'connection_error') reject(new Error(String(data)));
    });
    ws.once('open', () => ws.send('{"type":"connection_init"}'));
    ws.on('error', reject);
  });
  await acked;
  return {
    subscribe(channel, onEvent) {
      const id = `s${nextId++}`;
      handlers.set(id, onEvent);
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        ws.send(JSON.stringify({ type: 'subscribe', id, channel, authorization: { host: 'barback', Authorization: token } }));
      });
    },
    close: () => ws.terminate(),
  };
}
