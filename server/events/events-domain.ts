import type http from 'node:http';
import type { Router } from 'express';
import type { AppContext } from '../context.ts';
import { Broker } from './broker.ts';
import { httpPublishRoutes } from './http-publish.routes.ts';
import { RealtimeServer } from './realtime-socket.ts';
import { UpstreamPublisher } from './upstream.ts';

export interface EventsDomain {
  routes: (ctx: AppContext) => Router;
  attach: (server: http.Server) => void;
  close: () => Promise<void>;
  realtime: RealtimeServer;
}

/**
 * Live events: barback's own AppSync Events endpoint (POST /event, /event/realtime), fed by
 * the bus. In AWS mode the server's changes go upstream instead and the apps listen there.
 */
const installed = new WeakMap<AppContext, RealtimeServer>();

/** The realtime server of a running instance (tests use it to cut connections server-side). */
export function realtimeOf(ctx: AppContext): RealtimeServer | undefined {
  return installed.get(ctx);
}

export function installEvents(ctx: AppContext): EventsDomain {
  const broker = new Broker();
  const realtime = new RealtimeServer(ctx, broker);
  installed.set(ctx, realtime);
  const stops: (() => void)[] = [];
  const { eventsUpstreamUrl, eventsUpstreamApiKey } = ctx.config;
  const upstream =
    eventsUpstreamUrl && eventsUpstreamApiKey ? new UpstreamPublisher(eventsUpstreamUrl, eventsUpstreamApiKey, ctx.events, ctx.logger) : undefined;
  if (!upstream) {
    stops.push(ctx.events.listen((event) => broker.deliver(event.channel, [JSON.stringify(event.payload)])));
  }
  stops.push(ctx.events.listenClientEvents((published) => broker.deliver(published.channel, published.events)));
  stops.push(
    ctx.events.onSignal((signal) => {
      if (signal.kind !== 'guest_revoked') return;
      // Signals from other instances arrive here too: forget this instance's cached "active".
      ctx.guestStatus.markRevoked(signal.data.user_key);
      realtime.revoke(signal.data.user_key);
    }),
    ctx.events.onSignal((signal) => {
      if (signal.kind !== 'tokens_revoked') return;
      realtime.revokeTokens(signal.data.subject).catch((error: unknown) => {
        ctx.logger.warn({ err: (error as Error).message }, 'events: could not recheck revoked tokens');
      });
    }),
  );
  return {
    routes: httpPublishRoutes,
    attach: (server) => realtime.attach(server),
    realtime,
    async close() {
      for (const stop of stops) stop();
      await realtime.close();
      await upstream?.close();
    },
  };
}
