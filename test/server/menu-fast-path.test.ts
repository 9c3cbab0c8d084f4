import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

/**
 * `GET /api/drinks` and `/api/sections` are answered before the Express stack once the menu is
 * cached (server/menu/menu-fast-path.ts). The same URL with an empty query string (`?`) always
 * goes through Express's menu routes, so the two answers can be compared byte for byte.
 */
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await adminToken(server);
});
afterAll(async () => {
  await server?.stop();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function raw(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, server.url), { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

const comparable = ({ date: _date, ...headers }: http.IncomingHttpHeaders) => headers;

describe('the menu answered before Express', () => {
  for (const path of ['/api/drinks', '/api/sections']) {
    it(`${path}: the same status, headers and bytes as the Express route, full and 304`, async () => {
      await raw(`${path}?`); // warms the cache
      const fast = await raw(path);
      const routed = await raw(`${path}?`);
      expect(fast.status).toBe(200);
      expect(comparable(fast.headers)).toEqual(comparable(routed.headers));
      expect(fast.body.equals(routed.body)).toBe(true);
      expect(fast.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.parse(fast.body.toString())).toBeTypeOf('object');

      const etag = fast.headers.etag!;
      const fast304 = await raw(path, { 'If-None-Match': etag });
      const routed304 = await raw(`${path}?`, { 'If-None-Match': etag });
      expect(fast304.status).toBe(304);
      expect(fast304.body.length).toBe(0);
      expect(comparable(fast304.headers)).toEqual(comparable(routed304.headers));
    });
  }

  it('a phone that accepts gzip gets the same JSON compressed, with its own ETag; either ETag is a 304 on both paths', async () => {
    for (const path of ['/api/drinks', '/api/sections']) {
      await raw(`${path}?`);
      const plain = await raw(path);
      const zipped = await raw(path, { 'Accept-Encoding': 'gzip, deflate, br' });
      const routed = await raw(`${path}?`, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toBe('Accept-Encoding');
      expect(plain.headers.vary).toBe('Accept-Encoding');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
      expect(zipped.body.length).toBeLessThan(plain.body.length);
      expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
      expect(comparable(zipped.headers)).toEqual(comparable(routed.headers));
      expect(zipped.body.equals(routed.body)).toBe(true);
      expect(zipped.headers.etag).not.toBe(plain.headers.etag);
      for (const held of [plain.headers.etag!, zipped.headers.etag!, `W/${zipped.headers.etag!}`, `"other", ${plain.headers.etag!}`]) {
        for (const url of [path, `${path}?`]) {
          const again = await raw(url, { 'Accept-Encoding': 'gzip', 'If-None-Match': held });
          expect([url, held, again.status, again.body.length]).toEqual([url, held, 304, 0]);
          expect(again.headers.etag).toBe(zipped.headers.etag);
        }
      }
      // gzip refused (q=0) or not offered: the plain bytes.
      for (const header of ['gzip;q=0', 'identity', 'br']) {
        const refused = await raw(path, { 'Accept-Encoding': header });
        expect([header, refused.headers['content-encoding']]).toEqual([header, undefined]);
        expect(refused.body.equals(plain.body)).toBe(true);
      }
      expect((await raw(path, { 'Accept-Encoding': '*' })).headers['content-encoding']).toBe('gzip');
    }
  });

  it('a menu change is served at once: new bytes and ETag, the old ETag no longer matches', async () => {
    const before = await raw('/api/drinks');
    const drink = JSON.parse(before.body.toString()).drinks[0] as { id: string; name: string };
    const renamed = `${drink.name} (fast path)`;
    const put = await api(server, 'PUT', `/api/admin/drinks/${drink.id}`, { token: admin, body: { name: renamed } });
    expect(put.status).toBe(200);
    const after = await raw('/api/drinks', { 'If-None-Match': before.headers.etag! });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body.toString()).toContain(renamed);
  });

  it('other methods and HEAD still go through Express', async () => {
    const post = await api(server, 'POST', '/api/drinks', { body: {} });
    expect(post.status).toBe(404);
    const head = await new Promise<number>((resolve, reject) => {
      const req = http.request(new URL('/api/drinks', server.url), { method: 'HEAD', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(head).toBe(200);
  });
});
