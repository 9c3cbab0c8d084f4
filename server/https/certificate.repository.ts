import pg from 'pg';
import type { SecretBox } from '../auth/secret-box.ts';
import { SECRET_CONTEXT } from '../auth/stored-secrets.ts';
import type { Database, Queryable } from '../db/database.ts';

export interface StoredCertificate {
  domain: string;
  directoryUrl: string;
  /** The leaf certificate followed by its chain, PEM. */
  certificatePem: string;
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
}

interface CertificateRow {
  domain: string;
  directory_url: string;
  certificate_pem: string;
  not_before: Date;
  not_after: Date;
}

// Any fixed number other than the migrations' lock: one issuer at a time across instances.
const ISSUER_LOCK = 727_013;

const certificateKeyName = (domain: string) => `certificate ${domain}`;
const accountKeyName = (directoryUrl: string) => `acme-account ${directoryUrl}`;

/** Certificates, their keys and the ACME account key, shared by every instance. */
export class CertificateRepository {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
  ) {}

  /** The one place a private key is written: sealed with the server's secrets key (see secret-box.ts). */
  async saveKey(q: Queryable, name: string, keyPem: string): Promise<void> {
    await q.query(
      `INSERT INTO https_private_keys (name, key_pem) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET key_pem = EXCLUDED.key_pem, updated_at = now()`,
      [name, this.secrets.seal(keyPem, SECRET_CONTEXT.httpsKey(name))],
    );
  }

  /** The one place a private key is read back. */
  async loadKey(q: Queryable, name: string): Promise<string | undefined> {
    const { rows } = await q.query<{ key_pem: string }>('SELECT key_pem FROM https_private_keys WHERE name = $1', [name]);
    return rows[0] && this.secrets.open(rows[0].key_pem, SECRET_CONTEXT.httpsKey(name));
  }

  async load(domain: string): Promise<StoredCertificate | undefined> {
    const { rows } = await this.db.query<CertificateRow>(
      'SELECT domain, directory_url, certificate_pem, not_before, not_after FROM https_certificates WHERE domain = $1',
      [domain],
    );
    const row = rows[0];
    if (!row) return undefined;
    const keyPem = await this.loadKey(this.db, certificateKeyName(domain));
    if (!keyPem) return undefined;
    return {
      domain: row.domain,
      directoryUrl: row.directory_url,
      certificatePem: row.certificate_pem,
      keyPem,
      notBefore: row.not_before,
      notAfter: row.not_after,
    };
  }

  /** The certificate and its key together, or neither. */
  async save(certificate: StoredCertificate): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.saveKey(tx, certificateKeyName(certificate.domain), certificate.keyPem);
      await tx.query(
        `INSERT INTO https_certificates (domain, directory_url, certificate_pem, not_before, not_after)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (domain) DO UPDATE SET directory_url = EXCLUDED.directory_url,
           certificate_pem = EXCLUDED.certificate_pem, not_before = EXCLUDED.not_before,
           not_after = EXCLUDED.not_after, issued_at = now()`,
        [certificate.domain, certificate.directoryUrl, certificate.certificatePem, certificate.notBefore, certificate.notAfter],
      );
    });
  }

  /** The ACME account key for a directory, made on first use (under the issuer lock). */
  async accountKey(directoryUrl: string, create: () => Promise<string>): Promise<string> {
    const name = accountKeyName(directoryUrl);
    const existing = await this.loadKey(this.db, name);
    if (existing) return existing;
    const fresh = await create();
    await this.saveKey(this.db, name, fresh);
    return fresh;
  }

  /**
   * Runs `work` while holding the issuer lock, so one instance at a time talks to the CA.
   * PostgreSQL: a session advisory lock on a connection of its own (it dies with the
   * process, so a crashed issuer never blocks the others). The embedded database serves a
   * single process, which issues one certificate at a time anyway.
   */
  async withIssuerLock<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (this.db.kind === 'embedded' || !this.db.connectionString) return work();
    const client = new pg.Client({ connectionString: this.db.connectionString });
    client.on('error', () => undefined);
    await client.connect();
    const abort = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', abort);
    if (signal.aborted) abort();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [ISSUER_LOCK]);
      return await work();
    } finally {
      signal.removeEventListener('abort', abort);
      await client.end().catch(() => undefined);
    }
  }
}
