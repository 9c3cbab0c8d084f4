import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

/*
 * Text that breaks naive code: SQL fragments, quotes, emoji and ZWJ sequences, right-to-left
 * scripts and bidi overrides, combining marks, 4-byte characters. Every text field a client
 * can store comes back exactly as sent (after the documented NFC + trim for names and notes),
 * and what PostgreSQL cannot store (NUL, unpaired surrogates) is a 400, never a 500 or a
 * silent substitution.
 */

let server: TestServer;
let admin: string;
let code: string;
let sectionId: string;
let drinkId: string;

beforeAll(async () => {
  server = await startTestServer({ MAX_ACTIVE_ORDERS: '1000' });
  admin = await adminToken(server);
  code = (await api(server, 'POST', '/api/admin/registration-codes', { token: admin, body: { max_uses: 10_000 } })).body.code;
  const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
  drinkId = drink.id;
  sectionId = drink.section_id;
});
afterAll(async () => {
  await server?.stop();
});

const EDGE_STRINGS = [
  "'; DROP TABLE orders; --",
  "Robert'); DROP TABLE app_users;--",
  "1' OR '1'='1",
  '" OR ""="',
  '$1 $2 %s %n {{7*7}} ${jndi:ldap://x}',
  '\\ backslash \\\\ and \\u0000 as text',
  '<script>alert(1)</script>',
  '🍸🍹🥃',
  '👨‍👩‍👧‍👦 family',
  '🇫🇷🇯🇵 flags',
  'שלום עולם',
  'مرحبا بالعالم',
  '\u202Eevil override',
  'Zoe\u0301 combining',
  'a\u0300\u0301\u0302\u0303\u0304 stacked',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱',
  'zero\u200Bwidth\u200Djoin',
  'Ǆemo ﬁ ligatures',
  '  spaced out  ',
];

const nfcTrim = (value: string) => value.normalize('NFC').trim();

async function registerAs(username: string) {
  return api(server, 'POST', '/api/register', { body: { username }, headers: { 'x-registration-code': code } });
}

