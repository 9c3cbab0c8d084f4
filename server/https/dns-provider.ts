import type https from 'node:https';
import type { DnsSettings } from './settings.ts';
import { duckDns } from './duckdns.ts';
import { cloudflare } from './cloudflare.ts';
import { manualDns } from './manual.ts';

/** What a DNS provider does for barback: point the name at the laptop, publish DNS-01 challenges. */
export interface DnsProvider {
  /** The provider's name, as the host knows it ("DuckDNS"). */
  readonly label: string;
  /** Points `domain` (an A record) at `address`, the laptop's LAN address. */
  setAddress(domain: string, address: string): Promise<void>;
  /** Publishes `value` as a TXT record at `recordName` (`_acme-challenge.<domain>`). */
  setChallenge(recordName: string, value: string): Promise<void>;
  clearChallenge(recordName: string, value: string): Promise<void>;
  /**
   * How long a published record may take to become visible. `required`: the CA is asked only
   * once it is visible (the host types it by hand); otherwise it is asked anyway after the wait.
   */
  readonly visibility: { timeoutMs: number; required: boolean };
}

export interface ProviderContext {
  /** Trusts the usual roots plus NODE_EXTRA_CA_CERTS. */
  agent: https.Agent;
  /** Tells the host something to do at their DNS host (manual DNS). */
  tell(text: string): void;
}

/** One module per provider; a new provider is a file and a line here. */
export function createDnsProvider(settings: DnsSettings, context: ProviderContext): DnsProvider {
  switch (settings.provider) {
    case 'duckdns':
      return duckDns(settings, context);
    case 'cloudflare':
      return cloudflare(settings, context);
    case 'manual':
      return manualDns(context);
  }
}
