import { Router } from 'express';
import type { AppContext } from '../context.ts';

export function httpsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/admin/https', ctx.auth.admin, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(ctx.https.status());
  });

  return router;
}
