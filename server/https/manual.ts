import type { DnsProvider, ProviderContext } from './dns-provider.ts';

/**
 * The host creates the records at their DNS host by hand; barback says exactly what to create
 * and waits until public DNS shows the TXT record before asking the CA.
 */
export function manualDns(context: ProviderContext): DnsProvider {
  return {
    label: 'manual DNS',
    visibility: { timeoutMs: 60 * 60_000, required: true },
    async setAddress(domain, address) {
      context.tell(`Create an A record at your DNS host: ${domain} → ${address}.`);
    },
    async setChallenge(recordName, value) {
      context.tell(`Create a TXT record at your DNS host: ${recordName} with the value ${value} (barback checks every 10 seconds).`);
    },
    async clearChallenge(recordName) {
      context.tell(`The TXT record ${recordName} is no longer needed; you may delete it.`);
    },
  };
}
