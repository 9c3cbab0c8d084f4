import http from 'node:http';
import net from 'node:net';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or its text when it is not JSON. */
  body: any;
  ms: number;
}

/**
 * One request from a chosen source address (all of 127.0.0.0/8 is this machine), so a test
 * can be several clients at once; each request has its own connection. A server that does
 * not answer within `timeoutMs` fails the test as a hang.
 */
export function requestFrom(
  baseUrl: string,
  localAddress: string,
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown },
  timeoutMs = 20_000,
): Promise<Answer> {
  const url = new URL(baseUrl);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { connection: 'close', ...request.headers };
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, localAddress, method: request.method, path: request.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: the test sees the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms: ${request.method} ${request.path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw TCP connection from `localAddress` that stays open until the server or the test closes it. */
export function connectFrom(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: the client never closes its side on its own, as a hostile client would not.
    const socket = net.connect({ host: '127.0.0.1', port, localAddress, allowHalfOpen: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

