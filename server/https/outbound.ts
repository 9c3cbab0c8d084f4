import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

/** A failure the host can act on, in one sentence (shown in the banner and on the board). */
export class HttpsSetupError extends Error {}

/**
 * The certificates trusted for the ACME server and the DNS providers: Node's usual roots
 * plus NODE_EXTRA_CA_CERTS. Node applies that variable itself only when the process starts;
 * reading it here as a setting also covers servers started in-process (tests, embedders).
 */
export function trustedAgent(extraCaPem: string | undefined): https.Agent {
  return new https.Agent({ ca: extraCaPem ? [...tls.rootCertificates, extraCaPem] : [...tls.rootCertificates], keepAlive: false });
}

export interface OutboundResponse {
  status: number;
  text: string;
}

/**
 * One request to an outside API, bounded in time and size. `service` names it in errors
 * ("Could not reach DuckDNS …"); the URL is never part of a message, as it may carry a token.
 */
export function request(
  url: string,
  options: { service: string; agent: https.Agent; method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<OutboundResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: options.method ?? 'GET',
        headers: { 'user-agent': 'barback', ...options.headers, ...(options.body ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) },
        ...(target.protocol === 'https:' ? { agent: options.agent } : {}),
        timeout: options.timeoutMs ?? 20_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.length > 1_000_000) req.destroy(new Error('answer too large'));
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(new HttpsSetupError(`Could not reach ${options.service} at ${target.host} (${networkReason(error)}).`));
    });
    req.end(options.body);
  });
}

/** A short, human reason for a network failure. */
function networkReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its name does not resolve: is this laptop online?';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
      return 'no answer in time';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'network unreachable: is this laptop online?';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `its certificate is not trusted (${error.code}); see NODE_EXTRA_CA_CERTS`;
    default:
      return error.code ?? error.message;
  }
}
