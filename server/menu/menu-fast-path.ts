import type http from 'node:http';
import type { MenuService } from './menu.service.ts';
import { menuAnswer } from './menu-answer.ts';

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The headers every JSON answer carries, as app.ts sets them for /api/. */
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The guests' hottest request, `GET /api/drinks` (and `/api/sections`) with no query, answered
 * from bytes and headers prepared once per menu change, before the Express stack. Every other
 * request, and these when the cache is cold, go to Express, whose menu routes answer the same
 * bytes with the same headers (test/server/menu-fast-path.test.ts compares the two).
 */
export function answerMenuFirst<Next extends Listener>(menu: MenuService, next: Next): Listener & { readonly behind: Next } {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.method !== 'GET') return next(req, res);
    const cached = req.url === '/api/drinks' ? menu.peekPublicDrinks(undefined) : req.url === '/api/sections' ? menu.peekPublicSections() : undefined;
    if (!cached) return next(req, res);
    const answer = menuAnswer(cached, req.headers);
    res.writeHead(answer.status, { ...SECURITY_HEADERS, ...answer.headers });
    res.end(answer.body);
  };
  // The app every other request goes to, for whoever reads the route table (docs check).
  return Object.assign(listener, { behind: next });
}
