import { Router } from 'express';
import { adminPasswordChangeBody, adminPasswordResetBody } from '../../shared/schemas/admin.ts';
import { AppError } from '../http/errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { RateLimiter, failsWith } from '../http/rate-limit.ts';
import { parse } from '../http/validate.ts';
import type { AppContext } from '../context.ts';

/** The host's sessions and password: sign out, sign out everywhere, change it, reset it by link. */
export function hostSessionRoutes(ctx: AppContext): Router {
  const router = Router();
  const { auth } = ctx;
  // A stolen host token must not become a way to guess the password (and keep the bar for
  // good): wrong current passwords are limited per account, each counted before it is checked.
  const wrongPasswords = new RateLimiter(10, 60_000);
  const resetFailures = new RateLimiter(10, 60_000);

  router.post('/api/admin/logout', auth.admin, async (req, res) => {
    await ctx.hostAccounts.signOut(auth.adminClaims(req));
    res.status(204).end();
  });

  router.post('/api/admin/logout-all', auth.admin, async (req, res) => {
    await ctx.hostAccounts.signOutEverywhere(auth.adminClaims(req));
    res.status(204).end();
  });

  router.put('/api/admin/password', auth.admin, async (req, res) => {
    const claims = auth.adminClaims(req);
    const body = parse(adminPasswordChangeBody, req.body);
    await wrongPasswords.attempt(
      claims.sub,
      async () => {
        if (!(await ctx.hostAccounts.changePassword(claims, body.current_password, body.new_password))) {
          throw new AppError(401, 'invalid_credentials', 'The current password is wrong.');
        }
      },
      failsWith('invalid_credentials'),
    );
    res.status(204).end();
  });

  router.get('/api/admin/password-reset', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token.slice(0, 200) : '';
    res.set('Cache-Control', 'no-store').json({ valid: token !== '' && (await ctx.hostAccounts.isResetToken(token)) });
  });

  router.post('/api/admin/password-reset', async (req, res) => {
    const body = parse(adminPasswordResetBody, req.body);
    const issued = await resetFailures.attempt(
      clientAddress(req, ctx.config.trustProxy),
      () => ctx.hostAccounts.resetPassword(body.token, body.new_password),
      failsWith('invalid_setup_token'),
    );
    res.json(issued);
  });

  return router;
}
