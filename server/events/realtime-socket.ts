import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { AccessClaims } from '../auth/tokens.ts';
import { isRevocable, tokenSubject, type RevocableClaims, type TokenRevocations } from '../auth/token-revocations.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { AuthGuards } from '../auth/middleware.ts';
import type { EventBus } from './event-bus.ts';
import { clientAddress } from '../http/client-address.ts';
import { refuseSocket } from '../http/connection-guard.ts';
import { Broker, checkEvents, type Subscriber, type Subscription } from './broker.ts';
import { mayPublish, maySubscribe, parseChannel, tokenFrom } from './channels.ts';

export const REALTIME_PATH = '/event/realtime';
const PROTOCOL = 'aws-appsync-event-ws';

export interface RealtimeLimits {
  /** A party shares one NAT address, so this is generous; it stops one machine hoarding sockets. */
  connectionsPerAddress: number;
  subscriptionsPerConnection: number;
  /** A client that does not read its socket is cut off rather than buffered for without end. */
  maxBufferedBytes: number;
  initTimeoutMs: number;
  keepAliveMs: number;
}

export const DEFAULT_LIMITS: RealtimeLimits = {
  connectionsPerAddress: 200,
  subscriptionsPerConnection: 100,
  maxBufferedBytes: 1024 * 1024,
  initTimeoutMs: 10_000,
  keepAliveMs: 30_000,
};

// Five events of 240 KB, sent twice (Amplify repeats them under `payload`), plus envelope.
const MAX_FRAME_BYTES = 3 * 1024 * 1024;
const SUBSCRIPTION_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const SWEEP_INTERVAL_MS = 1_000;
const CONNECTION_TIMEOUT_MS = 300_000;

type Message = Record<string, unknown>;

/** What the socket server uses of the instance. */
export interface RealtimeDeps {
  config: Config;
  logger: Logger;
  events: EventBus;
  auth: AuthGuards;
  revocations: TokenRevocations;
}

const errorsOf = (errorType: string, message: string) => [{ errorType, message }];

/**
 * The AppSync Events WebSocket protocol at /event/realtime, as the unmodified aws-amplify
 * client speaks it. Every subscribe and publish carries its own token and is authorized on
 * its own: the connection's token only opens the door.
 */
