import { Router } from 'express';
import type { Deps } from './context.ts';

export function systemRoutes(ctx: Deps<'db' | 'config' | 'keys' | 'push'>): Router {
  const router = Router();

  router.get('/api/health', async (_req, res) => {
    const database = ctx.db.kind;
    try {
      await withTimeout(ctx.db.query('SELECT 1'), 2_000);
      res.set('Cache-Control', 'no-store').json({ status: 'ok', database });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'degraded', database });
    }
  });

  router.get('/api/config', (req, res) => {
    const upstream = ctx.config.eventsUpstreamUrl;
    const origin = ctx.config.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const endpoint = upstream ? `${upstream.replace(/\/event$/, '')}/event` : `${origin}/event`;
    res.set('Cache-Control', 'no-cache').json({
      events: { endpoint, region: 'barback-local-1', defaultAuthMode: 'lambda' },
      ...pushConfig(ctx.push.publicKey()),
    });
  });

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(ctx.keys.jwks());
  });

  return router;
}

/** GET /api/config names the VAPID key only while push is available. */
function pushConfig(key: string | undefined): Record<string, unknown> {
  return key ? { push: { vapid_public_key: key } } : {};
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
