import fs from 'node:fs';
import net from 'node:net';
import { ConfigError, optionalUrl } from '../config.ts';

export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';
export const LETS_ENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

export type DnsSettings =
  | { provider: 'duckdns'; token: string; apiUrl: string }
  | { provider: 'cloudflare'; token: string; apiUrl: string }
  | { provider: 'manual' };

/** Automatic certificates for HTTPS_DOMAIN (see README, "HTTPS on a LAN"). */
export interface HttpsSettings {
  domain: string;
  dns: DnsSettings;
  directoryUrl: string;
  email: string | undefined;
  /** NODE_EXTRA_CA_CERTS, trusted for the ACME server and the DNS providers besides the usual roots. */
  extraCaPem: string | undefined;
  /** HTTPS_RESOLVER: the DNS servers asked where the name points and whether a record is visible. */
  resolver: string[] | undefined;
}

type Env = Record<string, string | undefined>;

const DNS_NAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DUCKDNS_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const API_TOKEN = /^[\x21-\x7e]{20,400}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The HTTPS settings, checked like every other one (called by loadConfig): each bad value
 * is one sentence. Tokens are never echoed back.
 */
export function loadHttpsSettings(env: Env): HttpsSettings | undefined {
  const domain = env.HTTPS_DOMAIN?.trim().toLowerCase().replace(/\.$/, '') || undefined;
  const duckdns = env.DUCKDNS_TOKEN?.trim() || undefined;
  const cloudflare = env.CLOUDFLARE_API_TOKEN?.trim() || undefined;
  const manualRaw = env.HTTPS_DNS?.trim() || undefined;
  if (manualRaw !== undefined && manualRaw !== 'manual') {
    throw new ConfigError(`HTTPS_DNS must be "manual" (DuckDNS and Cloudflare are chosen by their token), got "${manualRaw}".`);
  }
  const chosen = [duckdns && 'DUCKDNS_TOKEN', cloudflare && 'CLOUDFLARE_API_TOKEN', manualRaw && 'HTTPS_DNS=manual'].filter(Boolean);
  if (chosen.length > 1) throw new ConfigError(`Set only one of DUCKDNS_TOKEN, CLOUDFLARE_API_TOKEN and HTTPS_DNS=manual; got ${chosen.join(' and ')}.`);
  if (!domain) {
    if (chosen.length) throw new ConfigError(`${chosen[0]} is set but HTTPS_DOMAIN is not: set HTTPS_DOMAIN to the name guests use, e.g. mybar.duckdns.org.`);
    return undefined;
  }
  if (!DNS_NAME.test(domain)) throw new ConfigError(`HTTPS_DOMAIN must be a DNS name such as mybar.duckdns.org, got "${env.HTTPS_DOMAIN}".`);
  if (!chosen.length) throw new ConfigError('HTTPS_DOMAIN needs a DNS provider: set DUCKDNS_TOKEN, CLOUDFLARE_API_TOKEN or HTTPS_DNS=manual.');

  let dns: DnsSettings;
  if (duckdns) {
    if (!domain.endsWith('.duckdns.org')) {
      throw new ConfigError(`With DUCKDNS_TOKEN, HTTPS_DOMAIN must be a name under duckdns.org (e.g. mybar.duckdns.org), got "${domain}".`);
    }
    if (!DUCKDNS_TOKEN.test(duckdns)) throw new ConfigError('DUCKDNS_TOKEN must be the token shown on duckdns.org (36 characters, like 1a2b3c4d-…).');
    dns = { provider: 'duckdns', token: duckdns, apiUrl: optionalUrl(env, 'DUCKDNS_API_URL', ['https:', 'http:']) ?? 'https://www.duckdns.org' };
  } else if (cloudflare) {
    if (!API_TOKEN.test(cloudflare)) throw new ConfigError('CLOUDFLARE_API_TOKEN does not look like a Cloudflare API token (20 or more letters and digits, no spaces).');
    dns = {
      provider: 'cloudflare',
      token: cloudflare,
      apiUrl: optionalUrl(env, 'CLOUDFLARE_API_URL', ['https:', 'http:']) ?? 'https://api.cloudflare.com/client/v4',
    };
  } else {
    dns = { provider: 'manual' };
  }

  const email = env.ACME_EMAIL?.trim() || undefined;
  if (email && !EMAIL.test(email)) throw new ConfigError(`ACME_EMAIL must be an email address, got "${email}".`);
  return {
    domain,
    dns,
    directoryUrl: optionalUrl(env, 'ACME_DIRECTORY_URL', ['https:']) ?? LETS_ENCRYPT,
    email,
    extraCaPem: extraCertificates(env.NODE_EXTRA_CA_CERTS?.trim()),
    resolver: resolverAddresses(env.HTTPS_RESOLVER?.trim()),
  };
}

/** NODE_EXTRA_CA_CERTS read as a setting (Node applies it only at process start). */
export function extraCertificates(file: string | undefined): string | undefined {
  if (!file) return undefined;
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`NODE_EXTRA_CA_CERTS must name a readable PEM file, got "${file}".`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`NODE_EXTRA_CA_CERTS must name a PEM file of certificates, got "${file}".`);
  return pem;
}

/** `1.2.3.4`, `1.2.3.4:53`, `::1` or `[::1]:53`, comma-separated. */
function resolverAddresses(raw: string | undefined): string[] | undefined {
  if (!raw) return undefined;
  const servers = raw.split(',').map((s) => s.trim());
  for (const server of servers) {
    const match = /^\[(.+)\]:(\d{1,5})$/.exec(server) ?? /^([^:]+):(\d{1,5})$/.exec(server);
    const [address, port] = match ? [match[1]!, Number(match[2])] : [server, 53];
    if (!net.isIP(address) || port < 1 || port > 65535) {
      throw new ConfigError(`HTTPS_RESOLVER must be DNS server addresses such as 192.168.1.1 or 127.0.0.1:8053, got "${raw}".`);
    }
  }
  return servers;
}
