import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net.ts';
import { testCertificateAuthority, type TestCertificateAuthority } from './tls.ts';

/**
 * A real ACME server on this machine: Debian's Pebble, validating DNS-01 against
 * pebble-challtestsrv, a DNS server whose records the test (and the DNS providers' stand-ins)
 * set over its HTTP API. Every port is a free one; Pebble's own TLS certificate comes from a
 * throwaway CA that barback trusts through NODE_EXTRA_CA_CERTS.
 */
export interface AcmeTestbed {
  directoryUrl: string;
  /** Pebble's root CA (a new one every start): what a phone must trust to accept barback's certificate. */
  rootPem: string;
  /** host:port of the test DNS server: Pebble's resolver, and barback's HTTPS_RESOLVER. */
  dnsServer: string;
  ca: TestCertificateAuthority;
  /** The environment that points barback at this testbed (add a domain and a provider). */
  env: Record<string, string>;
  setA(host: string, addresses: string[]): Promise<void>;
  clearA(host: string): Promise<void>;
  setTxt(host: string, value: string): Promise<void>;
  clearTxt(host: string): Promise<void>;
  /**
   * What Pebble did, from its own log: the certificates it issued, and the authorizations it
   * created (each one a challenge the client must answer; a still-valid one may be reused instead).
   */
  issued(): number;
  authorizationsCreated(): number;
  /** Stops Pebble alone: the ACME server becomes unreachable, DNS stays. */
  stopPebble(): Promise<void>;
  stop(): Promise<void>;
}

export interface AcmeTestbedOptions {
  /** Pebble's certificateValidityPeriod in seconds (short ones for renewal tests). */
  validitySeconds?: number;
  /** Names Pebble refuses to issue for (rejectedIdentifier). */
  blockedDomains?: string[];
}

const fqdn = (host: string) => (host.endsWith('.') ? host : `${host}.`);

export async function startAcmeTestbed(options: AcmeTestbedOptions = {}): Promise<AcmeTestbed> {
  if (!fs.existsSync('/usr/bin/pebble') || !fs.existsSync('/usr/bin/pebble-challtestsrv')) {
    throw new Error('Pebble is not installed: apt-get install -y pebble (.ci/run does it)');
  }
  const ca = testCertificateAuthority();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'barback-pebble-'));
  // A port that was free may be taken by the time a process binds it (tests run in parallel): try again.
  for (let attempt = 1; ; attempt++) {
    const [dnsPort, dnsApiPort, acmePort, managementPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const processes: ChildProcess[] = [];
    try {
      const dns = launch('pebble-challtestsrv', [
        '-dns01', `127.0.0.1:${dnsPort}`, '-management', `127.0.0.1:${dnsApiPort}`,
        '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv4', '', '-defaultIPv6', '',
      ], {});
      processes.push(dns.child);
      await dns.until(() => tcpOpen(dnsApiPort));
      const config = path.join(dir, `pebble-${attempt}.json`);
      fs.writeFileSync(config, JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${acmePort}`,
          managementListenAddress: `127.0.0.1:${managementPort}`,
          certificate: ca.serverCert.certFile,
          privateKey: ca.serverCert.keyFile,
          httpPort: 5002,
          tlsPort: 5001,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
          domainBlocklist: options.blockedDomains ?? [],
          ...(options.validitySeconds ? { certificateValidityPeriod: options.validitySeconds } : {}),
        },
      }));
      // No random validation sleeps, no rejected nonces, as little reuse of valid authorizations as
      // Pebble allows. Pebble 2.4 makes a new authorization only when rand.Intn(100) exceeds
      // PEBBLE_AUTHZREUSE, so even at 0 it reuses a valid one for 1 order in 100: a renewal may
      // need no challenge. Tests count what Pebble logs (issued, authorizationsCreated), not challenges.
      const pebbleEnv = { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' };
      const pebble = launch('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`, '-strict=false'], pebbleEnv);
      processes.push(pebble.child);
      const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
      await pebble.until(async () => (await get(directoryUrl, ca.caPem).catch(() => undefined)) !== undefined);
      const rootPem = await get(`https://127.0.0.1:${managementPort}/roots/0`, ca.caPem);
      const dnsApi = async (action: string, body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${dnsApiPort}/${action}`, { method: 'POST', body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`challtestsrv ${action}: HTTP ${res.status}`);
      };
      const stopOne = (child: ChildProcess) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      return {
        directoryUrl,
        rootPem,
        dnsServer: `127.0.0.1:${dnsPort}`,
        ca,
        env: { ACME_DIRECTORY_URL: directoryUrl, NODE_EXTRA_CA_CERTS: ca.caFile, HTTPS_RESOLVER: `127.0.0.1:${dnsPort}` },
        setA: (host, addresses) => dnsApi('add-a', { host: fqdn(host), addresses }),
        clearA: (host) => dnsApi('clear-a', { host: fqdn(host) }),
        setTxt: (host, value) => dnsApi('set-txt', { host: fqdn(host), value }),
        clearTxt: (host) => dnsApi('clear-txt', { host: fqdn(host) }),
        issued: () => pebble.lines(/Issued certificate serial /).length,
        authorizationsCreated: () => pebble.lines(/There are now \d+ authorizations in the db/).length,
        stopPebble: () => stopOne(pebble.child),
        async stop() {
          await Promise.all(processes.map(stopOne));
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      for (const child of processes) child.kill('SIGKILL');
      if (attempt >= 3) throw error;
    }
  }
}

/** Starts a process and keeps its output for the error message should it not come up. */
function launch(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    /** The lines of its output so far that match. */
    lines: (pattern: RegExp) => output.split('\n').filter((line) => pattern.test(line)),
    async until(ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${command} exited: ${output}`);
        if (await ready()) return;
        if (Date.now() > deadline) throw new Error(`${command} did not come up in time: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A GET over HTTPS trusting `ca` (Node's fetch cannot be given a CA). */
export function get(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}
