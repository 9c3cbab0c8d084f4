import dns from 'node:dns';

/** Public resolvers, for "is the TXT record visible from the internet yet" (what the CA sees). */
const PUBLIC_RESOLVERS = ['1.1.1.1', '8.8.8.8'];

/**
 * DNS look-ups for the HTTPS set-up. `servers` is HTTPS_RESOLVER: when set, both questions go
 * to it (tests point it at their own DNS server). Otherwise the A record is asked of this
 * laptop's own resolver (usually the party's router: the router trap is about what it
 * answers), and TXT records of public resolvers, which do not cache the record's absence
 * the way a router may.
 */
export class NameLookup {
  private readonly local: dns.promises.Resolver;
  private readonly public: dns.promises.Resolver;

  constructor(servers: string[] | undefined) {
    this.local = new dns.promises.Resolver({ timeout: 3_000, tries: 2 });
    this.public = new dns.promises.Resolver({ timeout: 3_000, tries: 2 });
    if (servers) this.local.setServers(servers);
    this.public.setServers(servers ?? PUBLIC_RESOLVERS);
  }

  /** The name's IPv4 addresses as this laptop's resolver gives them; none when it gives none. */
  async addresses(name: string): Promise<string[]> {
    return this.local.resolve4(name).catch(() => []);
  }

  async txt(name: string): Promise<string[]> {
    const records = await this.public.resolveTxt(name).catch(() => []);
    return records.map((chunks) => chunks.join(''));
  }
}

export interface LanResolution {
  resolvesToLan: boolean;
  addresses: string[];
}

/**
 * The router trap: many home routers drop DNS answers that point a public name at a private
 * address (DNS-rebinding protection), so phones asking that router cannot find the laptop
 * although the record is right. From the laptop, which usually asks the same router, the
 * name then resolves to nothing (or elsewhere). A record just changed may take a moment to
 * reach the resolver, so a miss is asked again for `settleMs` before it counts.
 */
export async function checkLanResolution(
  lookup: NameLookup,
  domain: string,
  lan: string,
  options: { settleMs: number; signal: AbortSignal },
): Promise<LanResolution> {
  const deadline = Date.now() + options.settleMs;
  for (;;) {
    const addresses = await lookup.addresses(domain);
    if (addresses.includes(lan)) return { resolvesToLan: true, addresses };
    if (Date.now() >= deadline || options.signal.aborted) return { resolvesToLan: false, addresses };
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** The router-trap warning, one sentence with what to do. */
export function routerTrapAdvice(domain: string, lan: string, resolution: LanResolution): string {
  const got = resolution.addresses.length ? `it resolves to ${resolution.addresses.join(', ')}` : 'it does not resolve';
  return (
    `From this laptop ${domain} should resolve to ${lan}, but ${got}. Many routers block public names that point at ` +
    `a home address (DNS-rebinding protection): allow ${domain} in the router's DNS settings, or have phones use a ` +
    `public DNS (Android: Settings › Private DNS › dns.google) or their mobile data.`
  );
}
