import type http from 'node:http';
import type { CachedBody, MenuService } from './menu.service.ts';

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The headers every JSON answer carries (as app.ts sets them for /api/), plus the cache's. */
function prepare(cached: CachedBody): { full: http.OutgoingHttpHeaders; notModified: http.OutgoingHttpHeaders; bytes: Buffer } {
  const common = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    ETag: cached.etag,
    'Cache-Control': 'no-cache',
  };
  const bytes = Buffer.from(cached.body);
  return {
    full: { ...common, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length },
    notModified: common,
    bytes,
  };
}

/**
 * The guests' hottest request, `GET /api/drinks` (and `/api/sections`) with no query, answered
 * from bytes and headers prepared once per menu change, before the Express stack. Every other
 * request, and these when the cache is cold, go to Express, whose menu routes answer the same
 * bytes with the same headers (test/server/menu-fast-path.test.ts compares the two).
 */
export function answerMenuFirst<Next extends Listener>(menu: MenuService, next: Next): Listener & { readonly behind: Next } {
  const prepared = new WeakMap<CachedBody, ReturnType<typeof prepare>>();
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.method !== 'GET') return next(req, res);
    const cached = req.url === '/api/drinks' ? menu.peekPublicDrinks(undefined) : req.url === '/api/sections' ? menu.peekPublicSections() : undefined;
    if (!cached) return next(req, res);
    let answer = prepared.get(cached);
    if (!answer) {
      answer = prepare(cached);
      prepared.set(cached, answer);
    }
    if (req.headers['if-none-match'] === cached.etag) {
      res.writeHead(304, answer.notModified);
      res.end();
      return;
    }
    res.writeHead(200, answer.full);
    res.end(answer.bytes);
  };
  // The app every other request goes to, for whoever reads the route table (docs check).
  return Object.assign(listener, { behind: next });
}
