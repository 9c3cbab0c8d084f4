import { Router } from 'express';
import { updateBarBody } from '../../shared/schemas/bar.ts';
import type { AppContext } from '../context.ts';
import { parse } from '../http/validate.ts';
import type { BarService } from './bar.service.ts';

/**
 * GET /api/bar is public: the join page and a guest whose session ended may show "closed"
 * too, and the state says nothing about anyone. Changing it is the host's alone.
 */
export function barRoutes(bar: BarService) {
  return (ctx: AppContext): Router => {
    const router = Router();
    router.get('/api/bar', async (_req, res) => {
      res.set('Cache-Control', 'no-cache').json({ bar: await bar.current() });
    });
    router.put('/api/admin/bar', ctx.auth.admin, async (req, res) => {
      res.json({ bar: await bar.update(parse(updateBarBody, req.body)) });
    });
    return router;
  };
}
