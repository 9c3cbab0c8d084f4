import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { configureFromServer, post, subscribe } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import { adminToken, startTestServer, type TestServer } from '../support/server.ts';
import { selfSignedCert, type SelfSignedCert } from '../support/tls.ts';

/**
 * Over HTTPS the Amplify client needs no shim: its wss:// URL is right. The certificate is
 * self-signed (generated here), so this process trusts it the blunt way, as a phone whose
 * owner accepted the warning would.
 */
let server: TestServer;
let tls: SelfSignedCert;
let previousTlsSetting: string | undefined;

beforeAll(async () => {
  tls = selfSignedCert();
  previousTlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  server = await startTestServer({ TLS_CERT: tls.certFile, TLS_KEY: tls.keyFile });
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
});
afterAll(async () => {
  await server?.stop();
  if (previousTlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previousTlsSetting;
  fs.rmSync(path.dirname(tls.certFile), { recursive: true, force: true });
});

it('Amplify subscribes over wss:// and hears what the host posts over https://', async () => {
  expect(server.url.startsWith('https://')).toBe(true);
  const { endpoint } = await configureFromServer(server.url);
  expect(endpoint).toBe(`${server.url}/event`);
  const guest = await createGuestDirect(server, 'Gus');
  const live = await subscribe(`/orders/${guest.user_key}`, guest.access_token);
  await live.ready;
  await post(`/orders/${guest.user_key}`, { over: 'tls' }, await adminToken(server));
  expect(await live.next()).toEqual({ over: 'tls' });
  await live.close();
});
