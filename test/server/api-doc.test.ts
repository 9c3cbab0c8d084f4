import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../shared/schemas/api.ts';
import { ERROR_STATUS } from '../../shared/schemas/errors.ts';
import { mountedRoutes } from '../support/route-table.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Rule: docs/API.md, the contract in shared/schemas/api.ts and the routes the server really
 * mounts are the same list, so neither the reference nor the schemas can drift from the code.
 * A route is documented by a heading of its own in docs/API.md: ### `METHOD /path`.
 */

const DOC = new URL('../../docs/API.md', import.meta.url);
const ROUTE_HEADING = /^#{3,4} `([A-Z]+) (\/\S*)`/gm;

function documentedRoutes(): string[] {
  return [...readFileSync(DOC, 'utf8').matchAll(ROUTE_HEADING)].map((match) => `${match[1]} ${match[2]}`);
}

/** What is in `a` and not in `b`, one line each, saying where it is missing. */
function missing(a: string[], b: string[], message: (route: string) => string): string[] {
  const inB = new Set(b);
  return a.filter((route) => !inB.has(route)).map(message);
}

let server: TestServer;
let mounted: string[];

beforeAll(async () => {
  server = await startTestServer();
  mounted = mountedRoutes(server.server as http.Server).routes;
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('docs/API.md and the contract list exactly the routes the server mounts', () => {
  it('finds the routes (the introspection itself works)', () => {
    expect(mounted).toContain('GET /api/health');
    expect(mounted).toContain('PATCH /api/admin/orders/:id');
    expect(mounted.length).toBeGreaterThan(40);
  });

  it('docs/API.md documents every mounted route, and only those', () => {
    const documented = documentedRoutes();
    const problems = [
      ...missing(mounted, documented, (route) => `the server mounts ${route}, but docs/API.md has no heading "### \`${route}\`"`),
      ...missing(documented, mounted, (route) => `docs/API.md documents ${route}, but the server does not mount it`),
      ...documented.filter((route, i) => documented.indexOf(route) !== i).map((route) => `docs/API.md documents ${route} twice`),
    ];
    expect(problems).toEqual([]);
  });

  it('shared/schemas/api.ts has a contract for every mounted route, and only those', () => {
    const contracted = Object.keys(API);
    const problems = [
      ...missing(mounted, contracted, (route) => `the server mounts ${route}, but shared/schemas/api.ts has no entry '${route}'`),
      ...missing(contracted, mounted, (route) => `shared/schemas/api.ts has '${route}', but the server does not mount it`),
    ];
    expect(problems).toEqual([]);
  });

  it('docs/API.md lists every error code with its status', () => {
    const doc = readFileSync(DOC, 'utf8');
    const problems = Object.entries(ERROR_STATUS)
      .filter(([code, status]) => !new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm').test(doc))
      .map(([code, status]) => `docs/API.md has no row "| \`${code}\` | ${status} |" in its error table`);
    expect(problems).toEqual([]);
  });
});
