import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Broker } from '../../server/events/broker.ts';
import { DEFAULT_LIMITS, RealtimeServer, type RealtimeLimits } from '../../server/events/realtime-socket.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, startTestServer, type TestServer } from '../support/server.ts';

/** The AppSync Events wire protocol spoken by hand with `ws`, including what Amplify never sends. */
type Frame = Record<string, any>; // protocol frames are arbitrary JSON; tests assert their shape

let server: TestServer;
let admin: string;
let guest: TestGuest;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
  guest = await createGuestDirect(server, 'Raw');
});
afterAll(async () => {
  await server?.stop();
});

const header = (token: string) => `header-${Buffer.from(JSON.stringify({ Authorization: token, host: 'x' })).toString('base64url')}`;

interface RawClient {
  ws: WebSocket;
  frames: Frame[];
  next(match?: (frame: Frame) => boolean): Promise<Frame>;
  send(frame: unknown): void;
  closed: Promise<number>;
}

async function connect(baseUrl: string, token: string | undefined, protocols?: string[]): Promise<RawClient> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/event/realtime`;
  const ws = new WebSocket(url, protocols ?? ['aws-appsync-event-ws', ...(token ? [header(token)] : [])]);
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next(match = () => true) {
      const seen = frames.find(match);
      if (seen) {
        frames.splice(frames.indexOf(seen), 1);
        return Promise.resolve(seen);
      }
      // A frame that never comes fails the wait with what did come, instead of hanging the test.
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame in 10 s; got ${JSON.stringify(frames)}`)), 10_000);
        waiters.push({
          match,
          resolve: (f) => {
            clearTimeout(timer);
            frames.splice(frames.indexOf(f), 1);
            resolve(f);
          },
        });
      });
    },
  };
}

async function ready(baseUrl: string, token: string): Promise<RawClient> {
  const client = await connect(baseUrl, token);
  client.send({ type: 'connection_init' });
  await client.next((f) => f.type === 'connection_ack');
  return client;
}

const byType = (type: string, id?: string) => (f: Frame) => f.type === type && (id === undefined || f.id === id);

describe('the handshake', () => {
  it('selects the aws-appsync-event-ws subprotocol and acknowledges connection_init with a timeout', async () => {
    const client = await connect(server.url, guest.access_token);
    expect(client.ws.protocol).toBe('aws-appsync-event-ws');
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    client.ws.close();
  });

  it('refuses an upgrade that does not offer the AppSync protocol', async () => {
    await expect(connect(server.url, undefined, ['graphql-ws'])).rejects.toThrow(/400/);
  });

  it('answers a bad token with connection_error UnauthorizedException and closes', async () => {
    const client = await connect(server.url, 'not-a-token');
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({
      type: 'connection_error',
      errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }],
    });
    await client.closed;
  });

  it('refuses subscribe before connection_init', async () => {
    const client = await connect(server.url, guest.access_token);
    client.send({ type: 'subscribe', id: 's1', channel: `/orders/${guest.user_key}`, authorization: { Authorization: guest.access_token } });
    expect(await client.next()).toMatchObject({ type: 'error', id: 's1', errors: [{ errorType: 'BadRequestException' }] });
    client.ws.close();
  });
});

