import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { expectCleanAnswer, rawObject, send } from './abuse-support.ts';

/*
 * Property-based abuse of every endpoint in API.md: bodies (any JSON value, wrong types,
 * huge strings, deep nesting, prototype-pollution keys, broken JSON and encodings), path
 * params, query strings and headers. Whatever arrives, the server answers below 500, and
 * every 4xx is the JSON error envelope. TRUST_PROXY is on so that fuzzed X-Forwarded-For
 * headers are parsed too (and spread the per-address failure limits).
 */

let server: TestServer;
let admin: string;
let guest: TestGuest;
let code: string;
let drinkId: string;
let sectionId: string;
let orderId: string;

const RUNS = Number(process.env.ABUSE_RUNS ?? 40);

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: 'true', MAX_ACTIVE_ORDERS: '3' });
  admin = await adminToken(server);
  guest = await createGuestDirect(server, 'Fuzz target');
  const drinks = (await api(server, 'GET', '/api/drinks')).body.drinks as { id: string; section_id: string }[];
  drinkId = drinks[0]!.id;
  sectionId = drinks[0]!.section_id;
  code = (await api(server, 'POST', '/api/admin/registration-codes', { token: admin, body: { max_uses: 10_000 } })).body.code;
  orderId = (await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drinkId } })).body.order.id;
});
afterAll(async () => {
  await server?.stop();
});

type Role = 'public' | 'guest' | 'admin';

interface Endpoint {
  method: string;
  path: string;
  role: Role;
  /** Fields of a well-formed body, each with values that are sometimes right, sometimes not. */
  fields?: Record<string, fc.Arbitrary<unknown>>;
  query?: string[];
  /** Path params that must not be used with real ids (they would delete or revoke them). */
  destructive?: boolean;
}

const anyJson = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
/** Characters that text columns and naive code trip over: NUL, unpaired surrogates, bidi overrides. */
const nasty = fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\u0007', '\ufeff', "'", '\\', '%00');
const withNasty = (max: number) =>
  fc.tuple(fc.string({ maxLength: max / 2 }), nasty, fc.string({ maxLength: max / 2, unit: 'grapheme' })).map(([a, b, c]) => `${a}${b}${c}`);
const text = (max: number) => fc.oneof(fc.string({ maxLength: max, unit: 'binary' }), fc.string({ maxLength: max, unit: 'grapheme' }), withNasty(max), anyJson);
/** A value known only once the server runs (the arbitraries are built when the file loads). */
const later = (get: () => string) => fc.constant(0).map(get);
const uuidish = () => fc.oneof(later(() => drinkId), fc.uuid(), fc.string({ maxLength: 40 }), anyJson);
const statusValue = fc.oneof(fc.constantFrom('pending', 'preparing', 'ready', 'served', 'cancelled', 'PENDING', 'done', ''), anyJson);
const timestamp = fc.oneof(
  fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2099-13-45T99:99:99Z', 'tomorrow', '', '0', '2099-01-01'),
  anyJson,
);
const number = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double(), fc.constantFrom(1e308, -0, 2 ** 53 + 1), anyJson);

