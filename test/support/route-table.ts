import type http from 'node:http';

/** One mounted route, as `METHOD /path` with Express's `:name` parameters. */
export type MountedRoute = string;

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
}

/**
 * The routes the running server really answers: read from the Express 5 app behind the HTTP
 * server (its router stack, nested routers included), so nothing has to keep a second list.
 * Routes with a pattern instead of a path (the app's page fallback) are returned apart, and a
 * route mounted more than once is named in `mountedTwice`.
 */
export function mountedRoutes(server: http.Server): { routes: MountedRoute[]; patterns: string[]; mountedTwice: MountedRoute[] } {
  // The menu's fast path (server/menu/menu-fast-path.ts) sits in front of the app: look behind it.
  const listeners = server.listeners('request').map((listener) => ('behind' in listener ? (listener as { behind: unknown }).behind : listener));
  const app = listeners.find((listener) => typeof listener === 'function' && 'router' in listener) as { router: { stack: Layer[] } } | undefined;
  if (!app) throw new Error('no Express app is listening on this server');
  const routes: MountedRoute[] = [];
  const patterns: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods).map((method) => (method === '_all' ? 'ALL' : method.toUpperCase()));
        if (typeof layer.route.path !== 'string') {
          patterns.push(...methods.map((method) => `${method} ${String(layer.route!.path)}`));
          continue;
        }
        routes.push(...methods.map((method) => `${method} ${prefix}${layer.route!.path as string}`));
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, layer.slash || typeof layer.rawPath !== 'string' ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk(app.router.stack, '');
  return { routes: [...new Set(routes)].sort(), patterns, mountedTwice: routes.filter((route, i) => routes.indexOf(route) !== i) };
}
