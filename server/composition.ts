import type { Config } from './config.ts';
import type { AppContext, PublicOrigin } from './context.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { SigningKeyStore } from './auth/signing-keys.ts';
import { TokenService } from './auth/tokens.ts';
import { GuestStatusCache } from './auth/guest-status.ts';
import { createAuthGuards } from './auth/middleware.ts';
import { openSecretBox } from './auth/secrets-key.ts';
import { TokenRevocations } from './auth/token-revocations.ts';
import { createEventBus } from './events/pg-fanout.ts';
import { LiveEvents } from './events/events-domain.ts';
import { HostAccountService } from './admin/host-account.service.ts';
import { MenuService } from './menu/menu.service.ts';
import { ShelfService } from './menu/shelf.service.ts';
import { OrderService } from './orders/order.service.ts';
import { QueueService } from './orders/queue.service.ts';
import { QueueBroadcaster } from './orders/queue-broadcaster.ts';
import { QUEUE_CHANNEL } from '../shared/channels.ts';
import { GuestAuthService } from './guests/guest-auth.service.ts';
import { GuestAdminService } from './guests/guest-admin.service.ts';
import { RegistrationCodeService } from './guests/registration-code.service.ts';
import { TransferCodeService } from './guests/transfer-code.service.ts';
import { PushService } from './push/push.service.ts';
import { HttpsService } from './https/https.service.ts';
import { AssistantService } from './assistant/assistant.service.ts';
import { BarService } from './bar/bar.service.ts';
import { StaffService } from './staff/staff.service.ts';
import { trustedAgent } from './https/outbound.ts';
import { isLoopbackHost, lanAddress } from './network.ts';

export interface Composed {
  ctx: AppContext;
  /** Tells the context where the server ended up listening (the LAN origin names the port). */
  listening(port: number): void;
  /** Undoes start-up, last built first. */
  close(): Promise<void>;
}

/**
 * The composition root: every service of an instance is built here, once, in dependency
 * order, into one record that nothing changes afterwards; and every reaction to a domain event
 * that is not a live event (those are in server/events/projection.ts) is wired here.
 */
export async function compose(config: Config, db: Database, logger: Logger): Promise<Composed> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const stop of closers.splice(0).reverse()) await stop();
  };
  try {
    const secrets = await openSecretBox(config, db, logger);
    const keys = new SigningKeyStore(db, secrets);
    await keys.init();
    const tokens = new TokenService(keys);
    const events = await createEventBus(db, logger);
    closers.push(() => events.close());
    const guestStatus = new GuestStatusCache(db);
    const revocations = new TokenRevocations(db, events);
    const auth = createAuthGuards(tokens, guestStatus, revocations);
    const hostAccounts = new HostAccountService(db, tokens, config.adminTokenTtl, revocations);
    const menu = new MenuService(db, events);
    await menu.seedDefaultMenu(config.menuLanguage);
    const bar = new BarService(db, events);
    closers.push(() => bar.close());
    const https = new HttpsService(config, db, secrets, logger);
    await https.start();
    closers.push(() => https.close());
    let listeningPort = config.port;
    const scheme = config.tlsCert ? 'https' : 'http';
    const publicOrigin: PublicOrigin = (req) => {
      if (config.publicUrl) return config.publicUrl;
      const secure = https.origin();
      if (secure) return secure;
      const host = req?.get('host');
      if (req && host && !isLoopbackHost(host)) return `${req.protocol}://${host}`;
      return `${scheme}://${lanAddress() ?? 'localhost'}:${listeningPort}`;
    };
    const push = new PushService(db, events, logger, {
      extraHosts: config.pushEndpointHosts,
      secrets,
      probeDns: config.pushProbeDns,
      agent: trustedAgent(config.extraCaPem),
      appOrigin: () => publicOrigin(),
    });
    await push.init();
    closers.push(() => push.close());
    const queue = new QueueService(db);
    const orders = new OrderService(db, events, config.maxActiveOrders, bar, menu, queue);
    const assistant = new AssistantService({
      llm: config.llm,
      db,
      menu,
      logger,
      pastOrders: async (userKey) => (await orders.listForGuest(userKey, undefined)).orders,
    });
    await assistant.init();
    const live = new LiveEvents({ config, logger, events, auth, revocations });
    closers.push(() => live.close());
    // The line, published to this instance's phones after orders move here or elsewhere.
    const queueBroadcaster = new QueueBroadcaster(queue, events, () => live.listens(QUEUE_CHANNEL), logger);
    closers.push(() => queueBroadcaster.close());

    // Revocations, from this instance or another: the one place they take effect here.
    // Guests: refuse their access tokens at once and close their live connections.
    events.on('guest.revoked', ({ user_key: userKey }) => {
      guestStatus.markRevoked(userKey);
      live.realtime.revoke(userKey);
    });
    // Host tokens: forget what was remembered, then recheck the sockets those tokens opened.
    events.on('tokens.revoked', ({ subject }) => {
      revocations.forget(subject);
      live.realtime.revokeTokens(subject).catch((error: unknown) => {
        logger.warn({ err: (error as Error).message }, 'events: could not recheck revoked tokens');
      });
    });

    const ctx: AppContext = {
      config,
      logger,
      db,
      secrets,
      keys,
      tokens,
      revocations,
      auth,
      guestStatus,
      events,
      hostAccounts,
      menu,
      shelf: new ShelfService(db, menu),
      bar,
      staff: new StaffService(db, tokens, revocations, config.adminTokenTtl, config.refreshReuseGrace),
      orders,
      queue,
      guestAuth: new GuestAuthService(db, tokens, config.guestTokenTtl, config.refreshReuseGrace),
      guestAdmin: new GuestAdminService(db, events),
      registrationCodes: new RegistrationCodeService(db),
      transferCodes: new TransferCodeService(db, tokens, config.guestTokenTtl),
      push,
      live,
      https,
      assistant,
      publicOrigin,
    };
    return {
      ctx,
      listening(port) {
        listeningPort = port;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
