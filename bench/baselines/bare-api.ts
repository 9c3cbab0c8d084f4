/**
 * The bare baselines for barback's writes: the strongest simple Express 5 + pg server a
 * competent engineer would write for each, with no auth checks and no business rules, but
 * the work the contract requires of every JSON answer (a JSON body only as
 * application/json within 64 KiB, a JSON answer, nosniff, no X-Powered-By).
 *
 *  - POST  /bare/:pool/orders      one INSERT … RETURNING the row, answered 201 {"order"}
 *                                  (the guest is named by `x-user-key`: there is no token).
 *  - POST  /bare/:pool/register    one statement that takes a use of the code and stores the
 *                                  guest and its refresh token's hash (barback's shape), then an
 *                                  EdDSA access token signed with a key imported once; 201.
 *  - PATCH /bare/:pool/orders/:id  one statement: INSERT the status event and pg_notify it
 *                                  (autocommitted), answered 200 {"order"}.
 *  - WS    /bare/events?key=<user key | admin>   one LISTEN connection forwards each
 *                                  notification to the sockets of the guest it names and to
 *                                  every `admin` socket.
 *
 * `:pool` picks one of the pg pools of BARE_POOL_SIZES (e.g. "5,10,20"), so one process serves
 * every configuration the bench tries, and the bench keeps the best. The tables are barback's
 * own (LIKE …), created here on the bench's database after barback has migrated it.
 * Prints LISTENING <url>.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SignJWT, generateKeyPair } from 'jose';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';

const databaseUrl = process.env.DATABASE_URL!;
const pools = new Map((process.env.BARE_POOL_SIZES ?? '10').split(',').map((size) => [size, new pg.Pool({ connectionString: databaseUrl, max: Number(size) })]));

await (async () => {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query(`
    CREATE SEQUENCE IF NOT EXISTS bare_version_seq;
    CREATE TABLE IF NOT EXISTS bare_orders (LIKE orders INCLUDING ALL);
    ALTER TABLE bare_orders ALTER COLUMN version SET DEFAULT nextval('bare_version_seq');
    CREATE TABLE IF NOT EXISTS bare_codes (LIKE registration_codes INCLUDING ALL);
    CREATE TABLE IF NOT EXISTS bare_users (LIKE app_users INCLUDING ALL);
    CREATE TABLE IF NOT EXISTS bare_refresh_tokens (LIKE refresh_tokens INCLUDING ALL);
    CREATE SEQUENCE IF NOT EXISTS bare_event_seq;
    CREATE TABLE IF NOT EXISTS bare_events (LIKE order_events INCLUDING ALL);
    ALTER TABLE bare_events ALTER COLUMN id SET DEFAULT nextval('bare_event_seq');`);
  await setup.end();
})();

const { privateKey } = await generateKeyPair('EdDSA');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use((req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.headers['content-length'] !== undefined && !req.is('application/json')) {
    res.status(415).json({ error: { code: 'unsupported_media_type', message: 'Send JSON.' } });
    return;
  }
  next();
});
app.use(express.json({ limit: '64kb' }));

const poolOf = (req: Request) => {
  const pool = pools.get(String(req.params.pool));
  if (!pool) throw new Error(`no pool of size ${req.params.pool}`);
  return pool;
};

app.post('/bare/:pool/orders', async (req, res) => {
  const { rows } = await poolOf(req).query(
    `INSERT INTO bare_orders (id, drink_id, user_key, notes, status) VALUES ($1, $2, $3, $4, 'pending')
     RETURNING id, drink_id, notes, status, created_at, updated_at, completed_at, version::text`,
    [req.body.id, req.body.drink_id, req.get('x-user-key'), req.body.notes ?? null],
  );
  res.status(201).json({ order: rows[0] });
});

app.post('/bare/:pool/register', async (req, res) => {
  const code = req.get('x-registration-code') ?? '';
  const username = typeof req.body?.username === 'string' ? req.body.username.normalize('NFC').trim() : '';
  if (username.length < 2 || username.length > 50) {
    res.status(400).json({ error: { code: 'invalid_username', message: 'A name of 2 to 50 characters.' } });
    return;
  }
  const refreshToken = randomBytes(32).toString('base64url');
  const { rows } = UUID.test(code)
    ? await poolOf(req).query<{ user_key: string; username: string }>(
        `WITH used AS (
           UPDATE bare_codes SET use_count = use_count + 1
            WHERE code = $1 AND revoked_at IS NULL AND expires_at > now() AND use_count < max_uses RETURNING code
         ), guest AS (
           INSERT INTO bare_users (username, last_login) SELECT $2, now() FROM used RETURNING user_key, username
         ), token AS (
           INSERT INTO bare_refresh_tokens (user_key, token_hash, expires_at)
           SELECT user_key, $3, now() + interval '2 days' FROM guest RETURNING user_key
         )
         SELECT guest.user_key, guest.username FROM guest JOIN token USING (user_key)`,
        [code, username, createHash('sha256').update(refreshToken).digest()],
      )
    : { rows: [] };
  const guest = rows[0];
  if (!guest) {
    res.status(401).json({ error: { code: 'invalid_registration_code', message: 'Unknown code.' } });
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await new SignJWT({ token_type: 'access', role: 'guest', user_key: guest.user_key, username: guest.username })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'bare', typ: 'JWT' })
    .setIssuer('barback')
    .setAudience('barback')
    .setSubject(guest.user_key)
    .setIssuedAt(now)
    .setExpirationTime(now + 14_400)
    .sign(privateKey);
  res.status(201).json({ user: guest, access_token: accessToken, refresh_token: refreshToken, expires_in: 14_400 });
});

app.patch('/bare/:pool/orders/:id', async (req, res) => {
  const { rows } = await poolOf(req).query(
    `WITH event AS (
       INSERT INTO bare_events (order_id, user_key, type, version, payload)
       VALUES ($1, $2, 'ORDER_STATUS_CHANGED', nextval('bare_version_seq'), jsonb_build_object('status', $3::text))
       RETURNING order_id, user_key, version, created_at
     )
     SELECT order_id AS id, $3 AS status, version::text, created_at AS updated_at,
            pg_notify('bare_events', user_key || ' ' || json_build_object('type', 'ORDER_STATUS_CHANGED', 'order_id', order_id,
              'status', $3::text, 'updated_at', created_at, 'version', version::text)::text) AS notified
       FROM event`,
    [req.params.id, req.body.user_key, req.body.status],
  );
  const { id, status, version, updated_at } = rows[0];
  res.json({ order: { id, status, version, updated_at } });
});

app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
  res.status(500).json({ error: { code: 'internal', message: error.message } });
});

// LISTEN → ws: each notification reaches the sockets of the guest it names and every admin socket.
const sockets = new Map<string, Set<WebSocket>>();
const server = http.createServer(app);
const wss = new WebSocketServer({ server, path: '/bare/events', perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws, req) => {
  const key = new URL(req.url ?? '/', 'http://bare').searchParams.get('key') ?? '';
  let set = sockets.get(key);
  if (!set) sockets.set(key, (set = new Set()));
  set.add(ws);
  ws.on('close', () => set.delete(ws));
});
const listener = new pg.Client({ connectionString: databaseUrl });
await listener.connect();
listener.on('notification', (message) => {
  const payload = message.payload ?? '';
  const space = payload.indexOf(' ');
  const event = payload.slice(space + 1);
  for (const ws of sockets.get(payload.slice(0, space)) ?? []) ws.send(event);
  for (const ws of sockets.get('admin') ?? []) ws.send(event);
});
await listener.query('LISTEN bare_events');

server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  for (const set of sockets.values()) for (const ws of set) ws.terminate();
});