const drinkFields = {
  section_id: fc.oneof(later(() => sectionId), uuidish()),
  name: text(120),
  description: text(1100),
  ingredients: fc.oneof(fc.array(text(110), { maxLength: 35 }), anyJson),
  recipe: fc.oneof(
    fc.record({
      ingredients: fc.array(fc.record({ name: text(110), amount: text(60) }), { maxLength: 3 }),
      steps: fc.array(text(50), { maxLength: 3 }),
      garnish: text(210),
    }),
    anyJson,
  ),
  is_active: fc.oneof(fc.boolean(), anyJson),
};

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/api/health', role: 'public' },
  { method: 'GET', path: '/api/config', role: 'public' },
  { method: 'GET', path: '/api/sections', role: 'public' },
  { method: 'GET', path: '/api/drinks', role: 'public', query: ['section_id'] },
  { method: 'GET', path: '/api/drinks/:id', role: 'public' },
  { method: 'GET', path: '/.well-known/jwks.json', role: 'public' },
  { method: 'GET', path: '/images/:id', role: 'public' },
  { method: 'POST', path: '/api/register', role: 'public', fields: { username: text(60) } },
  { method: 'POST', path: '/api/auth/refresh', role: 'public', fields: { refresh_token: text(100) } },
  { method: 'POST', path: '/api/auth/logout', role: 'public', fields: { refresh_token: text(100) } },
  { method: 'GET', path: '/api/me', role: 'guest' },
  { method: 'POST', path: '/api/orders', role: 'guest', fields: { id: uuidish(), drink_id: uuidish(), notes: text(220) } },
  { method: 'GET', path: '/api/orders', role: 'guest', query: ['since'] },
  { method: 'GET', path: '/api/orders/:id', role: 'guest' },
  { method: 'POST', path: '/api/orders/:id/cancel', role: 'guest', destructive: true },
  {
    method: 'POST',
    path: '/api/push/subscriptions',
    role: 'guest',
    fields: {
      endpoint: fc.oneof(fc.webUrl(), fc.constantFrom('https://fcm.googleapis.com/fcm/send/x', 'http://127.0.0.1:5432/', 'file:///etc/passwd'), text(50)),
      keys: fc.oneof(fc.record({ p256dh: text(100), auth: text(30) }), anyJson),
      expirationTime: number,
    },
  },
  { method: 'DELETE', path: '/api/push/subscriptions', role: 'guest', fields: { endpoint: text(100) } },
  { method: 'POST', path: '/api/admin/login', role: 'public', fields: { email: text(60), password: text(60) } },
  { method: 'GET', path: '/api/admin/setup', role: 'public' },
  { method: 'POST', path: '/api/admin/setup', role: 'public', fields: { token: text(60), email: text(60), password: text(60) } },
  { method: 'GET', path: '/api/admin/orders', role: 'admin', query: ['status'] },
  {
    method: 'POST',
    path: '/api/admin/orders',
    role: 'admin',
    fields: { id: uuidish(), drink_id: uuidish(), name: text(60), notes: text(220), options: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), text(20), { maxKeys: 3 }), anyJson) },
  },
  { method: 'PATCH', path: '/api/admin/orders/:id', role: 'admin', fields: { status: statusValue }, destructive: true },
  { method: 'GET', path: '/api/admin/drinks', role: 'admin' },
  { method: 'POST', path: '/api/admin/drinks', role: 'admin', fields: drinkFields },
  { method: 'PUT', path: '/api/admin/drinks/:id', role: 'admin', fields: drinkFields, destructive: true },
  { method: 'DELETE', path: '/api/admin/drinks/:id', role: 'admin', destructive: true },
  { method: 'GET', path: '/api/admin/sections', role: 'admin' },
  { method: 'POST', path: '/api/admin/sections', role: 'admin', fields: { name: text(90), display_order: number } },
  { method: 'PUT', path: '/api/admin/sections/:id', role: 'admin', fields: { name: text(90), display_order: number }, destructive: true },
  { method: 'DELETE', path: '/api/admin/sections/:id', role: 'admin', destructive: true },
  {
    method: 'POST',
    path: '/api/admin/registration-codes',
    role: 'admin',
    fields: { expires_at: timestamp, expires_in_hours: number, max_uses: number, notes: text(510) },
  },
  { method: 'GET', path: '/api/admin/registration-codes', role: 'admin' },
  { method: 'DELETE', path: '/api/admin/registration-codes/:id', role: 'admin', destructive: true },
  { method: 'GET', path: '/api/admin/registration-codes/:id/qr.svg', role: 'admin' },
  { method: 'GET', path: '/api/admin/guests', role: 'admin' },
  { method: 'POST', path: '/api/admin/guests/:id/revoke', role: 'admin', destructive: true },
  { method: 'GET', path: '/api/admin/push', role: 'admin' },
];

