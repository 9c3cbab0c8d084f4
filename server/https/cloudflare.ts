import type { DnsProvider, ProviderContext } from './dns-provider.ts';
import { HttpsSetupError, request } from './outbound.ts';

interface CloudflareAnswer<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result: T;
}

interface DnsRecord {
  id: string;
  content: string;
}

/**
 * Cloudflare's v4 API with an API token (the "Edit zone DNS" template): find the zone that
 * holds the name, then create or update its records. Only the calls below are used.
 */
export function cloudflare(settings: { token: string; apiUrl: string }, context: ProviderContext): DnsProvider {
  const zones = new Map<string, { id: string; name: string }>();

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; answer: CloudflareAnswer<T> }> {
    const response = await request(`${settings.apiUrl}${path}`, {
      service: 'Cloudflare',
      agent: context.agent,
      method,
      headers: { authorization: `Bearer ${settings.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    try {
      return { status: response.status, answer: JSON.parse(response.text) as CloudflareAnswer<T> };
    } catch {
      throw new HttpsSetupError(`Cloudflare answered HTTP ${response.status} with something other than JSON; try again later.`);
    }
  }

  const why = (answer: CloudflareAnswer<unknown>) => answer.errors?.map((e) => e.message).join('; ') || 'no reason given';

  /** The zone holding `name`: the longest of its parent names the token can see. */
  async function zoneOf(name: string): Promise<{ id: string; name: string }> {
    const labels = name.split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = labels.slice(i).join('.');
      const known = zones.get(candidate);
      if (known) return known;
      const { status, answer } = await call<{ id: string; name: string }[]>('GET', `/zones?${new URLSearchParams({ name: candidate })}`);
      if (!answer.success) {
        throw new HttpsSetupError(
          status === 400 || status === 401 || status === 403
            ? `Cloudflare refused CLOUDFLARE_API_TOKEN (${why(answer)}): check that the token is complete and not expired.`
            : `Cloudflare could not list zones (HTTP ${status}: ${why(answer)}).`,
        );
      }
      const zone = answer.result.find((z) => z.name === candidate);
      if (zone) {
        zones.set(candidate, zone);
        return zone;
      }
    }
    throw new HttpsSetupError(
      `CLOUDFLARE_API_TOKEN gives no access to a zone containing ${name}: create the token for the zone ${name} belongs to (Zone › DNS › Edit).`,
    );
  }

  async function dnsRecords<T>(zone: { id: string; name: string }, method: string, path: string, body?: unknown): Promise<T> {
    const { status, answer } = await call<T>(method, `/zones/${zone.id}/dns_records${path}`, body);
    if (answer.success) return answer.result;
    if (status === 401 || status === 403) {
      throw new HttpsSetupError(
        `Cloudflare refused to change DNS records in ${zone.name} (${why(answer)}): CLOUDFLARE_API_TOKEN needs the Zone › DNS › Edit permission.`,
      );
    }
    throw new HttpsSetupError(`Cloudflare could not change DNS records in ${zone.name} (HTTP ${status}: ${why(answer)}).`);
  }

  const find = (zone: { id: string; name: string }, type: string, name: string) =>
    dnsRecords<DnsRecord[]>(zone, 'GET', `?${new URLSearchParams({ type, name })}`);

  return {
    label: 'Cloudflare',
    visibility: { timeoutMs: 120_000, required: false },
    async setAddress(domain, address) {
      const zone = await zoneOf(domain);
      const record = { type: 'A', name: domain, content: address, ttl: 120, proxied: false };
      const [existing] = await find(zone, 'A', domain);
      if (!existing) await dnsRecords(zone, 'POST', '', record);
      else if (existing.content !== address) await dnsRecords(zone, 'PUT', `/${existing.id}`, record);
    },
    async setChallenge(recordName, value) {
      const zone = await zoneOf(recordName);
      await dnsRecords(zone, 'POST', '', { type: 'TXT', name: recordName, content: value, ttl: 120 });
    },
    async clearChallenge(recordName, value) {
      const zone = await zoneOf(recordName);
      const records = await find(zone, 'TXT', recordName);
      for (const record of records.filter((r) => r.content.replace(/^"|"$/g, '') === value)) {
        await dnsRecords(zone, 'DELETE', `/${record.id}`);
      }
    },
  };
}
