import { X509Certificate } from 'node:crypto';
import type https from 'node:https';
import * as acme from 'acme-client';
import type { DnsProvider } from './dns-provider.ts';
import type { NameLookup } from './lan-resolution.ts';
import { HttpsSetupError, request } from './outbound.ts';
import { LETS_ENCRYPT, LETS_ENCRYPT_STAGING } from './settings.ts';

export interface IssuedCertificate {
  certificatePem: string;
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
}

export interface IssueOptions {
  directoryUrl: string;
  email: string | undefined;
  accountKeyPem: string;
  domain: string;
  dns: DnsProvider;
  lookup: NameLookup;
  agent: https.Agent;
  /** A step, as the host should read it in the banner and on the board. */
  report(text: string): void;
  signal: AbortSignal;
}

/** "Let's Encrypt", "Let's Encrypt (staging)" or the ACME server's host. */
function caName(directoryUrl: string): string {
  if (directoryUrl === LETS_ENCRYPT) return "Let's Encrypt";
  if (directoryUrl === LETS_ENCRYPT_STAGING) return "Let's Encrypt (staging)";
  return new URL(directoryUrl).host;
}

export const newPrivateKey = async (): Promise<string> => (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();

/**
 * acme-client keeps one HTTP client for the whole process: it trusts what `agent` trusts,
 * waits at most 30 s for an answer, and retries an unreachable server twice, not for a
 * minute and a half, so that a party without internet hears why within seconds.
 */
function configureHttp(agent: https.Agent): void {
  acme.axios.defaults.httpsAgent = agent;
  acme.axios.defaults.timeout = 30_000;
  const settings = (acme.axios.defaults as { acmeSettings?: { retryMaxAttempts: number; retryDefaultDelay: number } }).acmeSettings;
  if (settings) Object.assign(settings, { retryMaxAttempts: 2, retryDefaultDelay: 2 });
}

/** One certificate for `domain` by the DNS-01 challenge, through acme-client's auto mode. */
export async function obtainCertificate(options: IssueOptions): Promise<IssuedCertificate> {
  configureHttp(options.agent);
  const ca = caName(options.directoryUrl);
  const client = new acme.Client({
    directoryUrl: options.directoryUrl,
    accountKey: options.accountKeyPem,
    backoffAttempts: 12,
    backoffMin: 1_000,
    backoffMax: 10_000,
  });
  await checkReachable(options.directoryUrl, ca, options.agent);
  await findAccount(client, options.email);
  const keyPem = await newPrivateKey();
  const [, csr] = await acme.crypto.createCsr({ altNames: [options.domain] }, keyPem);
  options.report(`Asking ${ca} for a certificate for ${options.domain}…`);
  let chain: string;
  try {
    chain = await client.auto({
      csr,
      email: options.email,
      termsOfServiceAgreed: true,
      challengePriority: ['dns-01'],
      // barback checks visibility itself, through HTTPS_RESOLVER or public DNS.
      skipChallengeVerification: true,
      challengeCreateFn: async (authz, _challenge, value) => {
        const recordName = `_acme-challenge.${authz.identifier.value}`;
        await options.dns.setChallenge(recordName, value);
        // A host typing the record by hand keeps seeing what to type (the provider said it).
        if (!options.dns.visibility.required) options.report(`DNS challenge published (${options.dns.label}); waiting until ${recordName} is visible…`);
        await waitUntilVisible(options, recordName, value);
        options.report(`${ca} is checking the DNS challenge…`);
      },
      challengeRemoveFn: async (authz, _challenge, value) => {
        await options.dns.clearChallenge(`_acme-challenge.${authz.identifier.value}`, value);
      },
    });
  } catch (error) {
    throw explain(error, ca);
  }
  const leaf = new X509Certificate(chain);
  return { certificatePem: chain, keyPem, notBefore: new Date(leaf.validFrom), notAfter: new Date(leaf.validTo) };
}

async function waitUntilVisible(options: IssueOptions, recordName: string, value: string): Promise<void> {
  const { timeoutMs, required } = options.dns.visibility;
  const deadline = Date.now() + timeoutMs;
  while (!(await options.lookup.txt(recordName)).includes(value)) {
    if (options.signal.aborted) throw new HttpsSetupError('stopped');
    if (Date.now() > deadline) {
      if (!required) return;
      throw new HttpsSetupError(`The TXT record ${recordName} did not appear in public DNS within ${Math.round(timeoutMs / 60_000)} minutes.`);
    }
    await new Promise((resolve) => setTimeout(resolve, required ? 10_000 : 2_000));
  }
}

/**
 * Asks for the ACME directory first: acme-client (5.4) loses the cause of a network failure
 * after its retries (a TypeError remains), and "no internet" is the likeliest failure at a party.
 */
async function checkReachable(directoryUrl: string, ca: string, agent: https.Agent): Promise<void> {
  const service = ca === new URL(directoryUrl).host ? 'the ACME server' : ca;
  const { status } = await request(directoryUrl, { service, agent, timeoutMs: 30_000 });
  if (status !== 200) throw new HttpsSetupError(`The ACME server ${ca} answered HTTP ${status} for its directory; check ACME_DIRECTORY_URL.`);
}

/**
 * Looks the account key's account up first. Left to itself, auto mode "re-registers" an
 * existing account as an update that some CAs (Pebble) refuse as empty; a key with no
 * account yet simply registers in auto mode.
 */
async function findAccount(client: acme.Client, email: string | undefined): Promise<void> {
  try {
    await client.createAccount({ onlyReturnExisting: true });
  } catch {
    return;
  }
  if (email) await client.updateAccount({ contact: [`mailto:${email}`] });
}

/** acme-client's errors (the CA's problem documents, a lost connection) as one sentence for the host. */
function explain(error: unknown, ca: string): Error {
  if (error instanceof HttpsSetupError) return error;
  if (error instanceof TypeError) return new HttpsSetupError(`Lost the connection to the ACME server (${ca}) during issuance.`);
  const detail = String((error as Error).message ?? error).replace(/\s+/g, ' ').trim();
  return new HttpsSetupError(`${ca} refused the certificate: ${detail}`);
}
