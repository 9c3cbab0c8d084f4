import { Resolver } from 'node:dns';
import path from 'node:path';
import { parseProxyTrust, type ProxyTrust } from './http/client-address.ts';
import { parseSecretsKey } from './auth/secret-box.ts';
import { extraCertificates, loadHttpsSettings, type HttpsSettings } from './https/settings.ts';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Automatic certificates (HTTPS_DOMAIN and its DNS provider); TLS_CERT/TLS_KEY win when set. */
  https: HttpsSettings | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  maxActiveOrders: number;
  guestTokenTtl: number;
  adminTokenTtl: number;
  refreshReuseGrace: number;
  /** Who may say, in X-Forwarded-For, which address a request comes from. */
  trustProxy: ProxyTrust;
  /** SECRETS_KEY: encrypts the private keys stored in the database (see server/auth/secrets-key.ts). */
  secretsKey: Buffer | undefined;
  eventsUpstreamUrl: string | undefined;
  eventsUpstreamApiKey: string | undefined;
  pushEndpointHosts: string[];
  /** A DNS server (an IP, optionally with a port) the push reachability probe asks instead of the system's. */
  pushProbeDns: string | undefined;
  /** Certificates trusted beside the system's for outgoing HTTPS (NODE_EXTRA_CA_CERTS, read as a setting). */
  extraCaPem: string | undefined;
  logLevel: string;
  /** Where the built client lives; the server serves it when present. */
  clientDir: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}".`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}.`);
  return value;
}

export function optionalUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}".`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}".`);
  }
  return raw.replace(/\/+$/, '');
}

function proxyTrust(env: Env): ProxyTrust {
  const trust = parseProxyTrust(env.TRUST_PROXY);
  if (typeof trust === 'string') throw new ConfigError(trust);
  return trust;
}

/** A DNS server address as Node's resolver takes it: an IP, optionally with a port. */
function dnsServer(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    new Resolver().setServers([raw]);
  } catch {
    throw new ConfigError(`${name} must be a DNS server's IP address, optionally with a port (1.1.1.1, 127.0.0.1:5353, [::1]:53), got "${raw}".`);
  }
  return raw;
}

/** `memory://` (tests) keeps the embedded database in memory; anything else is a folder. */
function dataDirectory(raw: string): string {
  return raw === 'memory://' ? raw : path.resolve(raw);
}

function secretsKey(env: Env): Buffer | undefined {
  const raw = env.SECRETS_KEY?.trim();
  if (!raw) return undefined;
  try {
    return parseSecretsKey(raw);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Reads and checks the settings; every bad value is one readable sentence. */
export function loadConfig(env: Env = process.env): Config {
  const tlsCert = env.TLS_CERT?.trim() || undefined;
  const tlsKey = env.TLS_KEY?.trim() || undefined;
  if (Boolean(tlsCert) !== Boolean(tlsKey)) {
    throw new ConfigError('TLS_CERT and TLS_KEY must be set together (both PEM file paths) or not at all.');
  }
  const adminEmail = env.ADMIN_EMAIL?.trim() || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together.');
  }
  if (adminPassword !== undefined && adminPassword.length < 10) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 10 characters long.');
  }
  const host = env.HOST?.trim() || '0.0.0.0';
  const databaseUrl = optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl: databaseUrl ? env.DATABASE_URL!.trim() : undefined,
    dataDir: dataDirectory(env.DATA_DIR?.trim() || './data'),
    publicUrl: optionalUrl(env, 'PUBLIC_URL', ['http:', 'https:']),
    tlsCert,
    tlsKey,
    https: loadHttpsSettings(env),
    adminEmail,
    adminPassword,
    maxActiveOrders: integer(env, 'MAX_ACTIVE_ORDERS', 3, 1, 1000),
    guestTokenTtl: integer(env, 'GUEST_TOKEN_TTL', 14_400, 60, 86_400),
    adminTokenTtl: integer(env, 'ADMIN_TOKEN_TTL', 43_200, 60, 86_400),
    refreshReuseGrace: integer(env, 'REFRESH_REUSE_GRACE', 30, 0, 30),
    trustProxy: proxyTrust(env),
    secretsKey: secretsKey(env),
    eventsUpstreamUrl: optionalUrl(env, 'EVENTS_UPSTREAM_URL', ['http:', 'https:']),
    eventsUpstreamApiKey: env.EVENTS_UPSTREAM_API_KEY?.trim() || undefined,
    pushEndpointHosts: (env.PUSH_ENDPOINT_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    pushProbeDns: dnsServer(env, 'PUSH_PROBE_DNS'),
    extraCaPem: extraCertificates(env.NODE_EXTRA_CA_CERTS?.trim()),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    clientDir: path.resolve(env.CLIENT_DIR?.trim() || 'dist'),
  };
}