/** Keys that try to reach Object.prototype or confuse a naive merge. */
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function bodyArbitrary(endpoint: Endpoint): fc.Arbitrary<string | Buffer | undefined> {
  const fields = endpoint.fields ?? {};
  const names = Object.keys(fields);
  const shaped = fc
    .tuple(
      fc.subarray(names),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), fc.string({ maxLength: 12 })), anyJson), { maxLength: 3 }),
    )
    .chain(([chosen, extra]) =>
      fc.tuple(...chosen.map((name) => fields[name]!.map((value): [string, unknown] => [name, value]))).map((entries) => rawObject([...entries, ...extra])),
    );
  const pollution = fc
    .tuple(fc.constantFrom(...POLLUTING_KEYS), fc.subarray(names))
    .map(([key, chosen]) => `{${chosen.map((n) => `${JSON.stringify(n)}:"x",`).join('')}${JSON.stringify(key)}:{"polluted":true,"prototype":{"polluted":true}}}`);
  const deep = fc.tuple(fc.integer({ min: 500, max: 12_000 }), fc.boolean()).map(([n, arrays]) => (arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));
  const huge = fc
    .tuple(fc.constantFrom(...(names.length ? names : ['x'])), fc.integer({ min: 10_000, max: 60_000 }), fc.constantFrom('x', 'é', '🍸', "'", '\\u0000'))
    .map(([name, length, unit]) => `{${JSON.stringify(name)}:"${unit.repeat(Math.floor(length / Math.max(unit.length, 4)))}"}`);
  const broken = fc.oneof(
    fc.string({ maxLength: 200, unit: 'binary' }),
    fc.constantFrom('{', '{"a":', '{"a":1,}', "{'a':1}", 'NaN', 'undefined', '\u0000', '{"a":1}{"b":2}', '\uFEFF{}', '[1,2'),
  );
  const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff, ...bytes]), Buffer.from('"}')]));
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: pollution },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: broken },
    { weight: 1, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset="bogus"',
      'application/json; boundary=;;;',
      'application/vnd.api+json',
      'application/merge-patch+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----x',
      'image/png',
      '*/*',
      'application/',
      ';',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** Header values Node will send: visible latin1, no CR/LF/NUL. */
const headerText = fc.string({ maxLength: 200, unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)) });

function authorization(role: Role): fc.Arbitrary<string | undefined> {
  const own = role === 'admin' ? admin : guest.access_token;
  const other = role === 'admin' ? guest.access_token : admin;
  const [header, payload, signature] = own.split('.') as [string, string, string];
  const forged = [
    `Bearer ${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString('base64url')}.${signature}`,
    `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
    `Bearer ${header}.${payload}`,
    `Bearer ${own}x`,
    `bearer ${own}`,
    `Bearer  ${own}`,
    `Basic ${Buffer.from('host:pw').toString('base64')}`,
    `Bearer ${'a'.repeat(4000)}.${'b'.repeat(4000)}.c`,
    `Bearer ...`,
    'Bearer',
  ];
  return fc.oneof(
    { weight: role === 'public' ? 1 : 8, arbitrary: fc.constant(`Bearer ${own}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${other}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...forged) },
    { weight: 1, arbitrary: headerText.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: headerText },
  );
}

function pathParam(endpoint: Endpoint): fc.Arbitrary<string> {
  const real = endpoint.destructive ? [] : [drinkId, sectionId, orderId, code, guest.user_key, drinkId.toUpperCase()];
  return fc.oneof(
    { weight: 2, arbitrary: fc.uuid() },
    { weight: real.length ? 2 : 0, arbitrary: real.length ? fc.constantFrom(...real) : fc.uuid() },
    { weight: 3, arbitrary: fc.string({ maxLength: 80, unit: 'binary' }).filter((s) => s !== '' && s !== '.' && s !== '..').map(encodeURIComponent) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%00',
        '%E0%A4%A',
        '%C0%AF',
        '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        `{${randomUUID()}}`,
        `${randomUUID()}%00`,
        `'%3B%20DROP%20TABLE%20orders%3B--`,
        'a'.repeat(4000),
        'NaN',
        '-1',
        '1e309',
        '0x10',
      ),
    },
  );
}

