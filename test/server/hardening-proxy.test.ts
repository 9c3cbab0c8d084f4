import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { clientAddress, parseProxyTrust, type ProxyTrust } from '../../server/http/client-address.ts';
import { DEFAULT_LIMITS } from '../../server/events/realtime-socket.ts';
import { adminToken, startTestServer, type TestServer } from '../support/server.ts';
import { requestFrom } from '../support/http-from.ts';
import { startReverseProxy, type ReverseProxy } from '../support/reverse-proxy.ts';
import { createCode } from './guests-support.ts';

/**
 * The audit's proxy finding, reproduced: with TRUST_PROXY set, Express and the WebSocket
 * upgrade took the leftmost X-Forwarded-For entry, which the client writes itself, so a
 * client rotating it escaped every per-address limit. Here barback runs with
 * TRUST_PROXY=1 behind a reverse proxy that appends the address it saw (as nginx does),
 * and the attacker sends a fresh X-Forwarded-For with every request.
 */

const trust = (raw: string): ProxyTrust => {
  const parsed = parseProxyTrust(raw);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};
const seenAs = (raw: string, peer: string, forwarded?: string | string[]) =>
  clientAddress({ socket: { remoteAddress: peer } as never, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }, trust(raw));

describe('the client address (one helper for HTTP and WebSocket)', () => {
  it('without TRUST_PROXY, X-Forwarded-For is ignored', () => {
    expect(seenAs('', '192.168.1.20', '203.0.113.9')).toBe('192.168.1.20');
    expect(seenAs('false', '192.168.1.20', '203.0.113.9')).toBe('192.168.1.20');
  });

  it('a hop count takes the entry the trusted proxies wrote, never one the client wrote', () => {
    expect(seenAs('1', '10.0.0.2', '203.0.113.9')).toBe('203.0.113.9');
    expect(seenAs('1', '10.0.0.2', 'spoofed, 1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(seenAs('1', '10.0.0.2', ['6.6.6.6', '203.0.113.9'])).toBe('203.0.113.9');
    expect(seenAs('2', '10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.3')).toBe('203.0.113.9');
    expect(seenAs('1', '10.0.0.2')).toBe('10.0.0.2');
  });

  it('proxy addresses: the walk from the right stops at the first address that is not a trusted proxy', () => {
    const proxies = '10.0.0.2, 192.168.50.0/24';
    expect(seenAs(proxies, '10.0.0.2', '6.6.6.6, 203.0.113.9, 192.168.50.7')).toBe('203.0.113.9');
    // A peer that is not a listed proxy is the client, whatever it writes.
    expect(seenAs(proxies, '192.168.1.20', '203.0.113.9')).toBe('192.168.1.20');
  });

  it('true means a proxy or tunnel on this machine: a LAN guest writing X-Forwarded-For is still seen as itself', () => {
    expect(seenAs('true', '127.0.0.1', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(seenAs('true', '::1', '203.0.113.9')).toBe('203.0.113.9');
    expect(seenAs('true', '192.168.1.20', '203.0.113.9')).toBe('192.168.1.20');
  });

  it('malformed entries end the walk at the proxy that passed them on; spellings of one address agree', () => {
    for (const junk of ['unknown', '999.1.1.1', ', , ,', '<script>', '']) expect(seenAs('1', '10.0.0.2', junk)).toBe('10.0.0.2');
    expect(seenAs('1', '::ffff:10.0.0.2', '::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(seenAs('1', '10.0.0.2', '203.0.113.9:51234')).toBe('203.0.113.9');
    expect(seenAs('1', '10.0.0.2', '[2001:DB8::1]:443')).toBe('2001:db8::1');
  });

  it('TRUST_PROXY values that are none of these stop the server with one sentence', () => {
    for (const bad of ['banana', '11', '10.0.0.0/33', '10.0.0.1/8/9', '1.2.3']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(ConfigError);
    }
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.2 , fd00::/8 ' }).trustProxy).toEqual({ kind: 'addresses', addresses: ['10.0.0.2', 'fd00::/8'] });
  });
});

describe('TRUST_PROXY=1 behind a reverse proxy, the client rotating X-Forwarded-For', () => {
  let server: TestServer;
  let proxy: ReverseProxy;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: '1' });
    proxy = await startReverseProxy(server);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('over HTTP: bad invite codes are limited by the address the proxy saw', async () => {
    const answers = [];
    for (let i = 0; i < 15; i++) {
      answers.push(
        await requestFrom(proxy.url, '127.0.0.70', {
          method: 'POST',
          path: '/api/register',
          headers: { 'x-registration-code': crypto.randomUUID(), 'x-forwarded-for': `198.51.100.${i + 1}` },
          body: { username: 'Eve' },
        }),
      );
    }
    expect(answers.slice(0, 10).map((answer) => answer.status)).toEqual(Array(10).fill(401));
    for (const answer of answers.slice(10)) {
      expect(answer.status).toBe(429);
      expect(answer.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    }
    // Nothing else disturbed: another client behind the same proxy joins.
    const code = await createCode(server, await adminToken(server), { max_uses: 1 });
    const joined = await requestFrom(proxy.url, '127.0.0.71', {
      method: 'POST',
      path: '/api/register',
      headers: { 'x-registration-code': code, 'x-forwarded-for': '198.51.100.1' },
      body: { username: 'Ann' },
    });
    expect(joined.status).toBe(201);
  });

  it('over WebSocket: the per-address connection cap counts the address the proxy saw', async () => {
    const cap = DEFAULT_LIMITS.connectionsPerAddress;
    const url = `${proxy.url.replace(/^http/, 'ws')}/event/realtime`;
    const open = (localAddress: string, spoofed: string) =>
      new Promise<{ ws?: WebSocket; status?: number; body?: string }>((resolve, reject) => {
        const ws = new WebSocket(url, ['aws-appsync-event-ws'], { localAddress, headers: { 'x-forwarded-for': spoofed } });
        ws.once('open', () => resolve({ ws }));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        ws.once('error', reject);
      });
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < cap; i++) {
        const opened = await open('127.0.0.72', `10.${i >> 8}.${i & 255}.1`);
        expect(opened.ws, `connection ${i + 1}`).toBeDefined();
        sockets.push(opened.ws!);
      }
      const refused = await open('127.0.0.72', '10.99.99.99');
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body!)).toEqual({ error: { code: 'too_many_connections', message: expect.any(String) } });
      // Nothing else disturbed: another client behind the same proxy connects.
      const other = await open('127.0.0.73', '10.0.0.1');
      expect(other.ws).toBeDefined();
      sockets.push(other.ws!);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });
});
