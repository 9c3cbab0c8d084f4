import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { send } from './abuse-support.ts';

/*
 * Frame fuzzing against /event/realtime and body fuzzing of POST /event. Whatever a client
 * sends (random text or binary, broken JSON, unknown types, messages before connection_init,
 * forged authorizations, oversized frames), the server answers with protocol messages or
 * closes the socket with a close code, keeps serving other clients, and stays healthy.
 */

let server: TestServer;
let admin: string;
let guest: TestGuest;
const RUNS = Number(process.env.ABUSE_RUNS ?? 40);

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
  guest = await createGuestDirect(server, 'Socket fuzz');
});
afterAll(async () => {
  await server?.stop();
});

const KNOWN_TYPES = new Set([
  'connection_ack',
  'connection_error',
  'ka',
  'subscribe_success',
  'subscribe_error',
  'unsubscribe_success',
  'unsubscribe_error',
  'publish_success',
  'publish_error',
  'data',
  'error',
]);

const header = (auth: unknown) => `header-${Buffer.from(JSON.stringify(auth)).toString('base64url')}`;

interface Session {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  /**
   * Frames that break the protocol (binary, not a JSON object, an unknown type). Collected
   * here and asserted in the test body: an expect() thrown inside a socket callback would be
   * reported as a stray error, not as a failure of the test that caused it.
   */
  violations: string[];
  /** Resolves with the close code once the socket closes. */
  closed: Promise<number>;
  waitFor(match: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown> | 'closed'>;
}

async function open(protocols: readonly string[]): Promise<Session | 'refused'> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/event/realtime`, [...protocols]);
  const frames: Record<string, unknown>[] = [];
  const violations: string[] = [];
  const listeners = new Set<() => void>();
  let isClosed = false;
  ws.on('message', (data, isBinary) => {
    const text = String(data);
    if (isBinary) violations.push(`a binary frame: ${text.slice(0, 200)}`);
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      violations.push(`not JSON: ${text.slice(0, 200)}`);
      return;
    }
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
      violations.push(`not a JSON object: ${text.slice(0, 200)}`);
      return;
    }
    const message = frame as Record<string, unknown>;
    if (!KNOWN_TYPES.has(String(message.type))) violations.push(`unknown frame type: ${text.slice(0, 200)}`);
    frames.push(message);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code) => {
      isClosed = true;
      for (const listener of listeners) listener();
      resolve(code);
    }),
  );
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  if (!opened) return 'refused';
  return {
    ws,
    frames,
    violations,
    closed,
    waitFor(match, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(match);
          if (found || isClosed) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found ?? 'closed');
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no answer within ${timeoutMs} ms; frames so far: ${JSON.stringify(frames).slice(0, 500)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

const anyJson = fc.jsonValue({ maxDepth: 3 });
const tokenValue = () =>
  fc.oneof(
    fc.constant(guest.access_token),
    fc.constant(admin),
    fc.string({ maxLength: 60 }),
    fc.constant(`${guest.access_token.slice(0, -4)}AAAA`),
    fc.constant(`Bearer ${guest.access_token}`),
    anyJson,
  );

function frameArbitrary(): fc.Arbitrary<string | Buffer> {
  const channel = fc.oneof(
    fc.constantFrom(`/orders/${guest.user_key}`, '/orders/*', '/admin/new-orders', '/admin/*', '/menu/changes', '/*', '', '/a/b/c/d/e/f', '/x y', '//', '/orders/../admin'),
    fc.string({ maxLength: 40, unit: 'binary' }),
    anyJson,
  );
  const id = fc.oneof(fc.constantFrom('s1', 's2', 'x'.repeat(200), '../id', ''), fc.string({ maxLength: 20 }), anyJson);
  const message = fc.record(
    {
      type: fc.oneof(fc.constantFrom('connection_init', 'subscribe', 'unsubscribe', 'publish', 'ka', 'start', 'stop', 'data', 'connection_terminate', '__proto__'), anyJson),
      id,
      channel,
      authorization: fc.oneof(fc.record({ Authorization: tokenValue(), host: fc.string() }, { requiredKeys: [] }), anyJson),
      events: fc.oneof(fc.array(fc.oneof(anyJson.map((v) => JSON.stringify(v)), fc.string({ maxLength: 20 }), anyJson), { maxLength: 7 }), anyJson),
      payload: anyJson,
    },
    { requiredKeys: ['type'] },
  );
  return fc.oneof(
    { weight: 6, arbitrary: message.map((m) => JSON.stringify(m)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
    { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom('{"type":"subscribe",', '{"__proto__":{"polluted":true},"type":"subscribe","id":"p"}', '[]', 'null', '{}', '') },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.integer({ min: 300_000, max: 600_000 }).map((n) => JSON.stringify({ type: 'publish', id: 'big', channel: '/a/b', events: [JSON.stringify('x'.repeat(n))], authorization: { Authorization: admin } })) },
  );
}

const protocolsArbitrary = () =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(['aws-appsync-event-ws', header({ Authorization: guest.access_token, host: 'x' })]) },
    { weight: 1, arbitrary: fc.constant(['aws-appsync-event-ws', header({ Authorization: admin, host: 'x' })]) },
    { weight: 1, arbitrary: anyJson.map((auth) => ['aws-appsync-event-ws', header(auth)]) },
    { weight: 1, arbitrary: fc.constantFrom(['aws-appsync-event-ws'], ['aws-appsync-event-ws', 'header-!!!'], ['aws-appsync-event-ws', 'header-'], ['graphql-ws'], ['aws-appsync-event-ws', `header-${'A'.repeat(9000)}`]) },
  );

/** Close codes a clean refusal may use: normal, policy/protocol, too big, and the broker's own 44xx. */
const CLEAN_CLOSE = (code: number) => [1000, 1001, 1002, 1003, 1007, 1008, 1009].includes(code) || (code >= 4000 && code < 5000);

describe('WebSocket frame fuzzing', () => {
  it('random frame sequences are answered with protocol messages or a clean close, and the socket stays usable', async () => {
    await fc.assert(
      fc.asyncProperty(protocolsArbitrary(), fc.boolean(), fc.array(frameArbitrary(), { minLength: 1, maxLength: 6 }), async (protocols, initFirst, frames) => {
        const session = await open(protocols);
        if (session === 'refused') {
          // Only an upgrade without the AppSync protocol may be refused outright.
          expect(protocols).not.toContain('aws-appsync-event-ws');
          return;
        }
        if (initFirst) session.ws.send('{"type":"connection_init"}');
        for (const frame of frames) session.ws.send(frame, { binary: Buffer.isBuffer(frame) });
        // A probe: it is answered (in order, after everything above) unless the socket closed.
        session.ws.send(JSON.stringify({ type: 'subscribe', id: 'probe', channel: `/orders/${guest.user_key}`, authorization: { Authorization: guest.access_token } }));
        const answer = await session.waitFor((f) => f.id === 'probe' || f.type === 'connection_error');
        if (answer === 'closed') {
          expect(CLEAN_CLOSE(await session.closed), `close code ${await session.closed}`).toBe(true);
        } else {
          expect(['subscribe_success', 'error', 'subscribe_error', 'connection_error']).toContain(answer.type);
        }
        session.ws.terminate();
        expect(session.violations, 'frames outside the protocol').toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('a frame over the size limit closes that socket with 1009 and nothing else', async () => {
    const bystander = await open(['aws-appsync-event-ws', header({ Authorization: guest.access_token, host: 'x' })]);
    const session = await open(['aws-appsync-event-ws', header({ Authorization: guest.access_token, host: 'x' })]);
    if (session === 'refused' || bystander === 'refused') throw new Error('could not connect');
    bystander.ws.send('{"type":"connection_init"}');
    await bystander.waitFor((f) => f.type === 'connection_ack');
    session.ws.send('x'.repeat(4 * 1024 * 1024));
    expect(await session.closed).toBe(1009);
    bystander.ws.send(JSON.stringify({ type: 'subscribe', id: 'still', channel: `/orders/${guest.user_key}`, authorization: { Authorization: guest.access_token } }));
    expect(await bystander.waitFor((f) => f.id === 'still')).toMatchObject({ type: 'subscribe_success' });
    bystander.ws.close();
    expect([...session.violations, ...bystander.violations]).toEqual([]);
  });

  it('after the storm nothing reached Object.prototype and the server is healthy', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('POST /event body fuzzing', () => {
  it('never a 5xx; every refusal in AppSync’s {errors:[{errorType,message}]} shape', async () => {
    const body = fc.oneof(
      fc.record({ channel: fc.oneof(fc.constantFrom('/a/b', '/orders/*', ''), fc.string({ maxLength: 30 }), anyJson), events: fc.oneof(fc.array(fc.oneof(fc.string({ maxLength: 30 }), anyJson.map((v) => JSON.stringify(v))), { maxLength: 7 }), anyJson) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      anyJson.map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 100, unit: 'binary' }),
    );
    const authorization = fc.oneof(fc.constant(admin), fc.constant(guest.access_token), fc.constant(`Bearer ${admin}`), fc.string({ maxLength: 40 }), fc.constant(undefined));
    const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16');
    await fc.assert(
      fc.asyncProperty(body, authorization, contentType, async (raw, auth, type) => {
        const res = await send(server.url, { method: 'POST', path: '/event', headers: { 'content-type': type, ...(auth === undefined ? {} : { authorization: auth }) }, body: raw });
        expect(res.status, `${res.status} ${res.text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(JSON.parse(res.text)).toEqual({ errors: [{ errorType: expect.stringMatching(/Exception$/), message: expect.any(String) }] });
        }
      }),
      { numRuns: RUNS },
    );
  });
});
