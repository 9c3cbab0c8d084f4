import { Router } from 'express';
import { createRegistrationCodeBody } from '../../shared/schemas/guests.ts';
import type { Deps } from '../context.ts';
import { parse, pathId } from '../http/validate.ts';

export function registrationCodeRoutes(ctx: Deps<'auth' | 'registrationCodes' | 'publicOrigin'>): Router {
  const router = Router();
  const { auth, registrationCodes: codes } = ctx;

  router.post('/api/admin/registration-codes', auth.admin, async (req, res) => {
    const body = parse(createRegistrationCodeBody, req.body);
    res.status(201).json(await codes.create(body, auth.adminClaims(req).sub, ctx.publicOrigin(req)));
  });

  router.get('/api/admin/registration-codes', auth.admin, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ codes: await codes.list(ctx.publicOrigin(req)) });
  });

  router.delete('/api/admin/registration-codes/:code', auth.admin, async (req, res) => {
    await codes.revoke(pathId(req.params.code, 'registration_code'));
    res.status(204).end();
  });

  router.get('/api/admin/registration-codes/:code/qr.svg', auth.admin, async (req, res) => {
    const svg = await codes.qrSvg(pathId(req.params.code, 'registration_code'), ctx.publicOrigin(req));
    res.set('Cache-Control', 'no-store').type('image/svg+xml').send(svg);
  });

  return router;
}
