import { createECDH, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupToken } from '../../server/admin/host-account.service.ts';
import { API, type RouteKey } from '../../shared/schemas/api.ts';
import { call, exercised } from '../support/api-client.ts';
import { startLlmStandIn, type LlmStandIn } from '../support/llm-stand-in.ts';
import { TEST_ADMIN, adminToken, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Rule: every answer of every route parses with its schema in shared/schemas/api.ts, and every
 * error with the envelope and a code of shared/schemas/errors.ts at that code's status. Each
 * route is called here with a success and an error; the last test checks none was skipped.
 */

/** Routes that take no input and no token, so no request to them can be wrong. */
const NO_ERROR_CASE = new Set<RouteKey>([
  'GET /api/health',
  'GET /api/config',
  'GET /.well-known/jwks.json',
  'GET /api/sections',
  'GET /api/bar',
  'GET /api/admin/setup',
  'GET /api/admin/password-reset',
  'OPTIONS /event',
]);
/** Routes whose only answer is an error. */
const NO_SUCCESS_CASE = new Set<RouteKey>(['ALL /api/push/subscriptions']);

const NOWHERE = '00000000-0000-4000-8000-000000000000';

let server: TestServer;
/** The AI model is an outside border: its stand-in, so the chat route can answer a success. */
let llm: LlmStandIn;
let admin: string;
let guest: { access_token: string; refresh_token: string; user_key: string };

beforeAll(async () => {
  llm = await startLlmStandIn();
  server = await startTestServer({ PUSH_ENDPOINT_HOSTS: '127.0.0.1', LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'contract-model' });
  admin = await adminToken(server);
  const code = await call(server, 'POST /api/admin/registration-codes', { token: admin, body: { max_uses: 5 } });
  const registered = await call(server, 'POST /api/register', { headers: { 'x-registration-code': code.data!.code }, body: { username: 'Contract' } });
  const answer = registered.data!;
  guest = { access_token: answer.access_token, refresh_token: answer.refresh_token, user_key: answer.user.user_key };
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await llm?.close();
});

describe('public routes answer on their contract', () => {
  it('health, config and the signing keys', async () => {
    expect((await call(server, 'GET /api/health')).data).toMatchObject({ status: 'ok' });
    const config = (await call(server, 'GET /api/config')).data;
    expect(config?.events.defaultAuthMode).toBe('lambda');
    expect(config?.chat).toBe(true);
    expect((await call(server, 'GET /.well-known/jwks.json')).data?.keys.length).toBeGreaterThan(0);
  });

  it('the menu, its ETags and an unknown drink', async () => {
    const sections = await call(server, 'GET /api/sections');
    expect(sections.data?.sections.length).toBeGreaterThan(0);
    const again = await call(server, 'GET /api/sections', { headers: { 'if-none-match': sections.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const drinks = await call(server, 'GET /api/drinks');
    const drink = drinks.data!.drinks[0]!;
    expect((await call(server, 'GET /api/drinks', { query: `section_id=${drink.section_id}` })).status).toBe(200);
    expect((await call(server, 'GET /api/drinks', { query: 'section_id=nope' })).error?.code).toBe('validation_failed');
    expect((await call(server, 'GET /api/drinks/:id', { params: { id: drink.id } })).data?.drink.recipe).toBeDefined();
    expect((await call(server, 'GET /api/drinks/:id', { params: { id: NOWHERE } })).error?.code).toBe('drink_not_found');
  });
});

describe('guest routes answer on their contract', () => {
  it('registration, refresh, me and logout', async () => {
    const refused = await call(server, 'POST /api/register', { headers: { 'x-registration-code': NOWHERE }, body: { username: 'Nobody' } });
    expect(refused.error?.code).toBe('invalid_registration_code');
    const refreshed = await call(server, 'POST /api/auth/refresh', { body: { refresh_token: guest.refresh_token } });
    guest = { ...guest, access_token: refreshed.data!.access_token, refresh_token: refreshed.data!.refresh_token };
    expect((await call(server, 'POST /api/auth/refresh', { body: { refresh_token: 'not-a-token' } })).error?.code).toBe('invalid_refresh_token');
    expect((await call(server, 'GET /api/me', { token: guest.access_token })).data?.user.user_key).toBe(guest.user_key);
    expect((await call(server, 'GET /api/me', { token: admin })).error?.code).toBe('forbidden');
    expect((await call(server, 'POST /api/auth/logout', { rawJson: {} })).error?.code).toBe('validation_failed');
    const spare = await call(server, 'POST /api/auth/refresh', { body: { refresh_token: guest.refresh_token } });
    guest = { ...guest, access_token: spare.data!.access_token, refresh_token: spare.data!.refresh_token };
    expect((await call(server, 'POST /api/auth/logout', { body: { refresh_token: 'unknown' } })).status).toBe(204);
  });

  it('transfer codes: made by the guest, redeemed once, and their refusals', async () => {
    const made = await call(server, 'POST /api/auth/transfer-code', { token: guest.access_token });
    expect(made.status).toBe(201);
    expect((await call(server, 'POST /api/auth/transfer-code', { token: admin })).error?.code).toBe('forbidden');
    const moved = await call(server, 'POST /api/auth/transfer', { body: { code: made.data!.code } });
    expect(moved.data?.user.user_key).toBe(guest.user_key);
    expect((await call(server, 'POST /api/auth/transfer', { body: { code: made.data!.code } })).error?.code).toBe('invalid_transfer_code');
    expect((await call(server, 'POST /api/auth/transfer', { rawJson: { code: 123456 } })).error?.code).toBe('validation_failed');
  });

  it('orders: place, replay, list, read, cancel, and their refusals', async () => {
    const drinkId = (await call(server, 'GET /api/drinks')).data!.drinks[0]!.id;
    const id = crypto.randomUUID();
    const token = guest.access_token;
    expect((await call(server, 'POST /api/orders', { token, body: { id, drink_id: drinkId } })).status).toBe(201);
    expect((await call(server, 'POST /api/orders', { token, body: { id, drink_id: drinkId } })).status).toBe(200);
    expect((await call(server, 'POST /api/orders', { token, body: { drink_id: NOWHERE } })).error?.code).toBe('drink_not_found');
    const list = await call(server, 'GET /api/orders', { token });
    expect((await call(server, 'GET /api/orders', { token, query: `since=${list.data!.cursor}` })).data?.orders).toEqual([]);
    expect((await call(server, 'GET /api/orders', { token, query: 'since=yesterday' })).error?.code).toBe('invalid_cursor');
    expect((await call(server, 'GET /api/orders/:id', { token, params: { id } })).data?.order.id).toBe(id);
    expect((await call(server, 'GET /api/orders/:id', { token, params: { id: NOWHERE } })).error?.code).toBe('order_not_found');

    const patched = await call(server, 'PATCH /api/admin/orders/:id', { token: admin, params: { id }, body: { status: 'preparing' } });
    expect(patched.data?.order.username).toBe('Contract');
    expect((await call(server, 'POST /api/orders/:id/cancel', { token, params: { id } })).error?.code).toBe('invalid_transition');
    const second = crypto.randomUUID();
    await call(server, 'POST /api/orders', { token, body: { id: second, drink_id: drinkId, notes: 'no ice' } });
    expect((await call(server, 'POST /api/orders/:id/cancel', { token, params: { id: second } })).data?.order.status).toBe('cancelled');
  });

  it('the line: a snapshot for anyone signed in, nothing without a token', async () => {
    const queue = await call(server, 'GET /api/queue', { token: guest.access_token });
    expect(queue.data?.queue.length).toBeGreaterThanOrEqual(1);
    expect((await call(server, 'GET /api/queue', { token: admin })).status).toBe(200);
    expect((await call(server, 'GET /api/queue')).error?.code).toBe('unauthorized');
  });

  it('push subscriptions', async () => {
    const keys = { p256dh: createECDH('prime256v1').generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') };
    const endpoint = 'https://127.0.0.1:9/push/contract';
    const token = guest.access_token;
    expect((await call(server, 'POST /api/push/subscriptions', { token, body: { endpoint, keys } })).status).toBe(201);
    expect((await call(server, 'POST /api/push/subscriptions', { token, body: { endpoint, keys } })).status).toBe(200);
    const elsewhere = await call(server, 'POST /api/push/subscriptions', { token, body: { endpoint: 'https://push.example.test/x', keys } });
    expect(elsewhere.error?.code).toBe('invalid_subscription');
    expect((await call(server, 'DELETE /api/push/subscriptions', { token, body: { endpoint } })).status).toBe(204);
    expect((await call(server, 'DELETE /api/push/subscriptions', { token, rawJson: { endpoint: 7 } })).error?.code).toBe('validation_failed');
    expect((await call(server, 'ALL /api/push/subscriptions', { token, method: 'PUT', body: undefined })).error?.code).toBe('method_not_allowed');
  });

  it('the bartender chat: a streamed reply, and a conversation that does not end with the guest', async () => {
    const token = guest.access_token;
    llm.script({ text: 'A Negroni, perhaps?' });
    const reply = await call(server, 'POST /api/assistant/chat', { token, body: { messages: [{ role: 'user', content: 'Something bitter?' }] } });
    expect(await (reply.data as Blob).text()).toContain('event: done');
    const backwards = { messages: [{ role: 'assistant' as const, content: 'Hello' }] };
    expect((await call(server, 'POST /api/assistant/chat', { token, body: backwards })).error?.code).toBe('validation_failed');
  });
});

describe('bar, call again and staff routes answer on their contract', () => {
  it('the bar: read, last call, closed refuses new orders, open again', async () => {
    expect((await call(server, 'GET /api/bar')).data?.bar.status).toBe('open');
    expect((await call(server, 'GET /api/bar', { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(200);
    const lastCall = await call(server, 'PUT /api/admin/bar', { token: admin, body: { status: 'last_call', message: 'Last orders' } });
    expect(lastCall.data?.bar).toEqual({ status: 'last_call', message: 'Last orders', closes_at: null });
    expect((await call(server, 'PUT /api/admin/bar', { token: admin, rawJson: {} })).error?.code).toBe('validation_failed');
    expect((await call(server, 'PUT /api/admin/bar', { token: guest.access_token, body: { status: 'closed' } })).error?.code).toBe('forbidden');
    expect((await call(server, 'PUT /api/admin/bar', { token: admin, body: { status: 'closed' } })).data?.bar.status).toBe('closed');
    const drinkId = (await call(server, 'GET /api/drinks')).data!.drinks[0]!.id;
    const refused = await call(server, 'POST /api/orders', { token: guest.access_token, body: { id: crypto.randomUUID(), drink_id: drinkId } });
    expect(refused.status).toBe(409);
    expect(refused.error?.code).toBe('bar_closed');
    expect((await call(server, 'PUT /api/admin/bar', { token: admin, body: { status: 'open' } })).data?.bar).toEqual({ status: 'open', message: null, closes_at: null });
  });

  it('call again: a ready order is called, another is refused', async () => {
    const drinkId = (await call(server, 'GET /api/drinks')).data!.drinks[0]!.id;
    const id = crypto.randomUUID();
    expect((await call(server, 'POST /api/orders', { token: guest.access_token, body: { id, drink_id: drinkId } })).status).toBe(201);
    expect((await call(server, 'POST /api/admin/orders/:id/call', { token: admin, params: { id } })).error?.code).toBe('invalid_transition');
    const ready = await call(server, 'PATCH /api/admin/orders/:id', { token: admin, params: { id }, body: { status: 'ready' } });
    expect(ready.data?.order.changed_by).toEqual({ role: 'admin', name: TEST_ADMIN.email });
    const called = await call(server, 'POST /api/admin/orders/:id/call', { token: admin, params: { id } });
    expect(called.data?.order.calls).toBe(1);
    expect(called.data?.order.called_at).not.toBeNull();
    expect((await call(server, 'POST /api/admin/orders/:id/call', { token: admin, params: { id: NOWHERE } })).error?.code).toBe('order_not_found');
    // Recall: one step back, answered on the same contract.
    expect((await call(server, 'PATCH /api/admin/orders/:id', { token: admin, params: { id }, body: { status: 'preparing' } })).data?.order.status).toBe('preparing');
    await call(server, 'PATCH /api/admin/orders/:id', { token: admin, params: { id }, body: { status: 'served' } });
  });

  it('staff passes: make, list, join, refresh, list helpers, revoke', async () => {
    const made = await call(server, 'POST /api/admin/staff-passes', { token: admin, body: { expires_in_hours: 2, max_uses: 3 } });
    expect(made.status).toBe(201);
    expect(made.data?.qr_svg).toContain('<svg');
    expect((await call(server, 'POST /api/admin/staff-passes', { token: admin, body: { expires_in_hours: 0 } })).error?.code).toBe('validation_failed');
    const secret = new URL(made.data!.join_url!).searchParams.get('pass')!;
    expect((await call(server, 'GET /api/admin/staff-passes', { token: admin })).data?.passes.map((p) => p.pass)).toContain(made.data!.pass);
    expect((await call(server, 'GET /api/admin/staff-passes', { token: guest.access_token })).error?.code).toBe('forbidden');

    expect((await call(server, 'POST /api/staff/join', { headers: { 'x-staff-pass': 'x'.repeat(43) }, body: { name: 'Robin' } })).error?.code).toBe(
      'invalid_staff_pass',
    );
    expect((await call(server, 'POST /api/staff/join', { headers: { 'x-staff-pass': secret }, body: { name: 'R' } })).error?.code).toBe('invalid_name');
    const joined = await call(server, 'POST /api/staff/join', { headers: { 'x-staff-pass': secret }, body: { name: 'Robin' } });
    expect(joined.status).toBe(201);
    const refreshed = await call(server, 'POST /api/auth/refresh', { body: { refresh_token: joined.data!.refresh_token } });
    expect(refreshed.status).toBe(200);
    // A bartender works the board only.
    expect((await call(server, 'GET /api/admin/orders', { token: refreshed.data!.access_token })).status).toBe(200);
    expect((await call(server, 'GET /api/admin/staff', { token: refreshed.data!.access_token })).error?.code).toBe('forbidden');

    const staffKey = joined.data!.staff.staff_key;
    expect((await call(server, 'GET /api/admin/staff', { token: admin })).data?.staff.map((m) => m.staff_key)).toContain(staffKey);
    const revoked = await call(server, 'POST /api/admin/staff/:staff_key/revoke', { token: admin, params: { staff_key: staffKey } });
    expect(revoked.data?.staff.is_active).toBe(false);
    expect((await call(server, 'POST /api/admin/staff/:staff_key/revoke', { token: admin, params: { staff_key: NOWHERE } })).error?.code).toBe('staff_not_found');

    expect((await call(server, 'DELETE /api/admin/staff-passes/:pass', { token: admin, params: { pass: made.data!.pass } })).status).toBe(204);
    expect((await call(server, 'DELETE /api/admin/staff-passes/:pass', { token: admin, params: { pass: NOWHERE } })).error?.code).toBe('staff_pass_not_found');
  });
});

describe('host routes answer on their contract', () => {
  it('sign-in and the setup link', async () => {
    expect((await call(server, 'POST /api/admin/login', { body: TEST_ADMIN })).data?.access_token).toEqual(expect.any(String));
    expect((await call(server, 'POST /api/admin/login', { body: { ...TEST_ADMIN, password: 'wrong' } })).error?.code).toBe('invalid_credentials');
    expect((await call(server, 'GET /api/admin/setup')).data?.setup_needed).toBe(false);
    const body = { token: 'guess', email: 'new@barback.test', password: 'a long enough password' };
    expect((await call(server, 'POST /api/admin/setup', { body })).error?.code).toBe('invalid_setup_token');

    const fresh = await startTestServer({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    try {
      expect((await call(fresh, 'GET /api/admin/setup')).data?.setup_needed).toBe(true);
      expect((await call(fresh, 'POST /api/admin/setup', { body: { ...body, token: fresh.setupToken! } })).status).toBe(201);
    } finally {
      await fresh.stop();
    }
  }, 60_000);

  it('the queue', async () => {
    expect((await call(server, 'GET /api/admin/orders', { token: admin, query: 'status=pending,preparing' })).status).toBe(200);
    // A walk-up: taken, replayed, and refused (a name too long, a guest's token).
    const drinkId = (await call(server, 'GET /api/drinks')).data!.drinks[0]!.id;
    const walkup = { id: crypto.randomUUID(), drink_id: drinkId, name: 'Walk-up' };
    const taken = await call(server, 'POST /api/admin/orders', { token: admin, body: walkup });
    expect([taken.status, taken.data?.order.user_key, taken.data?.order.username]).toEqual([201, null, 'Walk-up']);
    expect((await call(server, 'POST /api/admin/orders', { token: admin, body: walkup })).status).toBe(200);
    expect((await call(server, 'POST /api/admin/orders', { token: admin, body: { ...walkup, id: undefined, name: 'x'.repeat(51) } })).error?.code).toBe('invalid_name');
    expect((await call(server, 'POST /api/admin/orders', { token: guest.access_token, body: walkup })).error?.code).toBe('forbidden');
    await call(server, 'PATCH /api/admin/orders/:id', { token: admin, params: { id: walkup.id }, body: { status: 'cancelled' } });
    expect((await call(server, 'GET /api/admin/orders', { token: admin, query: 'status=lost' })).error?.code).toBe('validation_failed');
    expect((await call(server, 'PATCH /api/admin/orders/:id', { token: admin, params: { id: NOWHERE }, body: { status: 'ready' } })).error?.code).toBe(
      'order_not_found',
    );
  });

  it('the menu: sections, drinks and images', async () => {
    const token = admin;
    expect((await call(server, 'GET /api/admin/sections', { token })).data?.sections.length).toBeGreaterThan(0);
    expect((await call(server, 'GET /api/admin/sections', { token: guest.access_token })).error?.code).toBe('forbidden');
    const section = (await call(server, 'POST /api/admin/sections', { token, body: { name: 'Contract' } })).data!.section;
    expect((await call(server, 'POST /api/admin/sections', { token, rawJson: { name: 7 } })).error?.code).toBe('validation_failed');
    expect((await call(server, 'PUT /api/admin/sections/:id', { token, params: { id: section.id }, body: { display_order: 9 } })).data?.section.display_order).toBe(9);
    expect((await call(server, 'PUT /api/admin/sections/:id', { token, params: { id: NOWHERE }, body: { name: 'x' } })).error?.code).toBe('section_not_found');

    expect((await call(server, 'GET /api/admin/drinks', { token })).data?.drinks.length).toBeGreaterThan(0);
    expect((await call(server, 'GET /api/admin/drinks', {})).error?.code).toBe('unauthorized');
    const created = await call(server, 'POST /api/admin/drinks', {
      token,
      body: { section_id: section.id, name: 'Contract fizz', ingredients: ['Soda'], recipe: { ingredients: [{ name: 'Soda', amount: '10 cl' }], steps: ['Pour'] } },
    });
    const drink = created.data!.drink;
    expect((await call(server, 'POST /api/admin/drinks', { token, body: { section_id: NOWHERE, name: 'x', ingredients: [] } })).error?.code).toBe(
      'section_not_found',
    );
    expect((await call(server, 'PUT /api/admin/drinks/:id', { token, params: { id: drink.id }, body: { is_active: false } })).data?.drink.is_active).toBe(false);
    expect((await call(server, 'PUT /api/admin/drinks/:id', { token, params: { id: 'nope' }, body: {} })).error?.code).toBe('drink_not_found');

    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toBuffer();
    const withImage = await call(server, 'PUT /api/admin/drinks/:id/image', { token, params: { id: drink.id }, bytes: png, headers: { 'content-type': 'image/png' } });
    const imagePath = new URL(withImage.data!.drink.image_url!, server.url).pathname;
    const bad = await call(server, 'PUT /api/admin/drinks/:id/image', { token, params: { id: drink.id }, bytes: png, headers: { 'content-type': 'text/plain' } });
    expect(bad.error?.code).toBe('unsupported_image');
    expect((await call(server, 'GET /images/:file', { params: { file: imagePath.replace('/images/', '') } })).data).toBeInstanceOf(Blob);
    expect((await call(server, 'GET /images/:file', { params: { file: 'nope.webp' } })).error?.code).toBe('image_not_found');

    expect((await call(server, 'DELETE /api/admin/sections/:id', { token, params: { id: section.id } })).error?.code).toBe('section_not_empty');
    expect((await call(server, 'DELETE /api/admin/drinks/:id', { token, params: { id: drink.id } })).status).toBe(204);
    expect((await call(server, 'DELETE /api/admin/drinks/:id', { token, params: { id: NOWHERE } })).error?.code).toBe('drink_not_found');
    expect((await call(server, 'DELETE /api/admin/sections/:id', { token, params: { id: section.id } })).status).toBe(204);
  });

  it('drink options, the shelf and the drawings', async () => {
    const token = admin;
    const section = (await call(server, 'POST /api/admin/sections', { token, body: { name: 'Contract shelf' } })).data!.section;
    const created = await call(server, 'POST /api/admin/drinks', {
      token,
      body: {
        section_id: section.id,
        name: 'Contract smash',
        ingredients: ['Contract mint', 'Soda'],
        glass: 'highball',
        options: [{ name: 'Ice', required: true, default: 'Normal', choices: [{ name: 'None' }, { name: 'Normal' }] }],
      },
    });
    const drink = created.data!.drink;
    expect(drink.options[0]).toMatchObject({ id: 'ice', default: 'normal' });

    const drawn = new URL(drink.image_url!, server.url).pathname;
    expect(drawn).toMatch(/^\/images\/drawn\//);
    expect((await call(server, 'GET /images/drawn/:file', { params: { file: drawn.replace('/images/drawn/', '') } })).data).toBeInstanceOf(Blob);
    expect((await call(server, 'GET /images/drawn/:file', { params: { file: 'nope.svg' } })).error?.code).toBe('image_not_found');

    const guestToken = guest.access_token;
    const placed = await call(server, 'POST /api/orders', { token: guestToken, body: { id: crypto.randomUUID(), drink_id: drink.id, options: { ice: 'none' } } });
    expect(placed.status).toBe(201);
    expect(placed.data?.order.options).toEqual([{ group_id: 'ice', group: 'Ice', choice_id: 'none', choice: 'None' }]);
    const wrong = await call(server, 'POST /api/orders', { token: guestToken, body: { drink_id: drink.id, options: { ice: 'lava' } } });
    expect(wrong.error?.code).toBe('invalid_options');

    const shelf = await call(server, 'GET /api/admin/ingredients', { token });
    expect(shelf.data?.ingredients.find((i) => i.name === 'Contract mint')?.drinks).toEqual([{ id: drink.id, name: 'Contract smash' }]);
    expect((await call(server, 'GET /api/admin/ingredients', { token: guestToken })).error?.code).toBe('forbidden');
    const out = await call(server, 'PUT /api/admin/ingredients/:name', { token, params: { name: 'Contract mint' }, body: { in_stock: false } });
    expect(out.data?.ingredient).toMatchObject({ name: 'Contract mint', in_stock: false });
    const refused = await call(server, 'POST /api/orders', { token: guestToken, body: { drink_id: drink.id, options: { ice: 'normal' } } });
    expect(refused.error).toMatchObject({ code: 'drink_unavailable', details: { reason: 'Contract mint' } });
    expect((await call(server, 'PUT /api/admin/ingredients/:name', { token, params: { name: 'Unicorn tears' }, body: { in_stock: false } })).error?.code).toBe(
      'ingredient_not_found',
    );
    expect((await call(server, 'PUT /api/admin/ingredients/:name', { token, params: { name: 'Contract mint' }, body: { in_stock: true } })).status).toBe(200);
    await call(server, 'PATCH /api/admin/orders/:id', { token, params: { id: placed.data!.order.id }, body: { status: 'cancelled' } });
  });

  it('invite codes and guests', async () => {
    const token = admin;
    const code = (await call(server, 'POST /api/admin/registration-codes', { token, body: { max_uses: 1, notes: 'door' } })).data!;
    expect((await call(server, 'POST /api/admin/registration-codes', { token, body: { max_uses: 0 } })).error?.code).toBe('validation_failed');
    expect((await call(server, 'GET /api/admin/registration-codes', { token })).data?.codes.map((c) => c.code)).toContain(code.code);
    expect((await call(server, 'GET /api/admin/registration-codes', {})).error?.code).toBe('unauthorized');
    expect((await call(server, 'GET /api/admin/registration-codes/:code/qr.svg', { token, params: { code: code.code } })).data).toBeInstanceOf(Blob);
    expect((await call(server, 'GET /api/admin/registration-codes/:code/qr.svg', { token, params: { code: 'x' } })).error?.code).toBe(
      'registration_code_not_found',
    );

    const other = await call(server, 'POST /api/register', { headers: { 'x-registration-code': code.code }, body: { username: 'Leaving' } });
    expect((await call(server, 'DELETE /api/admin/registration-codes/:code', { token, params: { code: code.code } })).status).toBe(204);
    expect((await call(server, 'DELETE /api/admin/registration-codes/:code', { token, params: { code: NOWHERE } })).error?.code).toBe(
      'registration_code_not_found',
    );
    expect((await call(server, 'GET /api/admin/guests', { token })).data?.guests.length).toBeGreaterThanOrEqual(2);
    expect((await call(server, 'GET /api/admin/guests', { token: guest.access_token })).error?.code).toBe('forbidden');
    const revoked = await call(server, 'POST /api/admin/guests/:user_key/revoke', { token, params: { user_key: other.data!.user.user_key } });
    expect(revoked.data?.guest.is_active).toBe(false);
    expect((await call(server, 'POST /api/admin/guests/:user_key/revoke', { token, params: { user_key: NOWHERE } })).error?.code).toBe('guest_not_found');
  });

  it('push and HTTPS status, and the events publish endpoint', async () => {
    expect((await call(server, 'GET /api/admin/push', { token: admin })).data?.available).toBe(true);
    expect((await call(server, 'GET /api/admin/push', { token: guest.access_token })).error?.code).toBe('forbidden');
    expect((await call(server, 'GET /api/admin/https', { token: admin })).data?.status).toBe('off');
    expect((await call(server, 'GET /api/admin/https', {})).error?.code).toBe('unauthorized');

    const events = [JSON.stringify({ hello: 'contract' })];
    const published = await call(server, 'POST /event', { headers: { authorization: admin }, rawJson: { channel: '/orders/contract', events } });
    expect(published.data).toMatchObject({ failed: [] });
    expect((await call(server, 'POST /event', { rawJson: { channel: '/orders/contract', events } })).status).toBe(401);
    expect((await call(server, 'OPTIONS /event')).status).toBe(204);
  });

  it('the bartender chat switch', async () => {
    expect((await call(server, 'GET /api/admin/assistant', { token: admin })).data?.assistant).toEqual({ enabled: true, configured: true, model: 'contract-model' });
    expect((await call(server, 'GET /api/admin/assistant', { token: guest.access_token })).error?.code).toBe('forbidden');
    expect((await call(server, 'PUT /api/admin/assistant', { token: admin, body: { enabled: false } })).data?.assistant.enabled).toBe(false);
    expect((await call(server, 'POST /api/assistant/chat', { token: guest.access_token, body: { messages: [{ role: 'user', content: 'Hi' }] } })).error?.code).toBe(
      'assistant_off',
    );
    expect((await call(server, 'PUT /api/admin/assistant', { token: admin, rawJson: { enabled: 'yes' } })).error?.code).toBe('validation_failed');
    expect((await call(server, 'PUT /api/admin/assistant', { token: admin, body: { enabled: true } })).data?.assistant.enabled).toBe(true);
  });

  it('the host account: password, reset link, sign-out', async () => {
    const change = { current_password: 'wrong password', new_password: 'another long password' };
    expect((await call(server, 'PUT /api/admin/password', { token: admin, body: change })).error?.code).toBe('invalid_credentials');
    const changed = await call(server, 'PUT /api/admin/password', { token: admin, body: { ...change, current_password: TEST_ADMIN.password } });
    expect(changed.status).toBe(204);

    const { token: resetToken } = await issueSetupToken(server.db);
    expect((await call(server, 'GET /api/admin/password-reset', { query: `token=${resetToken}` })).data?.valid).toBe(true);
    const reset = { token: 'guess', new_password: TEST_ADMIN.password };
    expect((await call(server, 'POST /api/admin/password-reset', { body: reset })).error?.code).toBe('invalid_setup_token');
    const fresh = await call(server, 'POST /api/admin/password-reset', { body: { ...reset, token: resetToken } });
    const token = fresh.data!.access_token;

    expect((await call(server, 'POST /api/admin/logout-all', { token })).status).toBe(204);
    expect((await call(server, 'POST /api/admin/logout-all', { token })).error?.code).toBe('unauthorized');
    const last = await adminToken(server);
    expect((await call(server, 'POST /api/admin/logout', { token: last })).status).toBe(204);
    expect((await call(server, 'POST /api/admin/logout', { token: last })).error?.code).toBe('unauthorized');
    expect((await call(server, 'PUT /api/admin/password', { token: last, body: change })).error?.code).toBe('unauthorized');
  });
});

describe('coverage', () => {
  it('every route in the contract was answered with a success and with an error above', () => {
    const missing: string[] = [];
    for (const key of Object.keys(API) as RouteKey[]) {
      const seen = exercised.get(key);
      if (!NO_SUCCESS_CASE.has(key) && !seen?.success.size) missing.push(`${key}: no success`);
      if (!NO_ERROR_CASE.has(key) && !seen?.error.size) missing.push(`${key}: no error`);
    }
    expect(missing).toEqual([]);
  });
});
