import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsBannerLines } from '../../server/https/banner.ts';
import { lanAddress } from '../../server/network.ts';
import { startAcmeTestbed, type AcmeTestbed } from '../support/acme-testbed.ts';
import { DUCKDNS_TOKEN, startCloudflareStandIn, startDuckDnsStandIn, type CloudflareStandIn, type DuckDnsStandIn } from '../support/dns-stand-ins.ts';
import { startBarback } from '../faults/support.ts';
import { freePort } from '../support/net.ts';
import { missing } from '../support/skips.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { httpsRequest, inState, tlsHandshake, waitForHttps } from './https-support.ts';

const LAN = lanAddress();
const EDIT_TOKEN = 'cf-edit-token-0123456789abcdefghijklmnop';
const READ_TOKEN = 'cf-read-token-0123456789abcdefghijklmnop';

let testbed: AcmeTestbed;
let duckdns: DuckDnsStandIn;
let cloudflare: CloudflareStandIn;
const servers: TestServer[] = [];

beforeAll(async () => {
  testbed = await startAcmeTestbed({ blockedDomains: ['refused.duckdns.org'] });
  duckdns = await startDuckDnsStandIn(testbed, { accounts: { [DUCKDNS_TOKEN]: ['party', 'refused', 'manual-test', 'banner'] } });
  cloudflare = await startCloudflareStandIn(testbed, {
    zones: ['example.com', 'other.org'],
    tokens: { [EDIT_TOKEN]: { zones: ['example.com'], dnsEdit: true }, [READ_TOKEN]: { zones: ['example.com'], dnsEdit: false } },
  });
});

afterAll(async () => {
  for (const server of servers) await server.stop();
  await duckdns?.stop();
  await cloudflare?.stop();
  await testbed?.stop();
});

async function start(env: Record<string, string>): Promise<{ server: TestServer; token: string }> {
  const server = await startTestServer({ ...testbed.env, ...env });
  servers.push(server);
  return { server, token: await adminToken(server) };
}

async function certificateRows(server: TestServer): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM https_certificates');
  return rows[0]!.n;
}

async function decodeQr(server: TestServer, token: string, code: string): Promise<string | undefined> {
  const svg = await fetch(`${server.url}/api/admin/registration-codes/${code}/qr.svg`, { headers: { authorization: `Bearer ${token}` } });
  const { data, info } = await sharp(Buffer.from(await svg.arrayBuffer()), { density: 300 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data;
}

/** A plain-HTTP request as a phone on the LAN sends it (its Host header names the LAN address). */
function plainRequest(port: number, method: string, path: string, host: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, method, path, headers: { host } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      })
      .on('error', reject)
      .end();
  });
}

