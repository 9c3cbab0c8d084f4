import type http from 'node:http';
import type { RouteFactory } from './app.ts';
import type { AppContext } from './context.ts';
import { guestRoutes } from './guests/guests.routes.ts';
import { orderRoutes } from './orders/order.routes.ts';

/**
 * The domains that join the core (guests, orders, events, push). Each may add routes,
 * attach to the HTTP server (WebSocket upgrades) and register something to close.
 */
export interface InstalledDomains {
  routes: RouteFactory[];
  upgradeHandlers: ((server: http.Server) => void)[];
  closers: (() => Promise<void> | void)[];
}

export async function installDomains(_ctx: AppContext): Promise<InstalledDomains> {
  return { routes: [guestRoutes, orderRoutes], upgradeHandlers: [], closers: [] };
}