describe('invalid frames are answered, never fatal', () => {
  const cases: [string, string | Buffer][] = [
    ['malformed JSON', '{"type": "subscribe", '],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"hello"'],
    ['null', 'null'],
  ];
  for (const [name, raw] of cases) {
    it(`${name} gets an error and the connection keeps working`, async () => {
      const client = await ready(server.url, guest.access_token);
      client.send(raw);
      expect(await client.next()).toMatchObject({ type: 'error', errors: [{ errorType: 'BadRequestException' }] });
      client.send({ type: 'subscribe', id: 'after', channel: `/orders/${guest.user_key}`, authorization: { Authorization: guest.access_token } });
      expect(await client.next()).toEqual({ type: 'subscribe_success', id: 'after' });
      client.ws.close();
    });
  }

  it('a binary frame gets an error', async () => {
    const client = await ready(server.url, guest.access_token);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', errors: [{ errorType: 'BadRequestException' }] });
    client.ws.close();
  });

  it('an unknown message type gets an error naming its id', async () => {
    const client = await ready(server.url, guest.access_token);
    client.send({ type: 'start', id: 'gql-1', payload: {} });
    expect(await client.next()).toMatchObject({ type: 'error', id: 'gql-1', errors: [{ errorType: 'UnsupportedOperation' }] });
    client.ws.close();
  });

  it('a subscribe without an id gets an error', async () => {
    const client = await ready(server.url, guest.access_token);
    client.send({ type: 'subscribe', channel: `/orders/${guest.user_key}`, authorization: { Authorization: guest.access_token } });
    expect(await client.next()).toMatchObject({ type: 'error', errors: [{ errorType: 'BadRequestException' }] });
    client.ws.close();
  });
});

describe('channels', () => {
  const invalid = ['/a/b/c/d/e/f', '/orders/has space', '/orders/ünï', '/orders/*/x', '/*', '', '/orders//x', '/orders/a_b'];
  for (const channel of invalid) {
    it(`"${channel}" is refused with subscribe_error BadRequestException`, async () => {
      const client = await ready(server.url, admin);
      client.send({ type: 'subscribe', id: 'c', channel, authorization: { Authorization: admin } });
      expect(await client.next()).toEqual({ type: 'subscribe_error', id: 'c', errors: [{ errorType: 'BadRequestException', message: 'Invalid channel.' }] });
      client.ws.close();
    });
  }

  it('the leading slash is optional, five segments are allowed, the extra payload field is ignored', async () => {
    const client = await ready(server.url, admin);
    client.send({ type: 'subscribe', id: 'five', channel: 'a/b/c/d/e', authorization: { Authorization: admin }, payload: { channel: 'x', extensions: {} } });
    expect(await client.next()).toEqual({ type: 'subscribe_success', id: 'five' });
    server.ctx.events.publishClientEvents('/a/b/c/d/e', ['{"deep":true}']);
    expect(await client.next()).toEqual({ type: 'data', id: 'five', event: '{"deep":true}' });
    client.ws.close();
  });
});

