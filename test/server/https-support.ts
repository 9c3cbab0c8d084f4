import https from 'node:https';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import { api } from '../support/server.ts';

/** Resolves every name to this machine, as --host-resolver-rules does for the browser. */
export const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

export interface PeerCertificate {
  serial: string;
  validTo: Date;
  subjectaltname: string | undefined;
}

/**
 * A TLS handshake as a phone makes it: to the server's port, for `name`, trusting only
 * `rootPem` (Pebble's root). Rejects when the certificate does not verify for that name.
 */
export function tlsHandshake(port: number, name: string, rootPem: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: name, ca: rootPem, ALPNProtocols: ['http/1.1'] }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve({ serial: cert.serialNumber, validTo: new Date(cert.valid_to), subjectaltname: cert.subjectaltname });
    });
    socket.on('error', reject);
  });
}

/** An HTTPS request to https://name:port/path resolved to this machine, trusting only `rootPem`. */
export function httpsRequest(
  origin: string,
  path: string,
  rootPem: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${origin}${path}`, { ca: rootPem, lookup: toLoopback, agent: false, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export type HttpsState = 'off' | 'issuing' | 'active' | 'failed';

/** Polls GET /api/admin/https (over the loopback address, never redirected) until `done` holds. */
export async function waitForHttps(
  server: { url: string },
  token: string,
  done: (status: any) => boolean,
  timeoutMs = 90_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  for (;;) {
    const res = await api(server, 'GET', '/api/admin/https', { token });
    last = res.body;
    if (res.status === 200 && done(last)) return last;
    if (Date.now() > deadline) throw new Error(`HTTPS never reached the expected state; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const inState = (...states: HttpsState[]) => (status: { status: HttpsState }) => states.includes(status.status);
