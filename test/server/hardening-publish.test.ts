import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, startTestServer, type TestServer } from '../support/server.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';

/**
 * The audit's publish finding, reproduced: POST /event read up to 2 MB of body before it
 * looked at the token. The client here announces a 2 MB publish, sends only the first
 * 64 KB, and waits: the refusal must come without the rest of the body.
 */

let server: TestServer;
let admin: string;
let guest: TestGuest;
beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
  guest = await createGuestDirect(server, 'Pub');
});
afterAll(async () => {
  await server?.stop();
});

const TWO_MB = 2 * 1024 * 1024;

/** Starts a publish of `TWO_MB` bytes, sends its first 64 KB and waits for an answer (never the rest). */
function partialPublish(headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: unknown }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/event', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(TWO_MB), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer before the body was sent: the server is waiting for the rest of it')));
    req.on('error', reject);
    req.write(`{"channel":"/a/b","events":["${'x'.repeat(64 * 1024)}`);
  });
}

describe('POST /event checks who publishes before reading the body', () => {
  const cases: [string, () => Record<string, string>, number][] = [
    ['no token', () => ({}), 401],
    ['a forged token', () => ({ authorization: `${admin.slice(0, -4)}AAAA` }), 401],
    ['a guest token', () => ({ authorization: guest.access_token }), 403],
  ];
  for (const [name, headers, status] of cases) {
    it(`a 2 MB publish with ${name} is refused (${status}) before the body is read, and the connection closes`, async () => {
      const answer = await partialPublish(headers());
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }] });
      expect(answer.headers.connection).toBe('close');
    });
  }

  it('nothing else is disturbed: the host still publishes, and the server is healthy', async () => {
    await partialPublish({});
    const res = await fetch(`${server.url}/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: admin },
      body: JSON.stringify({ channel: '/a/b', events: ['{"hello":1}'] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ successful: [{ identifier: expect.any(String), index: 0 }], failed: [] });
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});
