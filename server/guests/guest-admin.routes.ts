import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { pathId } from '../http/validate.ts';
import { GuestAdminService } from './guest-admin.service.ts';

export function guestAdminRoutes(ctx: AppContext): Router {
  const router = Router();
  const { auth } = ctx;
  const guests = new GuestAdminService(ctx.db, ctx.guestStatus, ctx.events);

  router.get('/api/admin/guests', auth.admin, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ guests: await guests.list() });
  });

  router.post('/api/admin/guests/:user_key/revoke', auth.admin, async (req, res) => {
    res.json({ guest: await guests.revoke(pathId(req.params.user_key, 'guest')) });
  });

  return router;
}
