import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../../server/logger.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { lanAddress } from '../../server/network.ts';
import { startAcmeTestbed, type AcmeTestbed } from '../support/acme-testbed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startDuckDnsStandIn, type DuckDnsStandIn } from '../support/dns-stand-ins.ts';
import { createGuestDirect } from '../support/guests.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { missing, withoutPostgres } from '../support/skips.ts';
import { inState, tlsHandshake, toLoopback, waitForHttps } from './https-support.ts';

/** Pebble's certificates live this long here: renewal is due 30 s after issuance. */
const VALIDITY_SECONDS = 45;
const NAME = 'party.duckdns.org';

let testbed: AcmeTestbed;
let duckdns: DuckDnsStandIn;
let testDb: TestDatabase;
let embedded: Database | undefined;
const running: TestServer[] = [];

beforeAll(async () => {
  testbed = await startAcmeTestbed({ validitySeconds: VALIDITY_SECONDS });
  duckdns = await startDuckDnsStandIn(testbed);
  // Instances and restarts share one database, as separate processes on one PostgreSQL would.
  testDb = await createTestDatabase();
  embedded = testDb.databaseUrl ? undefined : await openDatabase({ databaseUrl: undefined, dataDir: testDb.dataDir, logger: createLogger('silent') });
});

afterAll(async () => {
  for (const server of running) await server.stop();
  await embedded?.close();
  await testDb?.drop();
  await duckdns?.stop();
  await testbed?.stop();
});

async function instance(): Promise<{ server: TestServer; token: string }> {
  const server = await startTestServer({ ...testbed.env, ...duckdns.env(NAME) }, { testDb, ...(embedded ? { db: embedded } : {}) });
  running.push(server);
  return { server, token: await adminToken(server) };
}

async function stop(server: TestServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  await server.stop();
}

/** DNS-01 challenges barback published so far. */
const challenges = () => duckdns.calls.filter((call) => call.txt !== undefined && call.clear !== 'true').length;

/**
 * What the CA did, from Pebble's log: certificates issued, and barback answered every
 * authorization Pebble created with a challenge. A renewal usually needs a new one, but Pebble
 * may reuse the still-valid authorization (1 order in 100 here, see acme-testbed.ts), and then
 * there is nothing to publish: the count of challenges alone would not say what was issued.
 */
async function expectIssued(count: number): Promise<void> {
  await expect.poll(() => testbed.issued(), { timeout: 5_000 }).toBe(count);
  expect(challenges(), 'one challenge per authorization the CA created').toBe(testbed.authorizationsCreated());
}

