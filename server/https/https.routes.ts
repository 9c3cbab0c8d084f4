import { Router } from 'express';
import type { Deps } from '../context.ts';

export function httpsRoutes(ctx: Deps<'auth' | 'https'>): Router {
  const router = Router();

  router.get('/api/admin/https', ctx.auth.admin, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(ctx.https.status());
  });

  return router;
}
