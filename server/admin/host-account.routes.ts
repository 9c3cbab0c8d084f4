import { Router } from 'express';
import { adminLoginBody, adminSetupBody } from '../../shared/schemas/admin.ts';
import { AppError } from '../http/errors.ts';
import { RateLimiter, clientAddress } from '../http/rate-limit.ts';
import { parse } from '../http/validate.ts';
import type { AppContext } from '../context.ts';

export function hostAccountRoutes(ctx: AppContext): Router {
  const router = Router();
  const failures = new RateLimiter(10, 60_000);

  router.post('/api/admin/login', async (req, res) => {
    const address = clientAddress(req);
    failures.check(address);
    const body = parse(adminLoginBody, req.body);
    const issued = await ctx.hostAccounts.login(body.email, body.password);
    if (!issued) {
      failures.fail(address);
      throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
    }
    res.json(issued);
  });

  router.get('/api/admin/setup', async (_req, res) => {
    res.json({ setup_needed: await ctx.hostAccounts.setupNeeded() });
  });

  router.post('/api/admin/setup', async (req, res) => {
    const address = clientAddress(req);
    failures.check(address);
    const body = parse(adminSetupBody, req.body);
    try {
      res.status(201).json(await ctx.hostAccounts.completeSetup(body.token, body.email, body.password));
    } catch (error) {
      if (error instanceof AppError && error.status === 401) failures.fail(address);
      throw error;
    }
  });

  return router;
}
