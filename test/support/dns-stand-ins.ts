import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AcmeTestbed } from './acme-testbed.ts';

/**
 * The DNS providers' APIs, standing at a true outside border: each implements only the calls
 * barback makes, as the providers document them, and publishes what it records in the
 * testbed's DNS server, where Pebble (and barback's look-ups) find it. Both speak HTTPS with
 * a certificate of the testbed's CA, which barback trusts only through NODE_EXTRA_CA_CERTS.
 */

interface StandIn {
  url: string;
  stop(): Promise<void>;
}

async function serve(testbed: AcmeTestbed, handler: (req: IncomingMessage, body: string) => Promise<{ status: number; body: string }>): Promise<StandIn> {
  const server = https.createServer({ cert: testbed.ca.serverCert.cert, key: testbed.ca.serverCert.key }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      handler(req, body).then(
        (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface DuckDnsStandIn extends StandIn {
  /** Each /update call, token left out. */
  calls: Record<string, string>[];
  env(domain: string, token?: string): Record<string, string>;
}

export const DUCKDNS_TOKEN = '6f1e7a52-3c1d-4b7e-9a7e-2d9b1c4f5e60';

/**
 * DuckDNS (https://www.duckdns.org/spec.jsp): GET /update?domains=&token=[&ip=][&txt=][&clear=true]
 * answers OK or KO. `accounts` maps a token to its subdomains. With `publishAddresses: false`
 * the A record is accepted but not published: what a phone sees behind a router that drops
 * answers pointing at private addresses.
 */
export async function startDuckDnsStandIn(
  testbed: AcmeTestbed,
  options: { accounts?: Record<string, string[]>; publishAddresses?: boolean } = {},
): Promise<DuckDnsStandIn> {
  const accounts = options.accounts ?? { [DUCKDNS_TOKEN]: ['party'] };
  const calls: Record<string, string>[] = [];
  const standIn = await serve(testbed, async (req) => {
    const url = new URL(req.url ?? '/', 'https://www.duckdns.org');
    const params = Object.fromEntries(url.searchParams);
    const { token, ...logged } = params;
    calls.push(logged);
    const domains = (params.domains ?? '').split(',');
    if (url.pathname !== '/update' || !token || !domains.every((d) => accounts[token]?.includes(d))) return { status: 200, body: 'KO' };
    for (const domain of domains) {
      const name = `${domain}.duckdns.org`;
      if (params.txt !== undefined) {
        if (params.clear === 'true') await testbed.clearTxt(`_acme-challenge.${name}`);
        else await testbed.setTxt(`_acme-challenge.${name}`, params.txt);
      } else if (params.ip && options.publishAddresses !== false) {
        await testbed.setA(name, [params.ip]);
      }
    }
    return { status: 200, body: params.verbose === 'true' ? `OK\n${params.ip ?? ''}\n\nUPDATED` : 'OK' };
  });
  return {
    ...standIn,
    calls,
    env: (domain, token = DUCKDNS_TOKEN) => ({ HTTPS_DOMAIN: domain, DUCKDNS_TOKEN: token, DUCKDNS_API_URL: standIn.url }),
  };
}

interface DnsRecord {
  id: string;
  zone_id: string;
  type: string;
  name: string;
  content: string;
  ttl: number;
  proxied?: boolean;
}

export interface CloudflareStandIn extends StandIn {
  records: DnsRecord[];
  /** Every call as "METHOD path". */
  calls: string[];
  env(domain: string, token: string): Record<string, string>;
}

/**
 * Cloudflare's v4 API (https://developers.cloudflare.com/api/): GET /zones?name=, and
 * GET/POST/PUT/DELETE /zones/:id/dns_records. `tokens` gives each token its zones and whether
 * it may edit DNS; other tokens are refused as Cloudflare refuses them.
 */
export async function startCloudflareStandIn(
  testbed: AcmeTestbed,
  options: { zones: string[]; tokens: Record<string, { zones: string[]; dnsEdit: boolean }> },
): Promise<CloudflareStandIn> {
  const zones = options.zones.map((name, index) => ({ id: `zone${index}${'0'.repeat(27)}`, name }));
  const records: DnsRecord[] = [];
  const calls: string[] = [];
  const fail = (status: number, code: number, message: string) => ({ status, body: JSON.stringify({ success: false, errors: [{ code, message }], messages: [], result: null }) });
  const ok = (result: unknown) => ({ status: 200, body: JSON.stringify({ success: true, errors: [], messages: [], result }) });
  let nextId = 1;

  const publish = async (record: DnsRecord, present: boolean) => {
    if (record.type === 'A') await (present ? testbed.setA(record.name, [record.content]) : testbed.clearA(record.name));
    if (record.type === 'TXT') await (present ? testbed.setTxt(record.name, record.content) : testbed.clearTxt(record.name));
  };

  const standIn = await serve(testbed, async (req, body) => {
    const url = new URL(req.url ?? '/', 'https://api.cloudflare.com');
    const path = url.pathname.replace(/^\/client\/v4/, '');
    calls.push(`${req.method} ${path}`);
    const grant = options.tokens[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
    if (!grant) return fail(400, 6003, 'Invalid request headers');
    if (req.method === 'GET' && path === '/zones') {
      return ok(zones.filter((z) => grant.zones.includes(z.name) && (!url.searchParams.get('name') || z.name === url.searchParams.get('name'))));
    }
    const match = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path);
    const zone = zones.find((z) => z.id === match?.[1]);
    if (!match || !zone) return fail(404, 7003, 'Could not route to the requested path');
    if (!grant.zones.includes(zone.name)) return fail(403, 10000, 'Authentication error');
    if (req.method === 'GET') {
      const type = url.searchParams.get('type');
      const name = url.searchParams.get('name');
      return ok(records.filter((r) => r.zone_id === zone.id && (!type || r.type === type) && (!name || r.name === name)));
    }
    if (!grant.dnsEdit) return fail(403, 10000, 'Authentication error');
    const input = body ? (JSON.parse(body) as Omit<DnsRecord, 'id' | 'zone_id'>) : undefined;
    if (input && !(input.name === zone.name || input.name.endsWith(`.${zone.name}`))) return fail(400, 9005, 'Content for record is invalid.');
    if (req.method === 'POST' && !match[2] && input) {
      const record = { ...input, id: String(nextId++), zone_id: zone.id };
      records.push(record);
      await publish(record, true);
      return ok(record);
    }
    const index = records.findIndex((r) => r.id === match[2] && r.zone_id === zone.id);
    if (index < 0) return fail(404, 81044, 'Record does not exist.');
    if (req.method === 'PUT' && input) {
      records[index] = { ...input, id: records[index]!.id, zone_id: zone.id };
      await publish(records[index]!, true);
      return ok(records[index]);
    }
    if (req.method === 'DELETE') {
      const [removed] = records.splice(index, 1);
      await publish(removed!, false);
      return ok({ id: removed!.id });
    }
    return fail(405, 10000, 'Method not allowed');
  });
  return {
    ...standIn,
    records,
    calls,
    env: (domain, token) => ({ HTTPS_DOMAIN: domain, CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_API_URL: `${standIn.url}/client/v4` }),
  };
}