function queryArbitrary(endpoint: Endpoint): fc.Arbitrary<string> {
  const keys = [...(endpoint.query ?? []), 'since', 'status', 'section_id', '__proto__', 'constructor'];
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 10 })), fc.oneof(fc.string({ maxLength: 30, unit: 'binary' }), fc.constantFrom('1', '0', '-1', '1e3', '99999999999999999999', '9223372036854775807', '9223372036854775808', 'pending,ready', 'pending,bogus', ',,', drinkId, sectionId)));
  const encoded = fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
  const raw = fc.constantFrom('since[]=1', 'since[a]=1', 'status[]=pending', 'since=%ff', 'status=%', 'section_id=%00', 'since=1&since=2', '&&&', '=', 'a[b][c][d][e][f]=1', `status=${'pending,'.repeat(500)}`);
  return fc.oneof({ weight: 3, arbitrary: encoded }, { weight: 1, arbitrary: raw }, { weight: 1, arbitrary: fc.constant('') });
}

const extraHeaders = fc.record(
  {
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'x-bogus'),
    'if-none-match': fc.oneof(headerText, fc.constant('*')),
    'x-forwarded-for': fc.oneof(headerText, fc.ipV4(), fc.ipV6(), fc.constantFrom('unknown', ', , ,', '999.1.1.1', '::ffff:10.0.0.1')),
    'x-registration-code': fc.oneof(fc.uuid(), headerText, fc.constantFrom("'; DROP TABLE registration_codes; --", '00000000-0000-0000-0000-000000000000')),
    accept: fc.constantFrom('text/html', 'application/xml', '*/*', 'image/webp', ''),
    'user-agent': headerText,
  },
  { requiredKeys: [] },
);

function requestArbitrary(endpoint: Endpoint) {
  const hasBody = endpoint.method !== 'GET';
  return fc.record({
    param: pathParam(endpoint),
    query: queryArbitrary(endpoint),
    body: hasBody ? bodyArbitrary(endpoint) : fc.constant(undefined),
    contentType,
    authorization: authorization(endpoint.role),
    code: fc.oneof({ weight: 3, arbitrary: fc.constant(code) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    extra: fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraHeaders }),
  });
}

