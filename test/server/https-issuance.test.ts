import http from 'node:http';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanAddress } from '../../server/network.ts';
import { startAcmeTestbed, type AcmeTestbed } from '../support/acme-testbed.ts';
import { DUCKDNS_TOKEN, startCloudflareStandIn, startDuckDnsStandIn, type CloudflareStandIn, type DuckDnsStandIn } from '../support/dns-stand-ins.ts';
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
  duckdns = await startDuckDnsStandIn(testbed, { accounts: { [DUCKDNS_TOKEN]: ['party', 'refused', 'manual-test'] } });
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

describe.runIf(LAN)('automatic HTTPS with a real ACME server (Pebble)', { timeout: 180_000 }, () => {
  it('DuckDNS: the name is pointed at the LAN address, a certificate obtained by DNS-01, and HTTPS served that a client trusting only Pebble verifies for the name', async () => {
    const { server, token } = await start(duckdns.env('party.duckdns.org'));
    const status = await waitForHttps(server, token, inState('active', 'failed'));
    expect(status).toMatchObject({ status: 'active', domain: 'party.duckdns.org', reason: null, provider: 'duckdns', resolves_to_lan: true, lan_address: LAN });
    expect(duckdns.calls).toContainEqual({ domains: 'party', ip: LAN });

    const peer = await tlsHandshake(server.port, 'party.duckdns.org', testbed.rootPem);
    expect(peer.subjectaltname).toBe('DNS:party.duckdns.org');
    expect(peer.validTo.toISOString()).toBe(new Date(status.expires_at).toISOString());
    const health = await httpsRequest(`https://party.duckdns.org:${server.port}`, '/api/health', testbed.rootPem);
    expect(health.status).toBe(200);
    // The same port still answers plain HTTP: with a redirect for guests, as is for this laptop.
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
  });

  it('once a certificate is active, join links and QR codes use https://HTTPS_DOMAIN:PORT and plain HTTP from the LAN is redirected there', async () => {
    const server = servers[0]!;
    const token = await adminToken(server);
    const origin = `https://party.duckdns.org:${server.port}`;
    const code = await api(server, 'POST', '/api/admin/registration-codes', { token, body: { max_uses: 5 } });
    expect(code.body.join_url).toBe(`${origin}/join?code=${code.body.code}`);
    expect(await decodeQr(server, token, code.body.code)).toBe(code.body.join_url);

    for (const [method, path] of [['GET', '/join?code=abc'], ['POST', '/api/orders']] as const) {
      const res = await plainRequest(server.port, method, path, `${LAN}:${server.port}`);
      expect(res.status).toBe(307);
      expect(res.location).toBe(`${origin}${path}`);
    }
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
});
