import type { DnsProvider, ProviderContext } from './dns-provider.ts';
import { HttpsSetupError, request } from './outbound.ts';

/**
 * DuckDNS (https://www.duckdns.org/spec.jsp): one GET to /update sets the A record or the one
 * TXT record of an account's subdomain; it answers "OK" or "KO". DuckDNS answers the same
 * records for every name under the subdomain, so `_acme-challenge.<name>` needs no record of its own.
 */
export function duckDns(settings: { token: string; apiUrl: string }, context: ProviderContext): DnsProvider {
  async function update(domain: string, params: Record<string, string>): Promise<void> {
    // bar.mybar.duckdns.org and mybar.duckdns.org both belong to the subdomain "mybar".
    const subdomain = domain.replace(/\.duckdns\.org$/, '').split('.').at(-1)!;
    const query = new URLSearchParams({ domains: subdomain, token: settings.token, ...params });
    const answer = await request(`${settings.apiUrl}/update?${query}`, { service: 'DuckDNS', agent: context.agent });
    if (answer.status !== 200) throw new HttpsSetupError(`DuckDNS answered HTTP ${answer.status}; try again later.`);
    if (answer.text.trim().split('\n')[0] !== 'OK') {
      throw new HttpsSetupError(`DuckDNS refused the update: DUCKDNS_TOKEN is wrong, or ${subdomain}.duckdns.org is not one of that account's domains.`);
    }
  }

  return {
    label: 'DuckDNS',
    visibility: { timeoutMs: 120_000, required: false },
    setAddress: (domain, address) => update(domain, { ip: address }),
    setChallenge: (recordName, value) => update(recordName, { txt: value }),
    clearChallenge: (recordName) => update(recordName, { txt: 'removed', clear: 'true' }),
  };
}
