import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Which peers may tell barback who the client is (TRUST_PROXY): none, the nearest `hops`
 * proxies, or proxies at the listed addresses and subnets.
 */
export type ProxyTrust = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; addresses: string[] };

/** `TRUST_PROXY=true`: a proxy or tunnel client on this machine. */
const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/**
 * The address every per-address limit counts (failed logins and codes, live connections).
 *
 * X-Forwarded-For is a list each proxy appends to, so only its right end is trustworthy:
 * everything to the left of what the nearest trusted proxy wrote came from the client, who
 * can write anything there. The walk therefore starts at the socket's peer and moves left
 * only while the hop it just read is a trusted proxy; the first untrusted hop is the client.
 * A malformed entry ends the walk at the proxy that passed it on, so garbage never becomes
 * a fresh address of its own.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trust: ProxyTrust): string {
  const peer = normalizeAddress(req.socket.remoteAddress) ?? 'unknown';
  if (trust.kind === 'none') return peer;
  const forwarded = forwardedFor(req.headers['x-forwarded-for']);
  let client = peer;
  for (let hop = 0; hop < forwarded.length && trustsHop(trust, client, hop); hop++) {
    const next = normalizeAddress(forwarded[hop]);
    if (!next) break;
    client = next;
  }
  return client;
}

/** Whether the socket's own peer is a proxy barback trusts (those are not capped as clients). */
export function isTrustedProxy(peer: string | undefined, trust: ProxyTrust): boolean {
  const address = normalizeAddress(peer);
  return address !== undefined && trustsHop(trust, address, 0);
}

/**
 * The same rule in Express's terms (`trust proxy` as a function of address and hop), so that
 * `req.protocol` believes X-Forwarded-Proto exactly when the client address comes from a proxy.
 */
export function expressTrust(trust: ProxyTrust): (address: string, hop: number) => boolean {
  return (address, hop) => {
    const normalized = normalizeAddress(address);
    return normalized !== undefined && trustsHop(trust, normalized, hop);
  };
}

/** Reads a TRUST_PROXY value; returns a sentence instead when it is not one. */
export function parseProxyTrust(raw: string | undefined): ProxyTrust | string {
  const value = raw?.trim().toLowerCase() ?? '';
  if (['', 'false', 'no', 'off', '0'].includes(value)) return { kind: 'none' };
  if (['true', 'yes', 'on'].includes(value)) return { kind: 'addresses', addresses: LOOPBACK };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 10 ? { kind: 'hops', hops } : `TRUST_PROXY must be a hop count up to 10, got ${hops}.`;
  }
  const addresses = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = addresses.find((entry) => !subnetOf(entry));
  if (bad !== undefined || addresses.length === 0) {
    return `TRUST_PROXY must be true, a hop count or proxy addresses (e.g. 10.0.0.2,192.168.1.0/24), got "${raw}".`;
  }
  return { kind: 'addresses', addresses };
}

const compiled = new WeakMap<string[], BlockList>();

function trustsHop(trust: ProxyTrust, address: string, hop: number): boolean {
  switch (trust.kind) {
    case 'none':
      return false;
    case 'hops':
      return hop < trust.hops;
    case 'addresses': {
      let list = compiled.get(trust.addresses);
      if (!list) compiled.set(trust.addresses, (list = blockListOf(trust.addresses)));
      return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
  }
}

function blockListOf(addresses: string[]): BlockList {
  const list = new BlockList();
  for (const entry of addresses) {
    const subnet = subnetOf(entry)!;
    list.addSubnet(subnet.address, subnet.prefix, subnet.family);
  }
  return list;
}

function subnetOf(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Entries right to left (nearest proxy first); several headers count as one list. */
function forwardedFor(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined.split(',').map((entry) => entry.trim()).reverse();
}

/**
 * One spelling per address: IPv4-mapped IPv6 (what a dual-stack socket reports) becomes plain
 * IPv4, and a port some proxies add ("1.2.3.4:5678", "[::1]:5678") is dropped. Anything that
 * is not an IP address is undefined.
 */
export function normalizeAddress(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  const version = isIP(address);
  if (version === 0) return undefined;
  return version === 6 ? address.toLowerCase() : address;
}
