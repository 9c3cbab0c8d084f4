import fs from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { RequestHandler } from 'express';
import type { SecretBox } from '../auth/secret-box.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { isLoopbackHost, lanAddress } from '../network.ts';
import type { HttpsStatus } from '../../shared/schemas/https.ts';
import { CertificateRepository, type StoredCertificate } from './certificate.repository.ts';
import { describeCertificateFile, renewsAt, servable } from './certificate-rules.ts';
import type { LanResolution } from './lan-resolution.ts';
import { HttpsSetupError, trustedAgent } from './outbound.ts';
import { runRenewals } from './renewal-scheduler.ts';
import { SamePortTls } from './same-port-tls.ts';
import type { HttpsSettings } from './settings.ts';

/** "2027-03-01 14:05 UTC": the banner and logs are read by people. */
export const formatTime = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * HTTPS for the party's Wi-Fi: serves the certificate every instance shares, has it obtained
 * and renewed (renewal-scheduler.ts), redirects plain HTTP once it is active, and says what
 * is happening: step lines for the banner and logs, and a status for the board.
 */
export class HttpsService {
  readonly ready: Promise<void>;
  readonly repository: CertificateRepository;
  readonly agent: https.Agent;
  private resolveReady!: () => void;
  private state: HttpsStatus['status'] = 'off';
  private reason: string | null = null;
  private step: string | null = null;
  private current: StoredCertificate | undefined;
  private resolution: LanResolution | undefined;
  private lan: string | undefined;
  private file: { domain: string | null; notAfter: Date } | undefined;
  private tls: SamePortTls | undefined;
  private server: http.Server | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly history: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();

  constructor(
    private readonly config: Config,
    db: Database,
    secrets: SecretBox,
    private readonly logger: Logger,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.repository = new CertificateRepository(db, secrets);
    this.agent = trustedAgent(config.https?.extraCaPem);
  }