export class RealtimeServer {
  private readonly wss: WebSocketServer;
  private readonly perAddress = new Map<string, number>();
  // Connections are spread over buckets so keep-alives cost a little each
  // second instead of one long pause every 30 seconds.
  private readonly buckets: Set<Connection>[];
  private readonly byUser = new Map<string, Set<Connection>>();
  /** Connections holding a token of a revocable role (the host's), on the socket or a subscription. */
  private readonly revocable = new Set<Connection>();
  private nextBucket = 0;
  private tick = 0;
  private readonly sweepTimer: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly ctx: RealtimeDeps,
    readonly broker: Broker,
    readonly limits: RealtimeLimits = DEFAULT_LIMITS,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: MAX_FRAME_BYTES,
      // Browsers drop a connection whose subprotocol is not echoed, so choose it explicitly.
      handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
    });
    const bucketCount = Math.max(1, Math.round(limits.keepAliveMs / SWEEP_INTERVAL_MS));
    this.buckets = Array.from({ length: bucketCount }, () => new Set<Connection>());
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** Open sockets on this instance. */
  get connectionCount(): number {
    let count = 0;
    for (const bucket of this.buckets) count += bucket.size;
    return count;
  }

  attach(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      // The only WebSocket endpoint: refuse any other upgrade instead of leaving the socket hanging.
      if (path !== REALTIME_PATH) return refuseSocket(socket, 404, 'not_found', 'No WebSocket endpoint here; live events are at /event/realtime.');
      this.upgrade(req, socket, head).catch((error: unknown) => {
        this.ctx.logger.warn({ err: (error as Error).message }, 'events: upgrade failed');
        socket.destroy();
      });
    });
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    if (this.closing) return refuseSocket(socket, 503, 'service_unavailable', 'The server is shutting down.');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes(PROTOCOL)) return refuseSocket(socket, 400, 'bad_request', 'Offer the aws-appsync-event-ws subprotocol.');
    const address = clientAddress(req, this.ctx.config.trustProxy);
    const open = this.perAddress.get(address) ?? 0;
    if (open >= this.limits.connectionsPerAddress) {
      return refuseSocket(socket, 429, 'too_many_connections', 'Too many live connections from this address.', { 'Retry-After': '5' });
    }
    this.perAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    });
    const header = offered.find((p) => p.startsWith('header-'));
    const token = tokenFrom(decodeHeader(header?.slice('header-'.length)));
    const claims = token ? await this.ctx.auth.verify(token) : null;
    // A shutdown that began while the token was checked has already closed every connection
    // it knew of; this one must not open after it.
    if (this.closing) return refuseSocket(socket, 503, 'service_unavailable', 'The server is shutting down.');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, claims));
  }

  private accept(ws: WebSocket, claims: AccessClaims | null): void {
    const bucket = this.buckets[this.nextBucket++ % this.buckets.length]!;
    const connection = new Connection(ws, claims, this);
    bucket.add(connection);
    if (claims?.role === 'guest') this.indexUser(claims.user_key, connection);
    if (claims && isRevocable(claims)) this.revocable.add(connection);
    ws.once('close', () => {
      bucket.delete(connection);
      this.revocable.delete(connection);
      connection.dispose();
    });
  }

  verify(token: string | undefined): Promise<AccessClaims | null> {
    return token ? this.ctx.auth.verify(token) : Promise.resolve(null);
  }

  publish(path: string, events: string[]): void {
    this.ctx.events.publishClientEvents(path, events);
  }

  indexUser(userKey: string, connection: Connection): void {
    let set = this.byUser.get(userKey);
    if (!set) this.byUser.set(userKey, (set = new Set()));
    set.add(connection);
    connection.userKeys.add(userKey);
  }

  forgetUser(userKey: string, connection: Connection): void {
    const set = this.byUser.get(userKey);
    if (!set) return;
    set.delete(connection);
    if (set.size === 0) this.byUser.delete(userKey);
  }

  /** A revoked guest is cut off at once: their subscriptions end and their own sockets close. */
  revoke(userKey: string): void {
    for (const connection of [...(this.byUser.get(userKey) ?? [])]) connection.revoke(userKey);
  }

  trackRevocable(connection: Connection): void {
    this.revocable.add(connection);
  }

  /**
   * Some of a subject's tokens were revoked (sign out, sign out everywhere, a new password):
   * subscriptions they authorized end and sockets they opened close, on this instance.
   */
  async revokeTokens(subject: string): Promise<void> {
    const isRevoked = (claims: RevocableClaims) => this.ctx.revocations.isRevoked(claims, { fresh: true });
    await Promise.all([...this.revocable].map((connection) => connection.revokeTokens(subject, isRevoked)));
  }

  private sweep(): void {
    const bucket = this.buckets[this.tick++ % this.buckets.length]!;
    for (const connection of bucket) connection.sweep();
    this.broker.expireDue(Date.now());
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweepTimer);
    const closed: Promise<void>[] = [];
    for (const bucket of this.buckets) {
      for (const connection of bucket) closed.push(connection.shutdown());
    }
    await Promise.all(closed);
    this.wss.close();
  }
}

