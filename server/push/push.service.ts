import dns from 'node:dns/promises';
import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import { AppError } from '../http/errors.ts';
import type { PushSubscriptionBody, WorkerPush } from '../../shared/schemas/push.ts';
import type { PushMessage } from '../../shared/push-message.ts';
import { orderPushMessage, type OrderPushEvent } from './push-payload.ts';
import { PushBadgeRepository } from './push-badge.repository.ts';

/** Everything barback pushes: a ready drink (declarative), a call again, last call. */
type OutgoingPush = PushMessage | WorkerPush;
import { PushRepository, type PushSubscriptionRow, type VapidKeys } from './push.repository.ts';
import { safePushEndpoint } from './push-endpoint.ts';
import type { SecretBox } from '../auth/secret-box.ts';
import { SECRET_CONTEXT } from '../auth/stored-secrets.ts';

/**
 * Subscriptions a guest keeps; registering another lets the oldest go. A phone or two and a
 * browser change are real; three hundred were one guest making every ready order fan out.
 */
export const PUSH_SUBSCRIPTIONS_PER_GUEST = 5;

export interface PushOptions {
  extraHosts: string[];
  /** Seals the VAPID private key in the database. */
  secrets: SecretBox;
  /** Delays between attempts after a failure the push service may recover from. */
  retryDelaysMs?: number[];
  subject?: string;
  /** A DNS server to ask in the reachability probe instead of the system's resolver. */
  probeDns?: string;
  /** The HTTPS agent for push requests: the system's roots plus NODE_EXTRA_CA_CERTS. */
  agent: Agent;
  /** The origin guests open, for the notification's link (see push-payload.ts). */
  appOrigin: () => string;
}

export type PushStatus = { available: true } | { available: false; reason: string };