  get settings(): HttpsSettings | undefined {
    return this.config.tlsCert ? undefined : this.config.https;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Loads the stored certificate (served from the first connection on) and starts the renewals. */
  async start(): Promise<void> {
    if (this.config.tlsCert) {
      this.file = describeCertificateFile(fs.readFileSync(this.config.tlsCert, 'utf8'));
      this.state = 'active';
      if (this.config.https) this.reason = 'TLS_CERT and TLS_KEY are set, so HTTPS_DOMAIN is not used.';
    }
    const settings = this.settings;
    if (!settings) return this.resolveReady();
    this.state = 'issuing';
    const stored = await this.repository.load(settings.domain);
    if (stored && servable(stored, settings.domain, settings.directoryUrl)) {
      this.activate(stored, 'stored');
      // Serving is settled; DNS and renewal news (maybe slow without internet) follow the banner.
      this.resolveReady();
    }
    this.loop = runRenewals(this, settings).catch((error: unknown) => this.logger.error({ err: error }, 'https: renewals stopped'));
  }

  /** TLS on the server's own port, with the current certificate and every later one. */
  attach(server: http.Server): void {
    if (!this.settings) return;
    this.server = server;
    this.tls = new SamePortTls(server);
    if (this.current) this.tls.use(this.current.certificatePem, this.current.keyPem);
  }

  /** `https://HTTPS_DOMAIN:PORT` while a certificate is active; what join links and redirects use. */
  origin(): string | undefined {
    const port = (this.server?.address() as AddressInfo | null)?.port;
    if (!this.current || !port || !this.settings) return undefined;
    return `https://${this.settings.domain}${port === 443 ? '' : `:${port}`}`;
  }

  /**
   * Plain-HTTP requests go to the HTTPS origin once it works, so no guest keeps using (or
   * shares) an http:// link. Temporary (307): HTTPS can stop if a certificate lapses. Two
   * exceptions: this laptop's own http://localhost (already a secure context for browsers),
   * and API calls (/api/…, /event) made by a page opened before HTTPS came on: a browser
   * cannot follow them to another origin, and that page's queued orders would never be sent.
   */
  readonly redirect: RequestHandler = (req, res, next) => {
    const origin = this.origin();
    if (!origin || req.secure || isLoopbackHost(req.get('host') ?? 'localhost')) return next();
    if (req.path.startsWith('/api/') || req.path === '/event') return next();
    res.set('Cache-Control', 'no-store').redirect(307, `${origin}${req.originalUrl}`);
  };

  status(): HttpsStatus {
    const settings = this.settings;
    const expires = this.current?.notAfter ?? this.file?.notAfter;
    return {
      status: this.state,
      domain: settings?.domain ?? this.file?.domain ?? null,
      expires_at: expires?.toISOString() ?? null,
      reason: this.reason,
      resolves_to_lan: this.resolution?.resolvesToLan ?? null,
      provider: this.file ? 'files' : (settings?.dns.provider ?? null),
      step: this.step,
      renews_at: this.current ? renewsAt(this.current).toISOString() : null,
      origin: this.origin() ?? null,
      lan_address: settings ? (this.lan ?? null) : null,
      resolved_to: this.resolution?.addresses ?? null,
    };
  }

  /** Every step line so far, then each new one (the banner prints them as they come). */
  onStep(listener: (line: string) => void): () => void {
    for (const line of this.history) listener(line);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The address the name should point at: HOST when it is one specific address, else the LAN address. */
  lanAddress(): string | undefined {
    const host = this.config.host;
    this.lan = net.isIPv4(host) && host !== '0.0.0.0' && !isLoopbackHost(host) ? host : lanAddress();
    return this.lan;
  }

  get certificate(): StoredCertificate | undefined {
    return this.current;
  }

  // What the scheduler reports. Each is a no-op once closing: late answers change nothing.

  /** Serves `certificate` from now on. */
  activate(certificate: StoredCertificate, how: 'stored' | 'issued' | 'shared'): void {
    if (this.signal.aborted) return;
    this.current = certificate;
    this.tls?.use(certificate.certificatePem, certificate.keyPem);
    this.state = 'active';
    this.reason = null;
    this.step = null;
    const until = `valid until ${formatTime(certificate.notAfter)}`;
    const lead = { stored: 'Using the stored certificate', issued: 'Certificate obtained', shared: 'Using the certificate another instance obtained' }[how];
    this.note(`${lead} for ${certificate.domain}, ${until}.`);
  }

  progress(text: string, needsHost = false): void {
    if (this.signal.aborted) return;
    this.step = text;
    this.note(text);
    // The host has to act (manual DNS): the banner should not wait any longer.
    if (needsHost) this.resolveReady();
  }

  resolved(resolution: LanResolution | undefined, line: string): void {
    if (this.signal.aborted) return;
    this.resolution = resolution;
    this.note(line);
  }

  failed(error: unknown, retryAt: Date): void {
    if (this.signal.aborted) return;
    const message = error instanceof HttpsSetupError ? error.message : `Unexpected error: ${String((error as Error)?.message ?? error)}.`;
    if (!(error instanceof HttpsSetupError)) this.logger.error({ err: error }, 'https: unexpected failure');
    this.reason = message;
    this.step = null;
    const retry = `next try at ${formatTime(retryAt)}`;
    if (this.current) {
      this.note(`${message} The current certificate serves until ${formatTime(this.current.notAfter)}; ${retry}.`);
    } else {
      this.state = 'failed';
      this.note(`HTTPS is off: ${message} Guests use plain HTTP meanwhile; ${retry}.`);
    }
    this.logger.warn({ https: message }, 'https: certificate not obtained');
  }

  /** A later round went well: a renewal or DNS failure no longer stands. */
  recovered(): void {
    if (this.current) this.reason = null;
  }

  /** The certificate lapsed without a renewal: back to plain HTTP, which phones still accept. */
  expired(): void {
    if (!this.current || this.signal.aborted) return;
    const when = formatTime(this.current.notAfter);
    this.current = undefined;
    this.tls?.stop();
    this.state = 'failed';
    this.reason = `The certificate expired at ${when} and could not be renewed${this.reason ? `: ${this.reason}` : '.'}`;
    this.note(`HTTPS is off: ${this.reason}`);
  }

  firstRoundDone(): void {
    this.resolveReady();
  }

  async close(): Promise<void> {
    this.abort.abort();
    this.tls?.close();
    this.resolveReady();
    // An ACME request under way may take its time; its answer is dropped (see activate).
    await Promise.race([this.loop, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    this.agent.destroy();
  }

  private note(line: string): void {
    this.history.push(line);
    if (this.history.length > 100) this.history.shift();
    this.logger.info({ https: line }, 'https');
    for (const listener of this.listeners) listener(line);
  }
}
