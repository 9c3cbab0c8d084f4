import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountedRoutes, type MountedRoute } from '../support/route-table.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Rule: no two routes answer the same request, so the order in which server/app.ts mounts its
 * routers decides only how fast a request finds its route, never which one answers it.
 */

let server: TestServer;
let table: ReturnType<typeof mountedRoutes>;

beforeAll(async () => {
  server = await startTestServer();
  table = mountedRoutes(server.server as http.Server);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** A route's method and path, the path with every `:name` filled in, and whether the route matches a given path. */
function parse(route: MountedRoute): { route: MountedRoute; method: string; path: string; sample: string; matches: (path: string) => boolean } {
  const [method, path] = route.split(' ') as [string, string];
  const pattern = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`);
  return { route, method, path, sample: path.replace(/:\w+/g, 'x1'), matches: (candidate) => pattern.test(candidate) };
}

describe('the route table', () => {
  it('mounts each route once', () => {
    expect(table.routes.length).toBeGreaterThan(50);
    expect(table.mountedTwice).toEqual([]);
  });

  it('has no two routes of one method that match the same path', () => {
    const routes = table.routes.map(parse);
    const overlaps: string[] = [];
    for (const a of routes) {
      for (const b of routes) {
        const methodsMeet = a.method === b.method || a.method === 'ALL' || b.method === 'ALL';
        // ALL on a path its other routes name is that path's 405 for every other method, mounted after them.
        const fallback = a.method !== b.method && a.path === b.path;
        if (a !== b && methodsMeet && !fallback && b.matches(a.sample)) overlaps.push(`${a.route} is also matched by ${b.route}`);
      }
    }
    expect(overlaps).toEqual([]);
  });
});
