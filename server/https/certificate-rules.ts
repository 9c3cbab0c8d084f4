import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { StoredCertificate } from './certificate.repository.ts';

/** Renew once two thirds of a certificate's lifetime have passed (day 60 of Let's Encrypt's 90). */
export function renewsAt(certificate: { notBefore: Date; notAfter: Date }): Date {
  const start = certificate.notBefore.getTime();
  return new Date(start + ((certificate.notAfter.getTime() - start) * 2) / 3);
}

/**
 * Whether a stored certificate may be served for `domain`: from the configured CA (after a
 * switch from staging to production the staging one is not), still valid, for this name,
 * and with the key that belongs to it.
 */
export function servable(certificate: StoredCertificate, domain: string, directoryUrl: string, now = new Date()): boolean {
  if (certificate.directoryUrl !== directoryUrl) return false;
  if (certificate.notAfter.getTime() <= now.getTime()) return false;
  try {
    const leaf = new X509Certificate(certificate.certificatePem);
    return leaf.checkHost(domain) !== undefined && leaf.checkPrivateKey(createPrivateKey(certificate.keyPem));
  } catch {
    return false;
  }
}

/** After failed attempts: 5 minutes, 15, 45, then every 2 hours; a CA counts failed validations. */
export function retryDelayMs(failures: number): number {
  const delays = [5, 15, 45, 120];
  return delays[Math.min(failures, delays.length) - 1]! * 60_000;
}

/** The name a certificate file (TLS_CERT) is for, and until when. */
export function describeCertificateFile(pem: string): { domain: string | null; notAfter: Date } {
  const leaf = new X509Certificate(pem);
  const san = leaf.subjectAltName?.split(', ').find((entry) => entry.startsWith('DNS:'));
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
  return { domain: san?.slice(4) ?? cn ?? null, notAfter: new Date(leaf.validTo) };
}
