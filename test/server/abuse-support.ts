import http from 'node:http';
import { expect } from 'vitest';

/** Helpers shared by the abuse-*.test.ts files: raw requests and the "clean answer" rule. */

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * One request over node:http, so the test controls every byte: any method with a body,
 * any content type, header values in latin1. A server that does not answer within
 * `timeoutMs` fails the test as a hang.
 */
export function send(baseUrl: string, request: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  // Node frames a DELETE or GET body only with an explicit length.
  const length = request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers: { connection: 'close', ...length, ...request.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms: ${request.method} ${request.path}`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

const SNAKE = /^[a-z][a-z0-9_]*$/;

/**
 * What every answer to bad input must look like: never a 5xx, and every 4xx a JSON error
 * envelope `{error:{code,message}}` (HEAD answers carry no body to check).
 */
export function expectCleanAnswer(res: RawAnswer, what: string): void {
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400 || what.startsWith('HEAD ')) return;
  expect(res.headers['content-type'], `${what}: content type of a ${res.status}`).toMatch(/^application\/json/);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new Error(`${what}: a ${res.status} whose body is not JSON: ${res.text.slice(0, 200)}`);
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(typeof error?.code === 'string' && SNAKE.test(error.code), `${what}: envelope ${res.text.slice(0, 300)}`).toBe(true);
  expect(typeof error?.message, `${what}: envelope message`).toBe('string');
  expect(Object.keys(body as object), `${what}: nothing beside "error"`).toEqual(['error']);
}

/** A JSON object written by hand, so keys such as `__proto__` reach the server literally. */
export function rawObject(entries: [string, unknown][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;
}
