import { Router } from 'express';
import type { Deps } from '../context.ts';
import { pathId } from '../http/validate.ts';

export function guestAdminRoutes(ctx: Deps<'auth' | 'guestAdmin'>): Router {
  const router = Router();
  const { auth, guestAdmin: guests } = ctx;

  router.get('/api/admin/guests', auth.admin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ guests: await guests.list() });
  });

  router.post('/api/admin/guests/:user_key/revoke', auth.admin, async (req, res) => {
    res.json({ guest: await guests.revoke(pathId(req.params.user_key, 'guest')) });
  });

  return router;
}
