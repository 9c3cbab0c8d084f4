import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { configureFromServer, post, subscribe } from '../support/amplify.ts';
import { createGuestDirect } from '../support/guests.ts';
import { adminToken, startTestServer, type TestServer } from '../support/server.ts';

/**
 * Over HTTPS the Amplify client needs no shim: its wss:// URL is right. The certificate is
 * self-signed (generated here), so this process trusts it the blunt way, as a phone whose
 * owner accepted the warning would.
 */
let server: TestServer;
let dir: string;
let previousTlsSetting: string | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'barback-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  previousTlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  server = await startTestServer({ TLS_CERT: path.join(dir, 'cert.pem'), TLS_KEY: path.join(dir, 'key.pem') });
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
});
afterAll(async () => {
  await server?.stop();
  if (previousTlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previousTlsSetting;
  fs.rmSync(dir, { recursive: true, force: true });
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
