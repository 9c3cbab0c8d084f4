import { Router } from 'express';
import { adminLoginBody, adminSetupBody } from '../../shared/schemas/admin.ts';
import { AppError } from '../http/errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { RateLimiter, failsWith } from '../http/rate-limit.ts';
import { parse } from '../http/validate.ts';
import type { AppContext } from '../context.ts';

export function hostAccountRoutes(ctx: AppContext): Router {
  const router = Router();
  const failures = new RateLimiter(10, 60_000);

  router.post('/api/admin/login', async (req, res) => {
    const body = parse(adminLoginBody, req.body);
    const issued = await failures.attempt(
      clientAddress(req, ctx.config.trustProxy),
      async () => {
        const issued = await ctx.hostAccounts.login(body.email, body.password);
        if (!issued) throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
        return issued;
      },
      failsWith('invalid_credentials'),
    );
    res.json(issued);
  });

  router.get('/api/admin/setup', async (_req, res) => {
    res.json({ setup_needed: await ctx.hostAccounts.setupNeeded() });
  });

  router.post('/api/admin/setup', async (req, res) => {
    const body = parse(adminSetupBody, req.body);
    const issued = await failures.attempt(
      clientAddress(req, ctx.config.trustProxy),
      () => ctx.hostAccounts.completeSetup(body.token, body.email, body.password),
      failsWith('invalid_setup_token'),
    );
    res.status(201).json(issued);
  });

  return router;
}
