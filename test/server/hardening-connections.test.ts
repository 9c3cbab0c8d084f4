import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HTTP_CONNECTIONS_PER_ADDRESS } from '../../server/http/connection-guard.ts';
import { adminToken, startTestServer, type TestServer } from '../support/server.ts';
import { connectFrom, requestFrom } from '../support/http-from.ts';

/**
 * The audit's connection finding, reproduced: a TCP connection that sends nothing stayed
 * open indefinitely (320 s seen), and 1,100 of them from one machine used up a 1,024
 * descriptor limit and took /api/health to 503. Each client is its own loopback address.
 */

const CAP = HTTP_CONNECTIONS_PER_ADDRESS;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const openConnections = () => new Promise<number>((resolve, reject) => server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

interface Watched {
  socket: net.Socket;
  received: string;
  ended: boolean;
}

/** `count` connections from `from`, each recording what the server sends and whether it hung up. */
async function openIdle(from: string, count: number): Promise<Watched[]> {
  const watched: Watched[] = [];
  for (let start = 0; start < count; start += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, count - start) }, () => connectFrom(server.port, from)));
    for (const socket of batch) {
      const entry: Watched = { socket, received: '', ended: false };
      socket.on('data', (chunk: Buffer) => (entry.received += chunk.toString()));
      socket.on('end', () => (entry.ended = true));
      socket.on('close', () => (entry.ended = true));
      socket.on('error', () => undefined);
      watched.push(entry);
    }
  }
  return watched;
}

const health = (from: string) => requestFrom(server.url, from, { method: 'GET', path: '/api/health' });

describe('idle connections', () => {
  it(`1,100 idle connections from one address: at most ${CAP} stay open, the rest are closed within a few seconds, and health answers throughout`, async () => {
    expect(server.server.headersTimeout).toBeLessThanOrEqual(10_000);
    const idle = await openIdle('127.0.0.80', 1_100);
    expect(await openConnections()).toBeLessThanOrEqual(CAP);
    const answer = await health('127.0.0.81');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', database: expect.any(String) });

    // The survivors are told why (408 in the envelope) and then closed for good, even though
    // they never read nor close their side.
    await waitUntil('every idle connection is closed on the server', async () => (await openConnections()) === 0, 20_000);
    const told = idle.filter((entry) => entry.received.length > 0);
    expect(told.length).toBeGreaterThan(0);
    for (const entry of told) {
      expect(entry.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(entry.received.slice(entry.received.indexOf('\r\n\r\n') + 4))).toEqual({
        error: { code: 'request_timeout', message: expect.any(String) },
      });
    }
    expect(idle.every((entry) => entry.ended)).toBe(true);
    for (const entry of idle) entry.socket.destroy();
    expect((await health('127.0.0.81')).status).toBe(200);
  }, 60_000);
});

describe(`at most ${CAP} plain HTTP connections per address`, () => {
  it("at the cap, a new connection replaces the address's oldest idle one: clients behind one address are not refused for connections they do not use", async () => {
    const idle = await openIdle('127.0.0.82', CAP);
    try {
      const answer = await health('127.0.0.82');
      expect(answer.status).toBe(200);
      await waitUntil('the oldest idle connection is let go', async () => idle[0]!.ended, 5_000);
      expect(idle.slice(1).filter((entry) => entry.ended)).toHaveLength(0);
    } finally {
      for (const entry of idle) entry.socket.destroy();
    }
  });

  it('when every connection of an address has a request under way, one more is closed at once, and other addresses are served', async () => {
    const busy = await openIdle('127.0.0.83', CAP);
    try {
      // Each sends a request head announcing a body that never comes: a request under way.
      for (const entry of busy) {
        entry.socket.write('POST /api/admin/login HTTP/1.1\r\nHost: barback\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
      }
      await sleep(1_000);
      const [extra] = await openIdle('127.0.0.83', 1);
      await waitUntil('the extra connection is closed', async () => extra!.ended, 5_000);
      expect(extra!.received).toBe('');
      expect(busy.filter((entry) => entry.ended)).toHaveLength(0);
      expect((await health('127.0.0.84')).status).toBe(200);
    } finally {
      for (const entry of busy) entry.socket.destroy();
    }
  });

  it('a WebSocket is not a plain HTTP connection: opening hundreds more from its address leaves it open', async () => {
    const token = await adminToken(server);
    const header = `header-${Buffer.from(JSON.stringify({ Authorization: token, host: 'x' })).toString('base64url')}`;
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/event/realtime`, ['aws-appsync-event-ws', header], { localAddress: '127.0.0.85' });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'connection_init' }));
    const idle = await openIdle('127.0.0.85', CAP + 50);
    try {
      expect(ws.readyState).toBe(WebSocket.OPEN);
      ws.send(JSON.stringify({ type: 'subscribe', id: 'still-here', channel: '/admin/new-orders', authorization: { Authorization: token } }));
      await waitUntil('the subscription is answered', async () => frames.some((frame) => frame.includes('"subscribe_success"')), 5_000);
      expect(frames.some((frame) => frame.includes('"connection_ack"'))).toBe(true);
    } finally {
      ws.terminate();
      for (const entry of idle) entry.socket.destroy();
    }
  });
});
