import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { AppContext } from './context.ts';
import { AppError, errorMiddleware, unknownApiPath } from './http/errors.ts';
import { expressTrust } from './http/client-address.ts';
import { hostAccountRoutes } from './admin/host-account.routes.ts';
import { hostSessionRoutes } from './admin/host-session.routes.ts';
import { imageRoutes, menuRoutes, publicMenuRoutes } from './menu/menu.routes.ts';
import { shelfRoutes } from './menu/shelf.routes.ts';
import { systemRoutes } from './system.routes.ts';
import { guestRoutes } from './guests/guests.routes.ts';
import { orderRoutes } from './orders/order.routes.ts';
import { pushRoutes } from './push/push.routes.ts';
import { httpPublishRoutes } from './events/http-publish.routes.ts';
import { assistantRoutes } from './assistant/assistant.routes.ts';
import { httpsRoutes } from './https/https.routes.ts';
import { barRoutes } from './bar/bar.routes.ts';
import { staffRoutes } from './staff/staff.routes.ts';

const JSON_LIMIT = '64kb';

/**
 * Rejects bodies that are not JSON before parsing: a cross-site HTML form can only send
 * form or text content types, so this alone keeps forms from posting to the API.
 */
const requireJsonBody: express.RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is('application/json')) return next();
  next(new AppError(415, 'unsupported_media_type', 'Send the body as application/json.'));
};

/** Every route of the API, each factory given the services it uses (see server/context.ts). */
export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', expressTrust(ctx.config.trustProxy));
  app.set('etag', false);
  app.use(ctx.https.redirect);
  const pageHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:', ...(ctx.config.eventsUpstreamUrl ? [new URL(ctx.config.eventsUpstreamUrl).origin] : [])],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        mediaSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // Plain-http LAN parties are a supported setup: no HSTS unless we speak TLS ourselves.
    strictTransportSecurity: ctx.config.tlsCert ? undefined : false,
    crossOriginEmbedderPolicy: false,
  });
  // JSON answers need only a few of helmet's headers; setting them directly keeps the
  // hottest endpoints (the menu) close to bare Express.
  app.use((req, res, next) => {
    if (!req.path.startsWith('/api/')) return pageHeaders(req, res, next);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  app.use(publicMenuRoutes(ctx));
  app.use(imageRoutes(ctx));
  app.use('/api', requireJsonBody, express.json({ limit: JSON_LIMIT, type: 'application/json', strict: false }));
  // No two routes answer the same method and path (test/server/route-order.test.ts), so the
  // order below only decides how many routes a request is matched against before its own:
  // the busiest (orders, status changes, registration) come first.
  app.use(orderRoutes(ctx), guestRoutes(ctx));
  app.use(systemRoutes(ctx));
  app.use(menuRoutes(ctx));
  app.use(shelfRoutes(ctx));
  app.use(hostAccountRoutes(ctx));
  app.use(hostSessionRoutes(ctx));
  app.use(pushRoutes(ctx), httpPublishRoutes(ctx), httpsRoutes(ctx), assistantRoutes(ctx), barRoutes(ctx), staffRoutes(ctx));
  app.use('/api', unknownApiPath);
  serveClient(app, ctx);
  app.use(errorMiddleware(ctx.logger));
  return app;
}

/** The built PWA: hashed assets cached for ever, the shell and worker always revalidated. */
function serveClient(app: Express, ctx: AppContext): void {
  const dir = ctx.config.clientDir;
  const index = path.join(dir, 'index.html');
  app.use(
    express.static(dir, {
      index: false,
      setHeaders(res, filePath) {
        const name = path.basename(filePath);
        if (filePath.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else res.setHeader('Cache-Control', 'no-cache');
        if (name === 'sw.js') res.setHeader('Service-Worker-Allowed', '/');
      },
    }),
  );
  app.get(/^\/(?!api\/|event|images\/|\.well-known\/).*/, (req, res, next) => {
    if (!fs.existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The barback app is not built yet. Run `npm run build` (npm start does it for you).');
      return;
    }
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
