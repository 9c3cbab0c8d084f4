import type http from 'node:http';
import type { RouteFactory } from './app.ts';
import type { AppContext } from './context.ts';
import { PushService } from './push/push.service.ts';
import { pushRoutes } from './push/push.routes.ts';
import { guestRoutes } from './guests/guests.routes.ts';
import { orderRoutes } from './orders/order.routes.ts';
import { installEvents } from './events/events-domain.ts';
import { httpsRoutes } from './https/https.routes.ts';
import { barRoutes } from './bar/bar.routes.ts';
import { staffRoutes } from './staff/staff.routes.ts';

/**
 * The domains that join the core (guests, orders, events, push). Each may add routes,
 * attach to the HTTP server (WebSocket upgrades) and register something to close.
 */
export interface InstalledDomains {
  routes: RouteFactory[];
  upgradeHandlers: ((server: http.Server) => void)[];
  closers: (() => Promise<void> | void)[];
}

export async function installDomains(ctx: AppContext): Promise<InstalledDomains> {
  const push = new PushService(ctx.db, ctx.events, ctx.logger, {
    extraHosts: ctx.config.pushEndpointHosts,
    secrets: ctx.secrets,
    probeDns: ctx.config.pushProbeDns,
  });
  await push.init();
  ctx.push = push;
  ctx.extraConfig = () => {
    const key = push.publicKey();
    return key ? { push: { vapid_public_key: key } } : {};
  };
  const events = installEvents(ctx);
  return {
    routes: [guestRoutes, orderRoutes, pushRoutes(push), events.routes, httpsRoutes, barRoutes(ctx.bar), staffRoutes(ctx.staff)],
    upgradeHandlers: [events.attach],
    closers: [() => push.close(), events.close],
  };
}
