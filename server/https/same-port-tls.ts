import type http from 'node:http';
import type net from 'node:net';
import tls from 'node:tls';

const TLS_HANDSHAKE = 0x16;

/**
 * HTTPS and plain HTTP on one port, so that the port in every join link stays the same and a
 * phone that still has the old http:// address is answered (with a redirect) instead of an
 * error. While a certificate is in use, each new connection's first byte says what it is:
 * a TLS handshake goes through a TLS server whose context can be swapped live
 * (`setSecureContext`: open connections keep theirs, new ones get the new certificate);
 * anything else goes to Node's own HTTP handling. Both end in the same http.Server, so
 * routes, WebSocket upgrades, timeouts and shutdown work alike for both.
 */
export class SamePortTls {
  private readonly tlsServer: tls.Server;
  private readonly plain: (socket: net.Socket) => void;
  private readonly undecided = new Set<net.Socket>();
  private active = false;

  constructor(private readonly server: http.Server) {
    const [plain] = server.listeners('connection') as ((socket: net.Socket) => void)[];
    if (!plain) throw new Error('the HTTP server has no connection handler');
    this.plain = plain;
    server.removeListener('connection', plain);
    server.on('connection', (socket: net.Socket) => this.accept(socket));
    this.tlsServer = tls.createServer({ ALPNProtocols: ['http/1.1'], handshakeTimeout: 10_000 }, (secure) => this.plain.call(server, secure));
    // A failed handshake (a client that does not trust the certificate, a scanner) ends that socket only.
    this.tlsServer.on('tlsClientError', (_error, socket) => socket.destroy());
  }

  /** Serves this certificate (chain and key, PEM) to new TLS connections from now on. */
  use(certificatePem: string, keyPem: string): void {
    this.tlsServer.setSecureContext({ cert: certificatePem, key: keyPem });
    this.active = true;
  }

  /** Back to plain HTTP only (the certificate expired). */
  stop(): void {
    this.active = false;
  }

  /** Hangs up on connections that never said anything, so that shutdown does not wait for them. */
  close(): void {
    for (const socket of this.undecided) socket.destroy();
  }

  private accept(socket: net.Socket): void {
    // Another 'connection' listener (the per-address cap) may have closed it already.
    if (socket.destroyed) return;
    if (!this.active) return this.plain.call(this.server, socket);
    this.undecided.add(socket);
    socket.on('error', () => socket.destroy());
    // A silent connection (a browser's preconnect) is given as long as a request's headers.
    const silent = () => socket.destroy();
    socket.setTimeout(this.server.headersTimeout || 60_000, silent);
    socket.once('close', () => this.undecided.delete(socket));
    this.route(socket, silent);
  }

  /** Reads the first bytes without the socket flowing, puts them back, and hands the socket on. */
  private route(socket: net.Socket, silent: () => void): void {
    const first = socket.read() as Buffer | null;
    if (first === null) {
      socket.once('readable', () => this.route(socket, silent));
      return;
    }
    socket.unshift(first);
    socket.setTimeout(0);
    socket.off('timeout', silent);
    this.undecided.delete(socket);
    if (first[0] === TLS_HANDSHAKE) this.tlsServer.emit('connection', socket);
    else this.plain.call(this.server, socket);
  }
}