/** One client's socket: its handshake state and its subscriptions. */
class Connection implements Subscriber {
  readonly subscriptions = new Map<string, Subscription>();
  readonly userKeys = new Set<string>();
  /** The revocable token behind each subscription it authorized (by subscription id). */
  private readonly revocableTokens = new Map<string, RevocableClaims>();
  private initialized = false;
  private alive = true;
  private initTimer: NodeJS.Timeout | undefined;
  // Messages are handled in order even though authorizing one may wait for the database.
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    private readonly claims: AccessClaims | null,
    private readonly server: RealtimeServer,
  ) {
    this.initTimer = setTimeout(() => this.ws.close(4408, 'connection_init not received'), server.limits.initTimeoutMs);
    ws.on('message', (data, isBinary) => {
      this.queue = this.queue.then(() => this.onMessage(data, isBinary)).catch(() => this.ws.terminate());
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', () => ws.terminate());
  }

  send(frame: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(frame);
    if (this.ws.bufferedAmount > this.server.limits.maxBufferedBytes) this.ws.terminate();
  }

  private reply(message: Message): void {
    this.send(JSON.stringify(message));
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return this.error(undefined, 'BadRequestException', 'Binary frames are not supported.');
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch {
      return this.error(undefined, 'BadRequestException', 'The message is not valid JSON.');
    }
    if (!message || typeof message !== 'object' || Array.isArray(message)) {
      return this.error(undefined, 'BadRequestException', 'The message must be a JSON object.');
    }
    const msg = message as Message;
    const id = typeof msg.id === 'string' && SUBSCRIPTION_ID.test(msg.id) ? msg.id : undefined;
    if (msg.type === 'connection_init') return this.init();
    if (!this.initialized) return this.error(id, 'BadRequestException', 'Send connection_init first.');
    switch (msg.type) {
      case 'subscribe':
        return this.subscribe(id, msg);
      case 'unsubscribe':
        return this.unsubscribe(id);
      case 'publish':
        return this.publish(id, msg);
      default:
        // JSON.stringify, not String(): `[{"toString":null}]` has no string form and would throw.
        return this.error(id, 'UnsupportedOperation', `Unknown message type ${String(JSON.stringify(msg.type)).slice(0, 80)}.`);
    }
  }

  private init(): void {
    clearTimeout(this.initTimer);
    if (!this.claims) {
      this.reply({
        type: 'connection_error',
        errors: errorsOf('UnauthorizedException', 'The access token is missing, invalid or expired.'),
      });
      this.ws.close(4401, 'Unauthorized');
      return;
    }
    this.initialized = true;
    this.reply({ type: 'connection_ack', connectionTimeoutMs: CONNECTION_TIMEOUT_MS });
  }

  private async subscribe(id: string | undefined, msg: Message): Promise<void> {
    if (!id) return this.error(undefined, 'BadRequestException', 'A subscribe needs an id of up to 128 letters, digits, _ . : -.');
    const channel = parseChannel(msg.channel, true);
    if (!channel) return this.refuse('subscribe_error', id, 'BadRequestException', 'Invalid channel.');
    const limit = this.server.limits.subscriptionsPerConnection;
    if (this.subscriptions.size >= limit && !this.subscriptions.has(id)) {
      return this.refuse('subscribe_error', id, 'LimitExceededException', `At most ${limit} subscriptions per connection.`);
    }
    const claims = await this.server.verify(tokenFrom(msg.authorization));
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (!claims) return this.refuse('subscribe_error', id, 'UnauthorizedException', 'The access token is missing, invalid or expired.');
    if (!maySubscribe(claims, channel)) {
      return this.refuse('subscribe_error', id, 'UnauthorizedException', `Not allowed to subscribe to ${channel.path}${channel.wildcard ? '/*' : ''}.`);
    }
    const previous = this.subscriptions.get(id);
    if (previous) this.server.broker.remove(previous);
    this.revocableTokens.delete(id);
    const userKey = claims.role === 'guest' ? claims.user_key : undefined;
    const subscription: Subscription = {
      id,
      idJson: JSON.stringify(id),
      channel,
      expiresAt: claims.exp * 1000,
      userKey,
      subscriber: this,
    };
    this.subscriptions.set(id, subscription);
    this.server.broker.add(subscription);
    if (userKey) this.server.indexUser(userKey, this);
    if (isRevocable(claims)) {
      this.revocableTokens.set(id, claims);
      this.server.trackRevocable(this);
    }
    this.reply({ type: 'subscribe_success', id });
  }

  private unsubscribe(id: string | undefined): void {
    const subscription = id ? this.subscriptions.get(id) : undefined;
    if (!id || !subscription) return this.refuse('unsubscribe_error', id, 'BadRequestException', 'No such subscription.');
    this.drop(subscription);
    this.reply({ type: 'unsubscribe_success', id });
  }

  private async publish(id: string | undefined, msg: Message): Promise<void> {
    if (!id) return this.error(undefined, 'BadRequestException', 'A publish needs an id.');
    const channel = parseChannel(msg.channel, false);
    if (!channel) return this.refuse('publish_error', id, 'BadRequestException', 'Invalid channel.');
    const events = checkEvents(msg.events);
    if ('problem' in events) return this.refuse('publish_error', id, 'BadRequestException', events.problem);
    const claims = await this.server.verify(tokenFrom(msg.authorization));
    if (!claims) return this.refuse('publish_error', id, 'UnauthorizedException', 'The access token is missing, invalid or expired.');
    if (!mayPublish(claims)) return this.refuse('publish_error', id, 'UnauthorizedException', 'This account may not publish.');
    this.server.publish(channel.path, events);
    this.reply({
      type: 'publish_success',
      id,
      successful: events.map((_, index) => ({ identifier: randomUUID(), index })),
      failed: [],
    });
  }

  private refuse(type: string, id: string | undefined, errorType: string, message: string): void {
    this.reply({ type, id, errors: errorsOf(errorType, message) });
  }

  private error(id: string | undefined, errorType: string, message: string): void {
    this.reply({ type: 'error', ...(id ? { id } : {}), errors: errorsOf(errorType, message) });
  }

  /**
   * Ends one subscription whose token expired or was revoked: a `subscribe_error` for its id.
   * Amplify fails only that subscription (the app subscribes again with a fresh token) and keeps
   * the socket; a connection-level `error` would make it close the socket, and the other
   * subscriptions on it would be left waiting on a socket that is gone.
   */
  private authError(subscription: Subscription, message: string): void {
    this.refuse('subscribe_error', subscription.id, 'UnauthorizedException', message);
  }

  expire(subscription: Subscription): void {
    this.drop(subscription);
    this.authError(subscription, 'Token expired');
  }

  revoke(userKey: string): void {
    for (const subscription of [...this.subscriptions.values()]) {
      if (subscription.userKey !== userKey) continue;
      this.drop(subscription);
      this.authError(subscription, 'Access revoked');
    }
    this.server.forgetUser(userKey, this);
    this.userKeys.delete(userKey);
    if (this.claims?.role === 'guest' && this.claims.user_key === userKey) this.ws.close(4403, 'Access revoked');
  }

  async revokeTokens(subject: string, isRevoked: (claims: RevocableClaims) => Promise<boolean>): Promise<void> {
    for (const [id, claims] of [...this.revocableTokens]) {
      if (tokenSubject(claims) !== subject || !(await isRevoked(claims))) continue;
      const subscription = this.subscriptions.get(id);
      if (!subscription || this.revocableTokens.get(id) !== claims) continue;
      this.drop(subscription);
      this.authError(subscription, 'Access revoked');
    }
    const own = this.claims;
    if (own && isRevocable(own) && tokenSubject(own) === subject && (await isRevoked(own))) this.ws.close(4403, 'Access revoked');
  }

  private drop(subscription: Subscription): void {
    this.subscriptions.delete(subscription.id);
    this.revocableTokens.delete(subscription.id);
    this.server.broker.remove(subscription);
  }

  sweep(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
    if (this.initialized) this.send('{"type":"ka"}');
  }

  shutdown(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), 1_000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1001, 'Server shutting down');
    });
  }

  dispose(): void {
    clearTimeout(this.initTimer);
    for (const subscription of this.subscriptions.values()) this.server.broker.remove(subscription);
    this.subscriptions.clear();
    this.revocableTokens.clear();
    for (const userKey of this.userKeys) this.server.forgetUser(userKey, this);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

/** The `header-` subprotocol: base64url JSON of the auth headers. Anything odd is no auth. */
function decodeHeader(encoded: string | undefined): unknown {
  if (!encoded || encoded.length > 8192) return undefined;
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString());
  } catch {
    return undefined;
  }
}