describe('subscribe, data, unsubscribe, publish', () => {
  it('delivers one data message per event, the event as a JSON string', async () => {
    const client = await ready(server.url, guest.access_token);
    client.send({ type: 'subscribe', id: 'mine', channel: `/orders/${guest.user_key}`, authorization: { Authorization: guest.access_token } });
    await client.next(byType('subscribe_success'));
    server.ctx.events.publishClientEvents(`/orders/${guest.user_key}`, ['{"type":"MENU_CHANGED","updated_at":"now"}']);
    expect(await client.next(byType('data'))).toEqual({ type: 'data', id: 'mine', event: '{"type":"MENU_CHANGED","updated_at":"now"}' });
    client.send({ type: 'unsubscribe', id: 'mine' });
    expect(await client.next()).toEqual({ type: 'unsubscribe_success', id: 'mine' });
    client.send({ type: 'unsubscribe', id: 'mine' });
    expect(await client.next()).toMatchObject({ type: 'unsubscribe_error', id: 'mine' });
    client.ws.close();
  });

  it('a subscription id may be used again on a new connection', async () => {
    const first = await ready(server.url, guest.access_token);
    const subscribe = { type: 'subscribe', id: 'same-id', channel: `/orders/${guest.user_key}`, authorization: { Authorization: guest.access_token } };
    first.send(subscribe);
    await first.next(byType('subscribe_success'));
    first.ws.terminate();
    const second = await ready(server.url, guest.access_token);
    second.send(subscribe);
    expect(await second.next()).toEqual({ type: 'subscribe_success', id: 'same-id' });
    server.ctx.events.publishClientEvents(`/orders/${guest.user_key}`, ['1']);
    expect(await second.next()).toEqual({ type: 'data', id: 'same-id', event: '1' });
    second.ws.close();
  });

  it('the host publishes over the socket and gets publish_success', async () => {
    const client = await ready(server.url, admin);
    client.send({ type: 'subscribe', id: 'all', channel: '/orders/*', authorization: { Authorization: admin } });
    await client.next(byType('subscribe_success'));
    client.send({ type: 'publish', id: 'p1', channel: `/orders/${guest.user_key}`, events: ['{"a":1}', '[2]'], authorization: { Authorization: admin } });
    expect(await client.next(byType('publish_success'))).toEqual({
      type: 'publish_success',
      id: 'p1',
      successful: [
        { identifier: expect.any(String), index: 0 },
        { identifier: expect.any(String), index: 1 },
      ],
      failed: [],
    });
    expect(await client.next(byType('data'))).toEqual({ type: 'data', id: 'all', event: '{"a":1}' });
    expect(await client.next(byType('data'))).toEqual({ type: 'data', id: 'all', event: '[2]' });
    client.ws.close();
  });

  const badPublishes: [string, () => Frame, string][] = [
    ['a guest publishing', () => ({ channel: `/orders/${guest.user_key}`, events: ['{}'], authorization: { Authorization: guest.access_token } }), 'UnauthorizedException'],
    ['no token', () => ({ channel: '/orders/x', events: ['{}'] }), 'UnauthorizedException'],
    ['an event over 240 KB', () => ({ channel: '/orders/x', events: [JSON.stringify('x'.repeat(240 * 1024))], authorization: { Authorization: admin } }), 'BadRequestException'],
    ['six events', () => ({ channel: '/orders/x', events: Array(6).fill('1'), authorization: { Authorization: admin } }), 'BadRequestException'],
    ['an event that is not JSON', () => ({ channel: '/orders/x', events: ['{nope'], authorization: { Authorization: admin } }), 'BadRequestException'],
    ['no events', () => ({ channel: '/orders/x', events: [], authorization: { Authorization: admin } }), 'BadRequestException'],
    ['a wildcard channel', () => ({ channel: '/orders/*', events: ['1'], authorization: { Authorization: admin } }), 'BadRequestException'],
  ];
  for (const [name, body, errorType] of badPublishes) {
    it(`${name} gets publish_error ${errorType}`, async () => {
      const client = await ready(server.url, admin);
      client.send({ type: 'publish', id: 'bad', ...body() });
      expect(await client.next()).toEqual({ type: 'publish_error', id: 'bad', errors: [{ errorType, message: expect.any(String) }] });
      client.ws.close();
    });
  }

  it('a subscription whose token expired is told "Token expired" at expiry, alone, and stops receiving', async () => {
    // `exp` is in whole seconds (now rounded down, plus the lifetime), so a lifetime of 4 s
    // leaves between 3 and 4 s for the handshake wherever in the second this runs.
    const shortToken = await server.ctx.tokens.signGuest(guest.user_key, guest.username, 4);
    const exp = JSON.parse(Buffer.from(shortToken.split('.')[1]!, 'base64url').toString()).exp as number;
    const client = await ready(server.url, shortToken);
    client.send({ type: 'subscribe', id: 'short', channel: `/orders/${guest.user_key}`, authorization: { Authorization: shortToken } });
    await client.next(byType('subscribe_success'));
    expect(Date.now(), 'subscribed before the token expired').toBeLessThan(exp * 1000);
    server.ctx.events.publishClientEvents(`/orders/${guest.user_key}`, ['"early"']);
    expect(await client.next(byType('data'))).toEqual({ type: 'data', id: 'short', event: '"early"' });
    // Told at expiry (within the server's one-second sweep), with no event needed to find out;
    // only this subscription ends: the socket stays.
    const errors = [{ errorType: 'UnauthorizedException', message: 'Token expired' }];
    expect(await client.next(byType('subscribe_error', 'short'))).toEqual({ type: 'subscribe_error', id: 'short', errors });
    expect(Date.now(), 'told at expiry').toBeGreaterThanOrEqual(exp * 1000);
    expect(Date.now() - exp * 1000, 'told within the sweep after expiry').toBeLessThan(2_500);
    server.ctx.events.publishClientEvents(`/orders/${guest.user_key}`, ['"late"']);
    server.ctx.events.publishClientEvents(`/orders/${guest.user_key}`, ['"later"']);
    client.send({ type: 'subscribe', id: 'probe', channel: '/orders/x', authorization: { Authorization: admin } });
    await client.next(byType('subscribe_success', 'probe'));
    expect(client.frames.filter((f) => f.type === 'data')).toEqual([]);
    client.ws.close();
  });
});

