import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { createLogger, type Logger } from './logger.ts';
import { compose } from './composition.ts';
import { buildApp } from './app.ts';
import { answerMenuFirst } from './menu/menu-fast-path.ts';
import { isLoopbackHost } from './network.ts';
import { answerUnreadableRequest, guardConnections } from './http/connection-guard.ts';

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
  let composed: Awaited<ReturnType<typeof compose>> | undefined;
  try {
    await migrate(db);
    composed = await compose(config, db, logger);
    const { ctx } = composed;
    const { hostAccounts } = ctx;
    const app = answerMenuFirst(ctx.menu, buildApp(ctx));
    const scheme = config.tlsCert ? 'https' : 'http';
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
    // Every socket, upgraded ones included (HTTP's own list lets go of those), so a shutdown
    // that outlives its grace can end them all and is never held open by one.
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    guardConnections(server, config.trustProxy);
    ctx.live.attach(server);
    if (!config.tlsCert) ctx.https.attach(server as http.Server);

    let setupToken: string | undefined;
    if (config.adminEmail && config.adminPassword) {
      await hostAccounts.bootstrap(config.adminEmail, config.adminPassword);
    }
    if (!(await hostAccounts.hasAccount())) setupToken = await hostAccounts.issueSetupToken();
    await ctx.push.ready;

    // The port opens only now that start-up is done: a script that starts barback and signs in
    // as soon as /api/health answers must find the ADMIN_* account already there.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const listeningPort = (server.address() as AddressInfo).port;
    composed.listening(listeningPort);
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
        await composed?.close();
        setTimeout(() => {
          server.closeAllConnections?.();
          for (const socket of sockets) socket.destroy();
        }, 2_000).unref();
        await stopped;
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    await composed?.close();
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}
