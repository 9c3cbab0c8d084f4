import { createECDH, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { api, type TestServer } from './server.ts';
import { selfSignedCert } from './tls.ts';
import { writeCaFile } from './push-service.ts';

/**
 * A stand-in browser push service (a true outside border) that also plays the phones: each
 * subscription made through it gets real keys, and what the server sends is decrypted, so a
 * test reads the JSON a service worker would get.
 */
export interface PushInbox {
  /** Subscribes the guest's "phone" through the real API; returns the endpoint path. */
  subscribe(server: TestServer, guestToken: string): Promise<string>;
  /** Decrypted messages received for one endpoint path, in order. */
  messages(path: string): unknown[];
  /** A CA file that makes the server trust this service (pass it as NODE_EXTRA_CA_CERTS). */
  caFile: string;
  close(): Promise<void>;
}

export async function startPushInbox(): Promise<PushInbox> {
  const tls = selfSignedCert();
  const received: { path: string; body: Buffer }[] = [];
  const phones = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: string }>();
  const service = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url!, body: Buffer.concat(chunks) });
      res.statusCode = 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(service.address() as AddressInfo).port}`;
  return {
    caFile: writeCaFile(tls.cert),
    async subscribe(server, guestToken) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      const path = `/push/${randomBytes(8).toString('hex')}`;
      const res = await api(server, 'POST', '/api/push/subscriptions', {
        token: guestToken,
        body: { endpoint: `${origin}${path}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } },
      });
      if (res.status !== 201) throw new Error(`push subscribe: ${res.status} ${JSON.stringify(res.body)}`);
      phones.set(path, { ecdh, auth });
      return path;
    },
    messages(path) {
      const phone = phones.get(path)!;
      return received
        .filter((r) => r.path === path)
        .map((r) => JSON.parse(ece.decrypt(r.body, { version: 'aes128gcm', privateKey: phone.ecdh, authSecret: phone.auth }).toString()));
    },
    close: () => new Promise((resolve) => service.close(() => resolve())),
  };
}