describe('POST /event', () => {
  const postEvent = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/event`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers the CORS preflight with the headers Amplify sends', async () => {
    const res = await fetch(`${server.url}/event`, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'content-type, authorization, x-api-key, x-amz-user-agent, x-amz-date, x-amz-security-token',
    );
  });

  const cases: [string, () => [string, Record<string, string>], number, string][] = [
    ['no token', () => ['{"channel":"/a/b","events":["1"]}', {}], 401, 'UnauthorizedException'],
    ['a bad token', () => ['{"channel":"/a/b","events":["1"]}', { authorization: 'x.y.z' }], 401, 'UnauthorizedException'],
    ['a guest', () => ['{"channel":"/a/b","events":["1"]}', { authorization: guest.access_token }], 403, 'UnauthorizedException'],
    ['malformed JSON', () => ['{"channel":', { authorization: admin }], 400, 'BadRequestException'],
    ['a bad channel', () => ['{"channel":"/a/b c","events":["1"]}', { authorization: admin }], 400, 'BadRequestException'],
    ['six events', () => [JSON.stringify({ channel: '/a/b', events: Array(6).fill('1') }), { authorization: admin }], 400, 'BadRequestException'],
    ['an event over 240 KB', () => [JSON.stringify({ channel: '/a/b', events: [JSON.stringify('x'.repeat(250_000))] }), { authorization: admin }], 400, 'BadRequestException'],
    ['a body over 2 MB', () => [JSON.stringify({ channel: '/a/b', events: ['"' + 'x'.repeat(2_200_000) + '"'] }), { authorization: admin }], 413, 'BadRequestException'],
  ];
  for (const [name, request, status, errorType] of cases) {
    it(`${name} → ${status} ${errorType}`, async () => {
      const [body, headers] = request();
      const res = await postEvent(body, headers);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ errors: [{ errorType, message: expect.any(String) }] });
    });
  }
});

describe('limits and hygiene (an instance with small limits)', () => {
  let httpServer: http.Server;
  let realtime: RealtimeServer;
  let broker: Broker;
  let baseUrl: string;
  const limits: RealtimeLimits = {
    ...DEFAULT_LIMITS,
    connectionsPerAddress: 3,
    subscriptionsPerConnection: 2,
    maxBufferedBytes: 256 * 1024,
    initTimeoutMs: 300,
    keepAliveMs: 1_000,
  };
  beforeAll(async () => {
    broker = new Broker();
    realtime = new RealtimeServer(server.ctx, broker, limits);
    httpServer = http.createServer();
    realtime.attach(httpServer);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await realtime.close();
    await new Promise((resolve) => httpServer.close(resolve));
  });

  it('closes a connection that never sends connection_init', async () => {
    const client = await connect(baseUrl, guest.access_token);
    expect(await client.closed).toBe(4408);
  });

  it('sends ka while connected', async () => {
    const client = await ready(baseUrl, guest.access_token);
    expect(await client.next(byType('ka'))).toEqual({ type: 'ka' });
    client.ws.close();
    await client.closed;
  });

  it('refuses subscriptions beyond the per-connection limit', async () => {
    const client = await ready(baseUrl, admin);
    for (const id of ['s1', 's2', 's3']) client.send({ type: 'subscribe', id, channel: `/c/${id}`, authorization: { Authorization: admin } });
    expect(await client.next(byType('subscribe_success', 's1'))).toBeTruthy();
    expect(await client.next(byType('subscribe_success', 's2'))).toBeTruthy();
    expect(await client.next((f) => f.id === 's3')).toMatchObject({ type: 'subscribe_error', errors: [{ errorType: 'LimitExceededException' }] });
    client.ws.close();
    await client.closed;
  });

  it('refuses connections beyond the per-address limit', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => ready(baseUrl, guest.access_token)));
    await expect(connect(baseUrl, guest.access_token)).rejects.toThrow(/429/);
    for (const client of clients) client.ws.close();
    await Promise.all(clients.map((c) => c.closed));
    await expect.poll(() => connect(baseUrl, guest.access_token).then((c) => (c.ws.close(), true), () => false)).toBe(true);
  });

  it('cuts off a consumer that stops reading', async () => {
    const client = await ready(baseUrl, admin);
    client.send({ type: 'subscribe', id: 'slow', channel: '/bulk/x', authorization: { Authorization: admin } });
    await client.next(byType('subscribe_success'));
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = JSON.stringify('y'.repeat(200 * 1024));
    for (let i = 0; i < 200 && realtime.connectionCount > 0; i++) {
      broker.deliver('/bulk/x', [big]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(realtime.connectionCount).toBe(0);
  });

  it('closes every socket with 1001 on shutdown', async () => {
    const closing = new RealtimeServer(server.ctx, new Broker(), limits);
    const other = http.createServer();
    closing.attach(other);
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const client = await ready(`http://127.0.0.1:${(other.address() as AddressInfo).port}`, admin);
    await closing.close();
    expect(await client.closed).toBe(1001);
    await new Promise((resolve) => other.close(resolve));
  });

  /** Holds app_users locked, so checking the token of a guest not seen before waits, until `release`. */
  async function lockGuests(): Promise<{ release(): Promise<void> }> {
    let unlock!: () => void;
    const locked = new Promise<void>((resolve) => (unlock = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const lock = server.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE app_users IN ACCESS EXCLUSIVE MODE');
      holding();
      await locked;
    });
    await held;
    return {
      release: () => {
        unlock();
        return lock;
      },
    };
  }

  it('a socket whose token is still being checked when shutdown starts is refused, not opened after it', async () => {
    const closing = new RealtimeServer(server.ctx, new Broker(), limits);
    const other = http.createServer();
    closing.attach(other);
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    // A client that does not answer the closing handshake keeps the shutdown waiting a while.
    const stuck = await ready(baseUrl, admin);
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const late = await createGuestDirect(server, 'Late');
    const lock = await lockGuests();
    try {
      const arrived = new Promise<void>((resolve) => other.once('upgrade', () => resolve()));
      const opening = connect(baseUrl, late.access_token).catch((error: Error) => error);
      await arrived;
      const closed = closing.close();
      await lock.release();
      await closed;
      expect(String(await opening)).toMatch(/503/);
    } finally {
      await lock.release();
    }
    expect(closing.connectionCount).toBe(0);
    await new Promise((resolve) => other.close(resolve));
  });

  it('the whole server stops on time even while a socket still waits for its token to be checked', async () => {
    const second = await startTestServer({}, { testDb: server.testDb, db: server.db });
    const late = await createGuestDirect(server, 'Later');
    const lock = await lockGuests();
    let stopping: Promise<void> | undefined;
    try {
      const arrived = new Promise<void>((resolve) => second.server.once('upgrade', () => resolve()));
      const opening = connect(second.url, late.access_token).catch((error: Error) => error);
      await arrived;
      const httpClosed = new Promise<void>((resolve) => second.server.once('close', () => resolve()));
      const started = Date.now();
      stopping = second.stop();
      await httpClosed;
      // The socket is cut when the grace after the close (2 s) runs out, the check still waiting.
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(await opening).toBeInstanceOf(Error);
    } finally {
      // The pool closes once the check it is running gives its connection back.
      await lock.release();
      await (stopping ?? second.stop());
    }
  });
});
