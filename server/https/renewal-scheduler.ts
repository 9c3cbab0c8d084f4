import { newPrivateKey, obtainCertificate } from './acme.ts';
import { renewsAt, retryDelayMs, servable } from './certificate-rules.ts';
import { createDnsProvider, type DnsProvider } from './dns-provider.ts';
import type { HttpsService } from './https.service.ts';
import { checkLanResolution, NameLookup, routerTrapAdvice, type LanResolution } from './lan-resolution.ts';
import type { HttpsSettings } from './settings.ts';

/** The loop wakes at least this often: the laptop may have moved to another network. */
const RECHECK_MS = 5 * 60_000;
/** How long a router check that misses keeps asking before it warns: a record just set may lag. */
const ROUTER_CHECK_SETTLE_MS = 15_000;

/**
 * Keeps the name pointed at the laptop and the certificate fresh: renews at two thirds of
 * its lifetime, retries failures with growing pauses (never in a tight loop), and re-points
 * the name when the LAN address changes. Every instance runs it; the issuer lock and a
 * second look at the database make sure only one of them asks the CA.
 */
export async function runRenewals(https: HttpsService, settings: HttpsSettings): Promise<void> {
  const signal = https.signal;
  const dns = createDnsProvider(settings.dns, { agent: https.agent, tell: (text) => https.progress(text, true) });
  const lookup = new NameLookup(settings.resolver);
  let pointedAt: string | undefined | null = null;
  let failures = 0;
  let retryAt = 0;
  while (!signal.aborted) {
    const current = https.certificate;
    if (current && current.notAfter.getTime() <= Date.now()) https.expired();
    const lan = https.lanAddress();
    const attempt = Date.now() >= retryAt && (!https.certificate || Date.now() >= renewsAt(https.certificate).getTime());
    const repoint = lan !== pointedAt && Date.now() >= retryAt;
    if (attempt || repoint) {
      try {
        if (repoint) {
          await pointName(https, lookup, settings, dns, lan);
          pointedAt = lan;
        }
        if (attempt) await renew(https, lookup, settings, dns);
        if (failures) https.recovered();
        failures = 0;
        retryAt = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        retryAt = Date.now() + retryDelayMs(failures);
        https.failed(error, new Date(retryAt));
      }
    } else if (lan && https.status().resolves_to_lan === false) {
      // The host may have fixed the router meanwhile: the board should say so.
      await checkRouter(https, lookup, settings, lan, 0);
    }
    https.firstRoundDone();
    const certificate = https.certificate;
    const wakeAt = Math.min(
      Date.now() + RECHECK_MS,
      retryAt || Infinity,
      certificate && !retryAt ? renewsAt(certificate).getTime() : Infinity,
      certificate ? certificate.notAfter.getTime() : Infinity,
    );
    await sleep(Math.max(wakeAt - Date.now(), 1_000), signal);
  }
}

/** Points the name at the LAN address when it does not resolve there yet, then checks for the router trap. */
async function pointName(https: HttpsService, lookup: NameLookup, settings: HttpsSettings, dns: DnsProvider, lan: string | undefined): Promise<void> {
  if (!lan) {
    https.resolved(undefined, 'No LAN address found: guests need this laptop on the same Wi-Fi.');
    return;
  }
  const resolution = await checkLanResolution(lookup, settings.domain, lan, { settleMs: 0, signal: https.signal });
  if (!resolution.resolvesToLan) {
    await dns.setAddress(settings.domain, lan);
    if (settings.dns.provider !== 'manual') https.progress(`DNS record set (${dns.label}): ${settings.domain} → ${lan}.`);
    await checkRouter(https, lookup, settings, lan, ROUTER_CHECK_SETTLE_MS);
  } else {
    https.resolved(resolution, routerLine(settings.domain, lan, resolution));
  }
}

async function checkRouter(https: HttpsService, lookup: NameLookup, settings: HttpsSettings, lan: string, settleMs: number): Promise<void> {
  const resolution = await checkLanResolution(lookup, settings.domain, lan, { settleMs, signal: https.signal });
  https.resolved(resolution, routerLine(settings.domain, lan, resolution));
}

const routerLine = (domain: string, lan: string, resolution: LanResolution) =>
  resolution.resolvesToLan
    ? `Router check: ${domain} resolves to ${lan} from this laptop.`
    : `Router check: ${routerTrapAdvice(domain, lan, resolution)}`;

/** One renewal under the issuer lock; another instance may have done it while this one waited. */
async function renew(https: HttpsService, lookup: NameLookup, settings: HttpsSettings, dns: DnsProvider): Promise<void> {
  const { repository, signal } = https;
  if (!https.certificate) https.progress('Getting a certificate…');
  await repository.withIssuerLock(async () => {
    const latest = await repository.load(settings.domain);
    if (latest && servable(latest, settings.domain, settings.directoryUrl) && Date.now() < renewsAt(latest).getTime()) {
      if (latest.notAfter.getTime() !== https.certificate?.notAfter.getTime()) https.activate(latest, 'shared');
      return;
    }
    const issued = await obtainCertificate({
      directoryUrl: settings.directoryUrl,
      email: settings.email,
      accountKeyPem: await repository.accountKey(settings.directoryUrl, newPrivateKey),
      domain: settings.domain,
      dns,
      lookup,
      agent: https.agent,
      report: (text) => https.progress(text),
      signal,
    });
    if (signal.aborted) return;
    const certificate = { domain: settings.domain, directoryUrl: settings.directoryUrl, ...issued };
    await repository.save(certificate);
    https.activate(certificate, 'issued');
  }, signal);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