describe('fuzzing every endpoint: never a 5xx, every 4xx in the envelope', () => {
  it.each(ENDPOINTS.map((e) => [`${e.method} ${e.path}`, e] as const))('%s', async (_name, endpoint) => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(endpoint), async (r) => {
        const path = endpoint.path.replace(':id', r.param) + (r.query ? `?${r.query}` : '');
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.code !== undefined) headers['x-registration-code'] = r.code;
        if (r.body !== undefined) headers['content-type'] = r.contentType;
        Object.assign(headers, r.extra);
        const res = await send(server.url, { method: endpoint.method, path, headers, body: r.body });
        expectCleanAnswer(res, `${endpoint.method} ${path.slice(0, 200)} [${JSON.stringify(headers).slice(0, 300)}] body ${String(r.body).slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('any method on any path below /api answers cleanly', async () => {
    const segment = fc.oneof(fc.constantFrom('orders', 'admin', 'drinks', 'sections', 'register', 'auth', 'push', 'me', 'event', '..', ''), fc.uuid(), fc.string({ maxLength: 12, unit: 'binary' }).map(encodeURIComponent));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), fc.array(segment, { minLength: 1, maxLength: 5 }), authorization('admin'), async (method, segments, auth) => {
        const path = `/api/${segments.join('/')}`;
        const res = await send(server.url, { method, path, headers: auth ? { authorization: auth } : {} });
        expectCleanAnswer(res, `${method} ${path}`);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('nothing reached Object.prototype, and the server is still healthy and useful', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
    const fresh = await createGuestDirect(server, 'After the storm');
    const placed = await api(server, 'POST', '/api/orders', { token: fresh.access_token, body: { id: randomUUID(), drink_id: (await api(server, 'GET', '/api/drinks')).body.drinks[0].id } });
    expect(placed.status).toBe(201);
  });
});

describe('oversized bodies and uploads', () => {
  it('a JSON body over 64 KiB is 413 on every JSON endpoint, with or without content-length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(65 * 1024) });
    for (const endpoint of ENDPOINTS.filter((e) => e.method !== 'GET')) {
      const path = endpoint.path.replace(':id', randomUUID());
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${endpoint.role === 'admin' ? admin : guest.access_token}` };
      const res = await send(server.url, { method: endpoint.method, path, headers, body: big });
      expectCleanAnswer(res, `${endpoint.method} ${path}`);
      // Auth runs after parsing for JSON endpoints, so every one of them sees the size first.
      expect(res.status, `${endpoint.method} ${endpoint.path}`).toBe(413);
      expect(JSON.parse(res.text).error.code).toBe('payload_too_large');
    }
    const chunked = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url);
      const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/admin/sections', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // No content-length: the limit must hold while the body streams in.
      for (let i = 0; i < 100; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(chunked).toBe(413);
  });

  it('an image over 8 MiB is 413; random bytes, a lying header and an empty body are 415 unsupported_image', async () => {
    const path = `/api/admin/drinks/${drinkId}/image`;
    const auth = { authorization: `Bearer ${admin}` };
    const tooBig = await send(server.url, { method: 'PUT', path, headers: { ...auth, 'content-type': 'image/png' }, body: Buffer.alloc(8 * 1024 * 1024 + 1, 7) });
    expectCleanAnswer(tooBig, 'oversized image');
    expect([tooBig.status, JSON.parse(tooBig.text).error.code]).toEqual([413, 'payload_too_large']);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml', 'application/json', 'application/octet-stream'),
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
          fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.concat([png, b])),
          fc.constant(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')),
          fc.constant(Buffer.alloc(0)),
        ),
        async (type, bytes) => {
          const res = await send(server.url, { method: 'PUT', path, headers: { ...auth, 'content-type': type }, body: bytes });
          expectCleanAnswer(res, `PUT image as ${type}`);
          expect([res.status, JSON.parse(res.text).error.code], `PUT ${bytes.length} bytes as ${type}`).toEqual([415, 'unsupported_image']);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Writes raw bytes (optionally leaving the request unfinished) and reads until the server hangs up. */
function rawExchange(bytes: string): Promise<string> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(15_000, () => socket.destroy(new Error('the server never hung up')));
  });
}

function parseRawAnswer(answer: string): { status: number; contentType: string | undefined; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1];
  return { status, contentType, body: body ? JSON.parse(body) : undefined };
}

describe('requests the HTTP parser cannot read', () => {
  it.each([
    ['oversized headers', `GET /api/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
    ['a garbage request line', 'GARBAGE\r\n\r\n', 400, 'bad_request'],
    ['a non-numeric content-length', 'POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400, 'bad_request'],
    ['both content-length and chunked (request smuggling)', 'POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'bad_request'],
    ['a NUL in a header', 'GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n', 400, 'bad_request'],
  ])('%s get %i in the envelope, then the connection closes', async (_what, bytes, status, code) => {
    const answer = parseRawAnswer(await rawExchange(bytes));
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('a client that never finishes its headers gets 408 in the envelope', async () => {
    const { headersTimeout, requestTimeout } = server.server;
    server.server.headersTimeout = 500;
    server.server.requestTimeout = 1_000;
    try {
      const answer = parseRawAnswer(await rawExchange('GET /api/health HTTP/1.1\r\nHost: x\r\n'));
      expect(answer.status).toBe(408);
      expect(answer.body).toEqual({ error: { code: 'request_timeout', message: expect.any(String) } });
    } finally {
      Object.assign(server.server, { headersTimeout, requestTimeout });
    }
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
  });
});