describe('edge strings are stored and returned intact', () => {
  it.each(EDGE_STRINGS)('username %j', async (value) => {
    const res = await registerAs(value);
    expect(res.status).toBe(201);
    expect(res.body.user.username).toBe(nfcTrim(value));
    const me = await api(server, 'GET', '/api/me', { token: res.body.access_token });
    expect(me.body.user.username).toBe(nfcTrim(value));
    const guests = (await api(server, 'GET', '/api/admin/guests', { token: admin })).body.guests as { user_key: string; username: string }[];
    expect(guests.find((g) => g.user_key === res.body.user.user_key)?.username).toBe(nfcTrim(value));
  });

  it('order notes, everywhere they are shown', async () => {
    const guest = (await registerAs('Note taker')).body;
    for (const value of EDGE_STRINGS) {
      const id = randomUUID();
      const placed = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drinkId, notes: value } });
      expect(placed.status, value).toBe(201);
      expect(placed.body.order.notes).toBe(nfcTrim(value));
      expect((await api(server, 'GET', `/api/orders/${id}`, { token: guest.access_token })).body.order.notes).toBe(nfcTrim(value));
      // The same request replayed is recognised as the same order, so the stored form compares equal.
      expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { id, drink_id: drinkId, notes: value } })).status).toBe(200);
    }
    const queue = (await api(server, 'GET', '/api/admin/orders', { token: admin })).body.orders as { notes: string }[];
    for (const value of EDGE_STRINGS) expect(queue.map((o) => o.notes)).toContain(nfcTrim(value));
  });

  it('drink names, descriptions, ingredients and recipes, and the name on an order', async () => {
    const guest = (await registerAs('Drinker')).body;
    for (const value of EDGE_STRINGS) {
      const created = await api(server, 'POST', '/api/admin/drinks', {
        token: admin,
        body: {
          section_id: sectionId,
          name: value,
          description: value,
          ingredients: [value],
          recipe: { ingredients: [{ name: value, amount: value }], steps: [value], garnish: value, glassware: value },
        },
      });
      expect(created.status, value).toBe(201);
      const expected = nfcTrim(value);
      const read = (await api(server, 'GET', `/api/drinks/${created.body.drink.id}`)).body.drink;
      expect(read).toMatchObject({ name: expected, description: expected, ingredients: [expected] });
      expect(read.recipe).toEqual({ ingredients: [{ name: expected, amount: expected }], steps: [expected], garnish: expected, glassware: expected });
      const order = await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: created.body.drink.id } });
      expect(order.body.order.drink_name).toBe(expected);
    }
  });

  it('section names and invite-code notes', async () => {
    for (const value of EDGE_STRINGS) {
      const section = await api(server, 'POST', '/api/admin/sections', { token: admin, body: { name: value } });
      expect(section.status, value).toBe(201);
      const sections = (await api(server, 'GET', '/api/admin/sections', { token: admin })).body.sections as { id: string; name: string }[];
      expect(sections.find((s) => s.id === section.body.section.id)?.name).toBe(nfcTrim(value));
      const created = await api(server, 'POST', '/api/admin/registration-codes', { token: admin, body: { max_uses: 1, notes: value } });
      expect(created.status, value).toBe(201);
      const codes = (await api(server, 'GET', '/api/admin/registration-codes', { token: admin })).body.codes as { code: string; notes: string }[];
      // Code notes are the host's free text: kept exactly, newlines and spaces included.
      expect(codes.find((c) => c.code === created.body.code)?.notes).toBe(value);
    }
  });

  it('any printable text a guest may pick as a name round-trips (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 2, maxLength: 20 }), async (value) => {
        const expected = nfcTrim(value);
        const length = [...expected].length;
        const res = await registerAs(value);
        if (length >= 2 && length <= 50) {
          expect(res.status, JSON.stringify(value)).toBe(201);
          expect(res.body.user.username).toBe(expected);
        } else {
          expect(res.status, JSON.stringify(value)).toBe(400);
          expect(res.body.error.code).toBe('invalid_username');
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the SQL-looking input above left every table in place', async () => {
    const { rows } = await server.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('orders', 'app_users', 'drinks', 'registration_codes')",
    );
    expect(rows[0]!.n).toBe(4);
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('what PostgreSQL cannot store is refused with a 400', () => {
  const UNSTORABLE = [
    ['a NUL', 'Sam\u0000Sam'],
    ['an unpaired high surrogate', 'Sam\uD800Sam'],
    ['an unpaired low surrogate', 'Sam\uDFFFSam'],
  ] as const;

  it.each(UNSTORABLE)('a username with %s is 400 invalid_username', async (_what, value) => {
    const res = await registerAs(value);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_username');
  });

  it.each(UNSTORABLE)('every other stored text field with %s is 400 validation_failed', async (_what, value) => {
    const guest = (await registerAs('Refused')).body;
    const attempts: [string, string, unknown, string][] = [
      ['POST', '/api/orders', { drink_id: drinkId, notes: value }, guest.access_token],
      ['POST', '/api/admin/orders', { drink_id: drinkId, name: 'Walk-up', notes: value }, admin],
      ['POST', '/api/admin/drinks', { section_id: sectionId, name: value, ingredients: [] }, admin],
      ['POST', '/api/admin/drinks', { section_id: sectionId, name: 'Fine', ingredients: [value] }, admin],
      ['PUT', `/api/admin/drinks/${drinkId}`, { description: value }, admin],
      ['POST', '/api/admin/sections', { name: value }, admin],
      ['POST', '/api/admin/registration-codes', { max_uses: 1, notes: value }, admin],
      ['POST', '/api/admin/login', { email: value, password: 'whatever' }, ''],
      ['POST', '/api/push/subscriptions', { endpoint: `https://fcm.googleapis.com/fcm/send/${value}`, keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) } }, guest.access_token],
      ['DELETE', '/api/push/subscriptions', { endpoint: `https://fcm.googleapis.com/fcm/send/${value}` }, guest.access_token],
    ];
    for (const [method, path, body, token] of attempts) {
      const res = await api(server, method, path, { body, token: token || undefined });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(['validation_failed', 'invalid_subscription']).toContain(res.body.error.code);
    }
  });
});