export class PushService {
  private readonly repo: PushRepository;
  private readonly badges: PushBadgeRepository;
  private keys: VapidKeys | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private unlisten: (() => void) | undefined;
  status: PushStatus = { available: false, reason: 'not started' };
  /** Settles once reachability of the push services is known (a DNS probe, at most 1.5 s). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly options: PushOptions,
  ) {
    this.repo = new PushRepository(db);
    this.badges = new PushBadgeRepository(db);
  }

  async init(): Promise<void> {
    // The private key is stored sealed (see server/auth/secret-box.ts) and opened only here.
    const { secrets } = this.options;
    const sealed = ({ publicKey, privateKey }: VapidKeys) => ({ publicKey, privateKey: secrets.seal(privateKey, SECRET_CONTEXT.vapid) });
    const stored = (await this.repo.findVapidKeys()) ?? (await this.repo.saveVapidKeysOnce(sealed(webpush.generateVAPIDKeys())));
    this.keys = { ...stored, privateKey: secrets.open(stored.privateKey, SECRET_CONTEXT.vapid) };
    this.ready = this.probe().then((status) => {
      this.status = status;
    });
    // Once per change: the instance that made it sends the push, others only relay the event.
    // A walk-up (no user_key) has no phone to ring: the bar calls the name out.
    const unlisten = [
      this.events.on('order.status_changed', ({ order }, { remote }) => {
        if (remote || order.status !== 'ready' || order.user_key === null) return;
        this.track(this.notifyReady(order.user_key, { type: 'ORDER_READY', order_id: order.id, drink_name: order.drink_name }));
      }),
      this.events.on('order.called', ({ order }, { remote }) => {
        if (remote || order.user_key === null) return;
        this.track(this.notifyGuest(order.user_key, { type: 'ORDER_CALLED', order_id: order.id, drink_name: order.drink_name, calls: order.calls }));
      }),
      // Last call rings every phone once, when it starts (not when its message changes).
      this.events.on('bar.status_changed', ({ bar, previous_status: previous }, { remote }) => {
        if (remote || bar.status !== 'last_call' || previous === 'last_call') return;
        this.track(this.notifyEveryone({ type: 'BAR_STATUS_CHANGED', status: bar.status, message: bar.message, closes_at: bar.closes_at }));
      }),
    ];
    this.unlisten = () => {
      for (const stop of unlisten) stop();
    };
  }

  /**
   * Push needs the push services on the internet; a party LAN without it gets live events only.
   * PUSH_PROBE_DNS points the probe at a given DNS server (a network whose resolver the system
   * does not use, or a test that decides what the name resolves to).
   */
  private async probe(): Promise<PushStatus> {
    if (this.options.extraHosts.length > 0) return { available: true };
    const resolve = (host: string): Promise<unknown> => {
      if (!this.options.probeDns) return dns.lookup(host);
      const resolver = new dns.Resolver({ timeout: 1_000, tries: 1 });
      resolver.setServers([this.options.probeDns]);
      return resolver.resolve4(host);
    };
    try {
      await Promise.race([
        resolve('fcm.googleapis.com'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_500).unref()),
      ]);
      return { available: true };
    } catch {
      return { available: false, reason: 'no internet access: the browser push services cannot be reached' };
    }
  }

  publicKey(): string | undefined {
    return this.status.available ? this.keys?.publicKey : undefined;
  }

  /** Stores the subscription under its normalised endpoint, which the answer names. */
  async subscribe(userKey: string, body: PushSubscriptionBody): Promise<{ outcome: 'created' | 'updated'; endpoint: string }> {
    const endpoint = safePushEndpoint(body.endpoint, this.options.extraHosts);
    if (!endpoint) throw new AppError(400, 'invalid_subscription', 'The endpoint must be an https URL of a browser push service.');
    const created = await this.db.transaction(async (tx) => {
      const repo = new PushRepository(tx);
      // One guest's registrations queue here, so the cap holds under concurrent ones too.
      await repo.lockGuest(userKey);
      const inserted = await repo.upsert(userKey, endpoint, body.keys.p256dh, body.keys.auth);
      await repo.keepNewest(userKey, PUSH_SUBSCRIPTIONS_PER_GUEST);
      return inserted;
    });
    return { outcome: created ? 'created' : 'updated', endpoint };
  }

  async unsubscribe(userKey: string, endpoint: string): Promise<void> {
    await this.repo.delete(userKey, safePushEndpoint(endpoint, this.options.extraHosts) ?? endpoint);
  }

  /**
   * Once per order: a drink recalled and made ready again is the same drink at the bar, so
   * the phone rings once (the host's "Call again" is how to ring it again). Until a phone is
   * subscribed there is nothing to ring and nothing is claimed.
   */
  private async notifyReady(userKey: string, event: OrderPushEvent): Promise<void> {
    const subscriptions = await this.repo.claimReadyPush(event.order_id);
    if (subscriptions.length === 0) return;
    const readyCount = await this.badges.readyCount(userKey);
    const message = orderPushMessage(event, { origin: this.options.appOrigin(), readyCount });
    await Promise.all(subscriptions.map((subscription) => this.deliver(subscription, message)));
  }

  private async notifyGuest(userKey: string, message: WorkerPush): Promise<void> {
    const subscriptions = await this.repo.forGuest(userKey);
    await Promise.all(subscriptions.map((subscription) => this.deliver(subscription, message)));
  }

  /** A few at a time: a party's worth of requests at once would queue on the push service anyway. */
  private async notifyEveryone(message: WorkerPush): Promise<void> {
    const subscriptions = await this.repo.all();
    for (let start = 0; start < subscriptions.length; start += 20) {
      await Promise.all(subscriptions.slice(start, start + 20).map((subscription) => this.deliver(subscription, message)));
    }
  }

  private async deliver(subscription: PushSubscriptionRow, message: OutgoingPush): Promise<void> {
    // Checked again just before sending: a row stored by an older barback, or before the
    // operator shortened PUSH_ENDPOINT_HOSTS, gets no request.
    if (safePushEndpoint(subscription.endpoint, this.options.extraHosts) !== subscription.endpoint) {
      await this.repo.deleteById(subscription.id);
      this.logger.warn({ user_key: subscription.user_key }, 'push subscription with an endpoint no longer allowed; deleted');
      return;
    }
    const delays = this.options.retryDelaysMs ?? [1_000, 5_000, 15_000];
    const where = new URL(subscription.endpoint).host; // never log the path: it is the secret
    for (let attempt = 0; ; attempt++) {
      try {
        await webpush.sendNotification(
          { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
          JSON.stringify(message),
          {
            vapidDetails: { subject: this.options.subject ?? 'mailto:host@barback.invalid', ...this.keys! },
            TTL: 600,
            urgency: 'high',
            topic: 'order_id' in message ? message.order_id.replace(/-/g, '') : 'bar',
            contentEncoding: 'aes128gcm',
            timeout: 10_000,
            agent: this.options.agent,
          },
        );
        await this.repo.markDelivered(subscription.id);
        return;
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) {
          await this.repo.deleteById(subscription.id);
          this.logger.info({ push_host: where, status }, 'push subscription gone; deleted');
          return;
        }
        const retryable = status === undefined || status === 429 || status >= 500;
        const delay = delays[attempt];
        if (!retryable || delay === undefined) {
          this.logger.warn({ push_host: where, status, attempts: attempt + 1 }, 'push delivery failed');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private track(work: Promise<void>): void {
    const guarded = work.catch((error: unknown) => this.logger.warn({ err: String(error) }, 'push notification error'));
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }

  /** Resolves when every push under way has finished (tests, and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.unlisten?.();
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
  }
}