/** A live-events socket over TLS (the AppSync protocol), subscribed to the host's new orders. */
async function liveSocket(port: number, token: string): Promise<{ ws: WebSocket; closed: () => boolean; next: (type: string) => Promise<any> }> {
  const host = `${NAME}:${port}`;
  const auth = { Authorization: token, host };
  const ws = new WebSocket(`wss://${host}/event/realtime`, ['aws-appsync-event-ws', `header-${Buffer.from(JSON.stringify(auth)).toString('base64url')}`], {
    ca: testbed.rootPem,
    lookup: toLoopback,
  });
  let closed = false;
  const received: any[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  ws.on('close', () => (closed = true));
  const next = async (type: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const index = received.findIndex((message) => message.type === type);
      if (index >= 0) return received.splice(index, 1)[0];
      if (Date.now() > deadline) throw new Error(`no ${type} message; got ${JSON.stringify(received)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await next('connection_ack');
  ws.send(JSON.stringify({ type: 'subscribe', id: 'orders', channel: '/admin/new-orders', authorization: auth }));
  await next('subscribe_success');
  return { ws, closed: () => closed, next };
}

describe.skipIf(missing(Boolean(lanAddress()), 'https-renewal', 'needs a non-loopback IPv4 address to point the name at'))('certificates renew by themselves and are shared through the database', { timeout: 240_000 }, () => {
  it('renews at two thirds of the lifetime with no restart: an open WebSocket stays connected, new HTTPS connections get the new certificate', async () => {
    const { server, token } = await instance();
    const issued = await waitForHttps(server, token, inState('active', 'failed'));
    expect(issued.status).toBe('active');
    const certificate = server.ctx.https.certificate!;
    const lifetime = certificate.notAfter.getTime() - certificate.notBefore.getTime();
    expect(Math.abs(Date.parse(issued.renews_at) - (certificate.notBefore.getTime() + (lifetime * 2) / 3))).toBeLessThan(1);
    const before = await tlsHandshake(server.port, NAME, testbed.rootPem);
    const live = await liveSocket(server.port, token);
    await expectIssued(1);
    expect(challenges()).toBe(1);

    const renewed = await waitForHttps(server, token, (s) => s.expires_at !== issued.expires_at);
    expect(renewed).toMatchObject({ status: 'active', reason: null });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(issued.renews_at));
    await expectIssued(2);
    const after = await tlsHandshake(server.port, NAME, testbed.rootPem);
    expect(after.serial).not.toBe(before.serial);
    expect(after.validTo.getTime()).toBeGreaterThan(before.validTo.getTime());

    // The socket opened with the old certificate never dropped and still carries events.
    const guest = await createGuestDirect(server, 'Renata');
    const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0];
    expect((await api(server, 'POST', '/api/orders', { token: guest.access_token, body: { drink_id: drink.id } })).status).toBe(201);
    const data = await live.next('data');
    expect(JSON.parse(data.event)).toMatchObject({ type: 'NEW_ORDER', username: 'Renata' });
    expect(live.closed()).toBe(false);
    live.ws.close();
  });

  it.skipIf(withoutPostgres('https-renewal: a second instance shares the certificate'))('a second instance on the same PostgreSQL serves the same certificate and issues nothing; at the next renewal only one of them asks the CA', async () => {
    const [first] = running;
    const firstToken = await adminToken(first!);
    const issuedBefore = testbed.issued();
    const { server: second, token } = await instance();
    const status = await waitForHttps(second, token, inState('active', 'failed'));
    const current = (await api(first!, 'GET', '/api/admin/https', { token: firstToken })).body;
    expect(status).toMatchObject({ status: 'active', expires_at: current.expires_at });
    const [one, two] = await Promise.all([tlsHandshake(first!.port, NAME, testbed.rootPem), tlsHandshake(second.port, NAME, testbed.rootPem)]);
    expect(two.serial).toBe(one.serial);
    await expectIssued(issuedBefore);

    // Both reach the renewal time; the issuer lock lets one ask, the other finds its result.
    const renewedFirst = await waitForHttps(first!, firstToken, (s) => s.expires_at !== current.expires_at);
    const renewedSecond = await waitForHttps(second, token, (s) => s.expires_at !== current.expires_at);
    expect(renewedSecond.expires_at).toBe(renewedFirst.expires_at);
    await expectIssued(issuedBefore + 1);
    const [three, four] = await Promise.all([tlsHandshake(first!.port, NAME, testbed.rootPem), tlsHandshake(second.port, NAME, testbed.rootPem)]);
    expect(four.serial).toBe(three.serial);
    expect(three.serial).not.toBe(one.serial);
    await stop(second);
  });

  it('with the ACME server unreachable, a restart serves the stored certificate, a failed renewal keeps it until it expires, then plain HTTP says why', async () => {
    await testbed.stopPebble();
    const [previous] = running;
    const stored = previous!.ctx.https.certificate!;
    await stop(previous!);

    const { server, token } = await instance();
    const lines: string[] = [];
    server.ctx.https.onStep((line) => lines.push(line));
    const restarted = await waitForHttps(server, token, inState('active', 'failed'));
    expect(restarted).toMatchObject({ status: 'active', expires_at: stored.notAfter.toISOString() });
    expect(lines[0]).toMatch(/^Using the stored certificate for party\.duckdns\.org, valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    const served = await tlsHandshake(server.port, NAME, testbed.rootPem);

    const failing = await waitForHttps(server, token, (s) => s.reason !== null);
    expect(failing).toMatchObject({ status: 'active', expires_at: stored.notAfter.toISOString() });
    expect(failing.reason).toMatch(/^Could not reach the ACME server at 127\.0\.0\.1:\d+ \(connection refused\)\.$/);
    expect((await tlsHandshake(server.port, NAME, testbed.rootPem)).serial).toBe(served.serial);

    const expired = await waitForHttps(server, token, inState('failed'));
    expect(expired.reason).toMatch(/^The certificate expired at .* and could not be renewed: Could not reach the ACME server/);
    expect(Date.now()).toBeGreaterThanOrEqual(stored.notAfter.getTime());
    await expect(tlsHandshake(server.port, NAME, testbed.rootPem)).rejects.toThrow();
    const code = await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 1 } });
    expect(code.body.join_url).toMatch(/^http:\/\//);
  });
});
