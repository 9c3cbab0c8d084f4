import type http from 'node:http';
import type https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { isTrustedProxy, normalizeAddress, type ProxyTrust } from './client-address.ts';
import type { ErrorCode } from '../../shared/schemas/errors.ts';
import { rawErrorAnswer } from './errors.ts';

/** Plain HTTP connections one client address may hold, like the cap on its WebSockets. */
export const HTTP_CONNECTIONS_PER_ADDRESS = 200;
/** How long a refused client may take to read its answer before the connection is cut. */
const CLOSE_GRACE_MS = 2_000;

interface Tracked {
  socket: Socket;
  address: string;
  /** Requests under way on this connection; one with none is idle and may be let go. */
  busy: number;
}

/**
 * Every open connection costs a file descriptor, and 1,100 idle ones from one machine once
 * used up the process's 1,024 and took the health check down with them. So each client
 * address may hold at most `limit` plain HTTP connections (WebSockets are capped apart, by
 * the live-events server). At the cap, the address's oldest idle connection (waiting for a
 * first request, or kept alive between requests) is closed to make room, so a party behind
 * one NAT'd address is never refused for connections it is not using; only when every one
 * of them has a request under way is the new connection closed at once. Trusted proxies
 * carry many clients and are not capped; the proxy in front has to limit those.
 */
export function guardConnections(server: http.Server | https.Server, trust: ProxyTrust, limit = HTTP_CONNECTIONS_PER_ADDRESS): void {
  const byAddress = new Map<string, Set<Tracked>>(); // each set in opening order, oldest first
  // Requests on HTTPS arrive on the TLS socket, not the TCP one seen at `connection`; the
  // peer's address and port name the connection on both.
  const byPeer = new Map<string, Tracked>();
  const peerKey = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;

  const forget = (tracked: Tracked, key: string) => {
    if (byPeer.get(key) === tracked) byPeer.delete(key);
    const open = byAddress.get(tracked.address);
    if (!open?.delete(tracked)) return;
    if (open.size === 0) byAddress.delete(tracked.address);
  };

  server.on('connection', (socket: Socket) => {
    const address = normalizeAddress(socket.remoteAddress);
    if (!address || isTrustedProxy(address, trust)) return;
    let open = byAddress.get(address);
    if (!open) byAddress.set(address, (open = new Set()));
    if (open.size >= limit) {
      const idle = [...open].find((tracked) => tracked.busy === 0);
      if (!idle) {
        socket.destroy();
        return;
      }
      forget(idle, peerKey(idle.socket));
      idle.socket.destroy();
    }
    const tracked: Tracked = { socket, address, busy: 0 };
    const key = peerKey(socket);
    open.add(tracked);
    byPeer.set(key, tracked);
    socket.once('close', () => forget(tracked, key));
  });

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const tracked = byPeer.get(peerKey(req.socket as Socket));
    if (!tracked) return;
    tracked.busy += 1;
    res.once('close', () => {
      tracked.busy -= 1;
    });
  });

  // An upgraded connection is a WebSocket from here on, counted by the live-events server.
  server.prependListener('upgrade', (req: http.IncomingMessage) => {
    const key = peerKey(req.socket as Socket);
    const tracked = byPeer.get(key);
    if (tracked) forget(tracked, key);
  });
}

/**
 * Requests Node cannot parse (oversized headers, a broken request line, a slow-header
 * client cut off, a connection that never sends a request) never reach Express; answer
 * them in the error envelope too instead of Node's empty-bodied default, then hang up.
 */
export function answerUnreadableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  // An answer already under way on this socket cannot be followed by another one.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request took too long to arrive.']
        : [400, 'bad_request', 'The request could not be read.'];
  refuseSocket(socket, status, code, message);
}

/** Answers a request Express does not handle in the error envelope, and closes the connection. */
export function refuseSocket(socket: Duplex, status: number, code: ErrorCode, message: string, headers?: Record<string, string>): void {
  socket.end(rawErrorAnswer(status, code, message, headers));
  // end() only half-closes: a client that never reads or never closes its side would keep
  // the socket (and its descriptor) for ever, so it is cut once it had time to read.
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}
