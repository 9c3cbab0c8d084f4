import { Router } from 'express';
import { updateBarBody } from '../../shared/schemas/bar.ts';
import type { Deps } from '../context.ts';
import { parse } from '../http/validate.ts';

/**
 * GET /api/bar is public: the join page and a guest whose session ended may show "closed"
 * too, and the state says nothing about anyone. Changing it is the host's alone.
 */
export function barRoutes(ctx: Deps<'auth' | 'bar'>): Router {
  const router = Router();
  const { auth, bar } = ctx;
  router.get('/api/bar', async (_req, res) => {
    res.set('Cache-Control', 'no-cache').json({ bar: await bar.current() });
  });
  router.put('/api/admin/bar', auth.admin, async (req, res) => {
    res.json({ bar: await bar.update(parse(updateBarBody, req.body)) });
  });
  return router;
}
