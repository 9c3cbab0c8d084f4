import { parse as parseLegacyUrl } from 'node:url';

/**
 * The server POSTs to whatever endpoint a guest registers, so an unchecked endpoint would
 * let any guest aim the server at the party's LAN or the cloud's metadata service (SSRF).
 * Only https endpoints on the browser vendors' push services are accepted, plus hosts the
 * operator lists (PUSH_ENDPOINT_HOSTS), matched exactly.
 */
const KNOWN_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'updates.push.services.mozilla.com',
  '.push.services.mozilla.com',
  'web.push.apple.com',
  '.push.apple.com',
  '.notify.windows.com',
];

/** A plain DNS name: letters, digits and inner dashes in dot-separated labels, nothing else. */
const DNS_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The endpoint as barback stores and sends it, or undefined when it is not a push service's.
 *
 * The allow-list reads the host with the WHATWG URL parser, but web-push connects wherever
 * Node's legacy `url.parse` says, and the two split some strings differently:
 * `https://127.0.0.77;.push.apple.com/x` is a push.apple.com name to the first and
 * 127.0.0.77 to the second (so are `"`, `'`, `` ` ``, `{`, `}` and `%3B` there). So a known
 * push service must be a plain DNS name on the default port, without credentials or a
 * fragment; the endpoint is rebuilt from its parts, and it is accepted only if the legacy
 * parser reads the same host, port and path from that rebuilt string.
 */
export function safePushEndpoint(raw: string, extraHosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.hash) return undefined;
  const host = url.hostname;
  const known =
    url.port === '' && DNS_NAME.test(host) && KNOWN_PUSH_HOSTS.some((h) => (h.startsWith('.') ? host.endsWith(h) : host === h));
  const listed = extraHosts.some((h) => h === host || h === url.host);
  if (!known && !listed) return undefined;
  const endpoint = `https://${url.host}${url.pathname}${url.search}`;
  const legacy = parseLegacyUrl(endpoint);
  const agrees = legacy.protocol === 'https:' && legacy.hostname === host && (legacy.port ?? '') === url.port && legacy.path === url.pathname + url.search;
  return agrees ? endpoint : undefined;
}
