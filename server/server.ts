import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { createLogger, type Logger } from './logger.ts';
import { SigningKeyStore } from './auth/signing-keys.ts';
import { TokenService } from './auth/tokens.ts';
import { GuestStatusCache } from './auth/guest-status.ts';
import { createAuthGuards } from './auth/middleware.ts';
import { openSecretBox } from './auth/secrets-key.ts';
import { TokenRevocations } from './auth/token-revocations.ts';
import { createEventBus } from './events/pg-fanout.ts';
import { HostAccountService } from './admin/host-account.service.ts';
import { MenuService } from './menu/menu.service.ts';
import { buildApp } from './app.ts';
import { isLoopbackHost, lanAddress } from './network.ts';
import { installDomains } from './domains.ts';
import { answerUnreadableRequest, guardConnections } from './http/connection-guard.ts';
import { HttpsService } from './https/https.service.ts';
import { BarService } from './bar/bar.service.ts';
import { StaffService } from './staff/staff.service.ts';

export interface RunningServer {
  ctx: AppContext;
  server: http.Server | https.Server;
  /** The local URL the server answers on, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  /** One-time setup token when no host account exists and none was configured. */
  setupToken: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** An already-open database (tests share one per file). */
  db?: Database;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = options.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger }));
  const closers: (() => Promise<void> | void)[] = [];
  try {
    await migrate(db);
    const secrets = await openSecretBox(config, db, logger);
    const keys = new SigningKeyStore(db, secrets);
    await keys.init();
    const tokens = new TokenService(keys);
    const events = await createEventBus(db, logger);
    closers.push(() => events.close());
    const guestStatus = new GuestStatusCache(db);
    // Revocations reach every instance through the bus (NOTIFY with PostgreSQL) within
    // milliseconds; the cache's short lifetime is only the fallback should one be missed.
    events.onSignal((signal) => {
      if (signal.kind === 'guest_revoked') guestStatus.markRevoked(signal.data.user_key);
    });
    const revocations = new TokenRevocations(db, events);
    events.onSignal((signal) => {
      if (signal.kind === 'tokens_revoked') revocations.forget(signal.data.subject);
    });
    const auth = createAuthGuards(tokens, guestStatus, revocations);
    const hostAccounts = new HostAccountService(db, tokens, config.adminTokenTtl, revocations);
    const menu = new MenuService(db, events);
    await menu.seedDefaultMenu();
    const bar = new BarService(db, events);
    closers.push(() => bar.close());
    const staff = new StaffService(db, tokens, revocations, config.adminTokenTtl, config.refreshReuseGrace);
    const httpsService = new HttpsService(config, db, secrets, logger);
    await httpsService.start();
    closers.push(() => httpsService.close());

    let listeningPort = config.port;
    const scheme = config.tlsCert ? 'https' : 'http';
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
      bar,
      staff,
      https: httpsService,
      publicOrigin(req) {
        if (config.publicUrl) return config.publicUrl;
        const secure = httpsService.origin();
        if (secure) return secure;
        const host = req?.get('host');
        if (req && host && !isLoopbackHost(host)) return `${req.protocol}://${host}`;
        return `${scheme}://${lanAddress() ?? 'localhost'}:${listeningPort}`;
      },
    };

    const domains = await installDomains(ctx);
    closers.push(...domains.closers);
    const app = buildApp(ctx, domains.routes);
    // The timeouts below are enforced by a sweep every connectionsCheckingInterval.
    const serverOptions = { connectionsCheckingInterval: 1_000 };
    const server = config.tlsCert
      ? https.createServer({ ...serverOptions, cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey!) }, app)
      : http.createServer(serverOptions, app);
    // A connection must bring a whole request head within a few seconds (an idle or slow-header
    // client is cut off); keep-alive outlives typical proxies' idle timeouts.
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    server.keepAliveTimeout = 65_000;
    server.on('clientError', answerUnreadableRequest);
    guardConnections(server, config.trustProxy);
    for (const attach of domains.upgradeHandlers) attach(server);
    if (!config.tlsCert) httpsService.attach(server as http.Server);

    let setupToken: string | undefined;
    if (config.adminEmail && config.adminPassword) {
      await hostAccounts.bootstrap(config.adminEmail, config.adminPassword);
    }
    if (!(await hostAccounts.hasAccount())) setupToken = await hostAccounts.issueSetupToken();
    await ctx.push?.ready;

    // The port opens only now that start-up is done: a script that starts barback and signs in
    // as soon as /api/health answers must find the ADMIN_* account already there.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    listeningPort = (server.address() as AddressInfo).port;
    // `npm run host -- reset-password` prints its link for where this server answers.
    await db.dataDirLock?.update({ url: `${scheme}://localhost:${listeningPort}` });

    const localHost = isLoopbackHost(config.host) || config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    let closed = false;
    return {
      ctx,
      server,
      url: `${scheme}://${localHost}:${listeningPort}`,
      port: listeningPort,
      setupToken,
      async close() {
        if (closed) return;
        closed = true;
        server.closeIdleConnections?.();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const close of [...closers].reverse()) await close();
        setTimeout(() => server.closeAllConnections?.(), 2_000).unref();
        await stopped;
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close();
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}