describe.skipIf(missing(Boolean(LAN), 'https-issuance', 'needs a non-loopback IPv4 address to point the name at'))('automatic HTTPS with a real ACME server (Pebble)', { timeout: 180_000 }, () => {
  it('DuckDNS: the name is pointed at the LAN address, a certificate obtained by DNS-01, and HTTPS served that a client trusting only Pebble verifies for the name', async () => {
    const { server, token } = await start({ ...duckdns.env('party.duckdns.org'), SECRETS_KEY: randomBytes(32).toString('base64') });
    const status = await waitForHttps(server, token, inState('active', 'failed'));
    expect(status).toMatchObject({
      status: 'active', domain: 'party.duckdns.org', reason: null, provider: 'duckdns', resolves_to_lan: true, lan_address: LAN,
      origin: `https://party.duckdns.org:${server.port}`, step: null,
    });
    expect(duckdns.calls).toContainEqual({ domains: 'party', ip: LAN });

    const peer = await tlsHandshake(server.port, 'party.duckdns.org', testbed.rootPem);
    expect(peer.subjectaltname).toBe('DNS:party.duckdns.org');
    expect(peer.validTo.toISOString()).toBe(new Date(status.expires_at).toISOString());
    const health = await httpsRequest(`https://party.duckdns.org:${server.port}`, '/api/health', testbed.rootPem);
    expect(health.status).toBe(200);
    // The same port still answers plain HTTP: with a redirect for guests, as is for this laptop.
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);

    // The account key and the certificate's key are stored sealed with SECRETS_KEY, like the other private keys.
    const { rows } = await server.db.query<{ name: string; key_pem: string }>('SELECT name, key_pem FROM https_private_keys ORDER BY name');
    expect(rows.map((row) => row.name)).toEqual([`acme-account ${testbed.directoryUrl}`, 'certificate party.duckdns.org']);
    for (const row of rows) expect(row.key_pem).toMatch(/^sb1\./);
  });

  it('once a certificate is active, join links and QR codes use https://HTTPS_DOMAIN:PORT and plain-HTTP pages from the LAN are redirected there', async () => {
    const server = servers[0]!;
    const token = await adminToken(server);
    const origin = `https://party.duckdns.org:${server.port}`;
    const code = await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 5 } });
    expect(code.body.join_url).toBe(`${origin}/join?code=${code.body.code}`);
    expect(await decodeQr(server, token, code.body.code)).toBe(code.body.join_url);

    for (const path of ['/join?code=abc', '/', '/manifest.webmanifest', '/assets/index.js']) {
      const res = await plainRequest(server.port, 'GET', path, `${LAN}:${server.port}`);
      expect(res.status).toBe(307);
      expect(res.location).toBe(`${origin}${path}`);
    }
    // A page opened over plain HTTP before the certificate came can still send what it queued.
    expect((await plainRequest(server.port, 'POST', '/api/orders', `${LAN}:${server.port}`)).status).toBe(401);
    const overTls = await httpsRequest(origin, '/api/admin/https', testbed.rootPem, { headers: { authorization: `Bearer ${token}` } });
    expect(overTls.status).toBe(200);
  });

  it('Cloudflare: the zone is found for the name, an A record and the challenge TXT record created, and the certificate verifies', async () => {
    const { server, token } = await start(cloudflare.env('bar.example.com', EDIT_TOKEN));
    const status = await waitForHttps(server, token, inState('active', 'failed'));
    expect(status).toMatchObject({ status: 'active', domain: 'bar.example.com', provider: 'cloudflare', resolves_to_lan: true });
    expect(cloudflare.records).toContainEqual(expect.objectContaining({ type: 'A', name: 'bar.example.com', content: LAN, proxied: false }));
    // The challenge record is removed once validated.
    expect(cloudflare.records.filter((r) => r.type === 'TXT')).toEqual([]);
    expect(cloudflare.calls).toContain('DELETE /zones/zone0000000000000000000000000000/dns_records/2');
    const peer = await tlsHandshake(server.port, 'bar.example.com', testbed.rootPem);
    expect(peer.subjectaltname).toBe('DNS:bar.example.com');
  });

  it('manual DNS: barback says which TXT record to create and continues once public DNS shows it', async () => {
    await testbed.setA('manual-test.duckdns.org', [LAN!]);
    const { server, token } = await start({ HTTPS_DOMAIN: 'manual-test.duckdns.org', HTTPS_DNS: 'manual' });
    const asking = await waitForHttps(server, token, (s) => /Create a TXT record/.test(s.step ?? '') || s.status !== 'issuing');
    expect(asking.status).toBe('issuing');
    const [, recordName, value] = /TXT record at your DNS host: (\S+) with the value (\S+)/.exec(asking.step)!;
    expect(recordName).toBe('_acme-challenge.manual-test.duckdns.org');
    // The host creates the record at their DNS host.
    await testbed.setTxt(recordName!, value!);
    const status = await waitForHttps(server, token, inState('active', 'failed'));
    expect(status).toMatchObject({ status: 'active', provider: 'manual', resolves_to_lan: true });
    await tlsHandshake(server.port, 'manual-test.duckdns.org', testbed.rootPem);
  });

  it('npm start shows each step, then a banner with HTTPS on and the https:// address for guests', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'barback-banner-'));
    const barback = await startBarback({ DATA_DIR: dataDir, ...testbed.env, ...duckdns.env('banner.duckdns.org') });
    try {
      const output = barback.output();
      const steps = [
        `  https: DNS record set (DuckDNS): banner.duckdns.org → ${LAN}.`,
        `  https: Router check: banner.duckdns.org resolves to ${LAN} from this laptop.`,
        '  https: Getting a certificate…',
        /  https: Asking 127\.0\.0\.1:\d+ for a certificate for banner\.duckdns\.org…/,
        '  https: DNS challenge published (DuckDNS); waiting until _acme-challenge.banner.duckdns.org is visible…',
        /  https: 127\.0\.0\.1:\d+ is checking the DNS challenge…/,
        /  https: Certificate obtained for banner\.duckdns\.org, valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC\./,
        '  barback is open.',
        `  For guests:       https://banner.duckdns.org:${barback.port}  (invite codes carry this address)`,
        /  HTTPS: {12}on for banner\.duckdns\.org, certificate valid until .* UTC \(renewed by itself\)\./,
      ];
      const lines = output.split('\n');
      let at = 0;
      for (const step of steps) {
        const found = lines.findIndex((line, index) => index >= at && (typeof step === 'string' ? line === step : step.test(line)));
        expect(found, `${step} in order in:\n${output}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    } finally {
      await barback.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the router trap: when the name does not resolve to the LAN address from this laptop, the board and the banner say so and what to do', async () => {
    // A DuckDNS that records the address, seen through a resolver that drops answers pointing at private addresses.
    const filtered = await startDuckDnsStandIn(testbed, { accounts: { [DUCKDNS_TOKEN]: ['trap'] }, publishAddresses: false });
    try {
      const { server, token } = await start(filtered.env('trap.duckdns.org'));
      const lines: string[] = [];
      server.ctx.https.onStep((line) => lines.push(line));
      const status = await waitForHttps(server, token, (s) => s.status !== 'issuing' && s.resolves_to_lan !== null);
      // The certificate does not need the A record: HTTPS works for phones that can resolve the name.
      expect(status).toMatchObject({ status: 'active', resolves_to_lan: false, resolved_to: [], lan_address: LAN, reason: null });
      expect(filtered.calls).toContainEqual({ domains: 'trap', ip: LAN });
      expect(lines).toContain(
        `Router check: From this laptop trap.duckdns.org should resolve to ${LAN}, but it does not resolve. Many routers block public names ` +
          `that point at a home address (DNS-rebinding protection): allow trap.duckdns.org in the router's DNS settings, or have phones ` +
          'use a public DNS (Android: Settings › Private DNS › dns.google) or their mobile data.',
      );
      expect(httpsBannerLines(status).join('\n')).toContain(`Router check:     trap.duckdns.org does not resolve to ${LAN} from this laptop`);
    } finally {
      await filtered.stop();
    }
  });

  describe('bad input gives one clear line, keeps serving plain HTTP, writes no certificate and does not retry in a loop', () => {
    const cases: [string, () => Record<string, string>, RegExp][] = [
      ['a wrong DuckDNS token', () => duckdns.env('party.duckdns.org', '00000000-0000-4000-8000-000000000000'), /^DuckDNS refused the update: DUCKDNS_TOKEN is wrong, or party\.duckdns\.org is not one of that account's domains\.$/],
      ['a Cloudflare token without DNS edit rights', () => cloudflare.env('bar.example.com', READ_TOKEN), /^Cloudflare refused to change DNS records in example\.com \(Authentication error\): CLOUDFLARE_API_TOKEN needs the Zone › DNS › Edit permission\.$/],
      ['a name outside the zone of the token', () => cloudflare.env('bar.other.org', EDIT_TOKEN), /^CLOUDFLARE_API_TOKEN gives no access to a zone containing bar\.other\.org/],
      ['a Cloudflare token Cloudflare does not know', () => cloudflare.env('bar.example.com', 'cf-unknown-token-0123456789abcdefghij'), /^Cloudflare refused CLOUDFLARE_API_TOKEN \(Invalid request headers\): check that the token is complete and not expired\.$/],
      ['an ACME server that refuses the name', () => duckdns.env('refused.duckdns.org'), /^127\.0\.0\.1:\d+ refused the certificate: .*forbidden by policy/],
    ];
    for (const [what, env, reason] of cases) {
      it(what, async () => {
        const { server, token } = await start(env());
        const lines: string[] = [];
        server.ctx.https.onStep((line) => lines.push(line));
        const status = await waitForHttps(server, token, inState('active', 'failed'));
        expect(status.status).toBe('failed');
        expect(status.reason).toMatch(reason);
        expect(status.expires_at).toBeNull();
        expect(lines.filter((line) => line.startsWith('HTTPS is off:'))).toEqual([expect.stringMatching(/Guests use plain HTTP meanwhile; next try at /)]);
        expect(lines.every((line) => !line.includes('\n'))).toBe(true);
        expect(await certificateRows(server)).toBe(0);

        // Still up, on plain HTTP: links say http, TLS is not offered, nothing is retried right away.
        const calls = duckdns.calls.length + cloudflare.calls.length;
        expect((await api(server, 'GET', '/api/health')).status).toBe(200);
        const code = await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 1 } });
        expect(code.body.join_url).toMatch(/^http:\/\//);
        await expect(tlsHandshake(server.port, status.domain, testbed.rootPem)).rejects.toThrow();
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        expect(duckdns.calls.length + cloudflare.calls.length).toBe(calls);
        expect((await api(server, 'GET', '/api/admin/https', { token })).body).toMatchObject({ status: 'failed', reason: status.reason });
      });
    }

    it('an unreachable ACME server with no stored certificate: starts on plain HTTP and says why', async () => {
      const closed = await freePort();
      const { server, token } = await start({ ...duckdns.env('party.duckdns.org'), ACME_DIRECTORY_URL: `https://127.0.0.1:${closed}/directory` });
      const status = await waitForHttps(server, token, inState('active', 'failed'));
      expect(status).toMatchObject({ status: 'failed', domain: 'party.duckdns.org', resolves_to_lan: true });
      expect(status.reason).toBe(`Could not reach the ACME server at 127.0.0.1:${closed} (connection refused).`);
      const lan = await plainRequest(server.port, 'GET', '/api/health', `${LAN}:${server.port}`);
      expect(lan.status).toBe(200);
      expect(await certificateRows(server)).toBe(0);
    });
  });
});
