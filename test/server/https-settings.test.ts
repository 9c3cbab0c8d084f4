import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { LETS_ENCRYPT } from '../../server/https/settings.ts';

const TOKEN = '6f1e7a52-3c1d-4b7e-9a7e-2d9b1c4f5e60';
const CF_TOKEN = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the settings were accepted');
}

describe('HTTPS settings are checked at start, one sentence per bad value', () => {
  it('accepts DuckDNS with defaults: Let\'s Encrypt production, the real API, no resolver override', () => {
    const config = loadConfig({ HTTPS_DOMAIN: 'MyBar.DuckDNS.org.', DUCKDNS_TOKEN: TOKEN });
    expect(config.https).toEqual({
      domain: 'mybar.duckdns.org',
      dns: { provider: 'duckdns', token: TOKEN, apiUrl: 'https://www.duckdns.org' },
      directoryUrl: LETS_ENCRYPT,
      email: undefined,
      extraCaPem: undefined,
      resolver: undefined,
    });
    expect(loadConfig({}).https).toBeUndefined();
  });

  it('accepts Cloudflare and manual DNS with every option given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'barback-ca-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = loadConfig({
      HTTPS_DOMAIN: 'bar.example.com',
      CLOUDFLARE_API_TOKEN: CF_TOKEN,
      CLOUDFLARE_API_URL: 'https://proxy.example.net/cf/',
      ACME_DIRECTORY_URL: 'https://acme-staging-v02.api.letsencrypt.org/directory',
      ACME_EMAIL: 'host@example.com',
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      HTTPS_RESOLVER: '192.168.1.1, 127.0.0.1:8053, [::1]:53',
    });
    expect(config.https).toMatchObject({
      dns: { provider: 'cloudflare', token: CF_TOKEN, apiUrl: 'https://proxy.example.net/cf' },
      email: 'host@example.com',
      extraCaPem: expect.stringContaining('BEGIN CERTIFICATE'),
      resolver: ['192.168.1.1', '127.0.0.1:8053', '[::1]:53'],
    });
    expect(loadConfig({ HTTPS_DOMAIN: 'bar.example.com', HTTPS_DNS: 'manual' }).https?.dns).toEqual({ provider: 'manual' });
  });

  it.each([
    [{ HTTPS_DOMAIN: 'bar.example.com' }, 'HTTPS_DOMAIN needs a DNS provider: set DUCKDNS_TOKEN, CLOUDFLARE_API_TOKEN or HTTPS_DNS=manual.'],
    [{ DUCKDNS_TOKEN: TOKEN }, 'DUCKDNS_TOKEN is set but HTTPS_DOMAIN is not: set HTTPS_DOMAIN to the name guests use, e.g. mybar.duckdns.org.'],
    [{ HTTPS_DOMAIN: 'a.duckdns.org', DUCKDNS_TOKEN: TOKEN, HTTPS_DNS: 'manual' }, 'Set only one of DUCKDNS_TOKEN, CLOUDFLARE_API_TOKEN and HTTPS_DNS=manual; got DUCKDNS_TOKEN and HTTPS_DNS=manual.'],
    [{ HTTPS_DOMAIN: 'a.duckdns.org', HTTPS_DNS: 'route53' }, 'HTTPS_DNS must be "manual" (DuckDNS and Cloudflare are chosen by their token), got "route53".'],
    [{ HTTPS_DOMAIN: '192.168.1.20', HTTPS_DNS: 'manual' }, 'HTTPS_DOMAIN must be a DNS name such as mybar.duckdns.org, got "192.168.1.20".'],
    [{ HTTPS_DOMAIN: '*.example.com', HTTPS_DNS: 'manual' }, 'HTTPS_DOMAIN must be a DNS name such as mybar.duckdns.org, got "*.example.com".'],
    [{ HTTPS_DOMAIN: 'bar.example.com', DUCKDNS_TOKEN: TOKEN }, 'With DUCKDNS_TOKEN, HTTPS_DOMAIN must be a name under duckdns.org (e.g. mybar.duckdns.org), got "bar.example.com".'],
    [{ HTTPS_DOMAIN: 'a.duckdns.org', DUCKDNS_TOKEN: 'secret-but-wrong' }, 'DUCKDNS_TOKEN must be the token shown on duckdns.org (36 characters, like 1a2b3c4d-…).'],
    [{ HTTPS_DOMAIN: 'a.example.com', CLOUDFLARE_API_TOKEN: 'short' }, 'CLOUDFLARE_API_TOKEN does not look like a Cloudflare API token (20 or more letters and digits, no spaces).'],
    [{ HTTPS_DOMAIN: 'a.example.com', HTTPS_DNS: 'manual', ACME_DIRECTORY_URL: 'http://acme.example/dir' }, 'ACME_DIRECTORY_URL must start with https://, got "http://acme.example/dir".'],
    [{ HTTPS_DOMAIN: 'a.example.com', HTTPS_DNS: 'manual', ACME_EMAIL: 'host' }, 'ACME_EMAIL must be an email address, got "host".'],
    [{ HTTPS_DOMAIN: 'a.duckdns.org', DUCKDNS_TOKEN: TOKEN, DUCKDNS_API_URL: 'ftp://x' }, 'DUCKDNS_API_URL must start with https:// or http://, got "ftp://x".'],
    [{ HTTPS_DOMAIN: 'a.example.com', CLOUDFLARE_API_TOKEN: CF_TOKEN, CLOUDFLARE_API_URL: 'not a url' }, 'CLOUDFLARE_API_URL must be a URL, got "not a url".'],
    [{ HTTPS_DOMAIN: 'a.example.com', HTTPS_DNS: 'manual', NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' }, 'NODE_EXTRA_CA_CERTS must name a readable PEM file, got "/nonexistent/ca.pem".'],
    [{ HTTPS_DOMAIN: 'a.example.com', HTTPS_DNS: 'manual', HTTPS_RESOLVER: 'router.local' }, 'HTTPS_RESOLVER must be DNS server addresses such as 192.168.1.1 or 127.0.0.1:8053, got "router.local".'],
  ])('%j → %s', (env, message) => {
    expect(refusal(env)).toBe(message);
  });

  it('never repeats a token in its message', () => {
    expect(refusal({ HTTPS_DOMAIN: 'a.duckdns.org', DUCKDNS_TOKEN: 'my-secret-token' })).not.toContain('my-secret-token');
    expect(refusal({ HTTPS_DOMAIN: 'a.example.com', CLOUDFLARE_API_TOKEN: 'hunter2 hunter2 hunter2 hunter2' })).not.toContain('hunter2');
  });
});
