import { createECDH, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCert } from './tls.ts';

/** A stand-in for a browser push service (a true outside border): records each POST, answers 201. */
export interface FakePushService {
  origin: string;
  /** The request paths received, in order. */
  received: string[];
  /** A PEM file of the service's certificate: pass it as NODE_EXTRA_CA_CERTS so the server trusts it. */
  caFile: string;
  close(): Promise<void>;
}

export async function startFakePushService(): Promise<FakePushService> {
  const tls = selfSignedCert();
  const received: string[] = [];
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.url!);
      res.statusCode = 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    caFile: writeCaFile(tls.cert),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Writes a certificate where NODE_EXTRA_CA_CERTS can name it. */
export function writeCaFile(pem: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'barback-push-ca-')), 'ca.pem');
  fs.writeFileSync(file, pem);
  return file;
}

/** The keys a browser's PushSubscription carries (a real P-256 key and auth secret). */
export function browserKeys(): { p256dh: string; auth: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}
