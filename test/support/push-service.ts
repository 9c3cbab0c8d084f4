import { createECDH, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ece from 'http_ece';
import { api, type TestServer } from './server.ts';
import { selfSignedCert } from './tls.ts';

/** One request the push service received. */
export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A browser's push keys: the phone's key pair and auth secret, and how a PushSubscription carries them. */
export interface BrowserKeys {
  ecdh: ReturnType<typeof createECDH>;
  /** The subscription's `keys` object. */
  p256dh: string;
  auth: string;
}

/**
 * The one stand-in for a browser push service (a true outside border). It records every
 * request, answers 201 unless a test queued other statuses for a path, and also plays the
 * phones: a subscription made through `subscribe` gets real keys, so `messages` reads the JSON
 * a service worker would get.
 */
export interface PushService {
  origin: string;
  /** A PEM file of the service's certificate: pass it as NODE_EXTRA_CA_CERTS so the server trusts it. */
  caFile: string;
  /** Every request received, in order. */
  received: ReceivedPush[];
  /** The paths received, in order. */
  paths(): string[];
  /** The requests received for one path. */
  to(path: string): ReceivedPush[];
  /** Statuses to answer for a path, in turn (then 201 again). */
  answer(path: string, ...statuses: number[]): void;
  /** Subscribes a guest's phone through the real API (throws unless 201); returns the endpoint path. */
  subscribe(server: TestServer, guestToken: string, path?: string): Promise<string>;
  /** The keys of a phone subscribed through `subscribe`. */
  keysOf(path: string): BrowserKeys;
  /** The messages received for a path, decrypted with its phone's keys. */
  messages(path: string): unknown[];
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const tls = selfSignedCert();
  const received: ReceivedPush[] = [];
  const answers = new Map<string, number[]>();
  const phones = new Map<string, BrowserKeys>();
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = answers.get(req.url!)?.shift() ?? 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const to = (p: string) => received.filter((r) => r.path === p);
  return {
    origin,
    caFile: writeCaFile(tls.cert),
    received,
    paths: () => received.map((r) => r.path),
    to,
    answer: (p, ...statuses) => answers.set(p, statuses),
    async subscribe(testServer, guestToken, p = `/push/${randomBytes(8).toString('hex')}`) {
      const keys = browserKeys();
      const res = await api(testServer, 'POST', '/api/push/subscriptions', {
        token: guestToken,
        body: { endpoint: `${origin}${p}`, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      });
      if (res.status !== 201) throw new Error(`push subscribe ${p}: ${res.status} ${JSON.stringify(res.body)}`);
      phones.set(p, keys);
      return p;
    },
    keysOf: (p) => phones.get(p)!,
    messages(p) {
      const phone = phones.get(p)!;
      return to(p).map((r) => JSON.parse(ece.decrypt(r.body, { version: 'aes128gcm', privateKey: phone.ecdh, authSecret: phone.auth }).toString()) as unknown);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Writes a certificate where NODE_EXTRA_CA_CERTS can name it. */
function writeCaFile(pem: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'barback-push-ca-')), 'ca.pem');
  fs.writeFileSync(file, pem);
  return file;
}

/** The keys a browser's PushSubscription carries (a real P-256 key pair and auth secret). */
export function browserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

/** A PushSubscription's `keys` object, with fresh real keys. */
export function subscriptionKeys(): { p256dh: string; auth: string } {
  const { p256dh, auth } = browserKeys();
  return { p256dh, auth };
}
