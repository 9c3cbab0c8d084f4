import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { adminToken, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Found by the WebSocket fuzzer (abuse-websocket.test.ts) while this work was tested: a
 * message whose `type` has no string form made the handler throw, and the connection was
 * cut without a close code (1006).
 */

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

describe('realtime messages', () => {
  it('a message type with no string form is an UnsupportedOperation error, and the connection keeps working', async () => {
    const header = `header-${Buffer.from(JSON.stringify({ Authorization: admin, host: 'x' })).toString('base64url')}`;
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/event/realtime`, ['aws-appsync-event-ws', header]);
    const frames: Record<string, any>[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      ws.send('{"type":"connection_init"}');
      ws.send('{"type":[{"toString":null}],"id":"odd"}');
      ws.send(JSON.stringify({ type: 'subscribe', id: 'probe', channel: '/admin/new-orders', authorization: { Authorization: admin } }));
      await expect.poll(() => frames.find((frame) => frame.id === 'probe'), { timeout: 5_000 }).toMatchObject({ type: 'subscribe_success' });
      expect(frames.find((frame) => frame.id === 'odd')).toMatchObject({ type: 'error', errors: [{ errorType: 'UnsupportedOperation' }] });
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.terminate();
    }
  });
});
