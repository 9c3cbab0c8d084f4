import { Router } from 'express';
import { adminPasswordChangeBody, adminPasswordResetBody } from '../../shared/schemas/admin.ts';
import { AppError } from '../http/errors.ts';
import { RateLimiter, clientAddress } from '../http/rate-limit.ts';
import { parse } from '../http/validate.ts';
import type { AppContext } from '../context.ts';

/** The host's sessions and password: sign out, sign out everywhere, change it, reset it by link. */
export function hostSessionRoutes(ctx: AppContext): Router {
  const router = Router();
  const { auth } = ctx;
  // A stolen host token must not become a way to guess the password (and keep the bar for
  // good): wrong current passwords are limited per account, and one account's password
  // checks run one at a time, so each failure is counted before the next guess is tried.
  const wrongPasswords = new RateLimiter(10, 60_000);
  const passwordChecks = new Map<string, Promise<unknown>>();
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
    const previous = passwordChecks.get(claims.sub) ?? Promise.resolve();
    const check = previous.catch(() => undefined).then(async () => {
      wrongPasswords.check(claims.sub);
      if (!(await ctx.hostAccounts.changePassword(claims, body.current_password, body.new_password))) {
        wrongPasswords.fail(claims.sub);
        throw new AppError(401, 'invalid_credentials', 'The current password is wrong.');
      }
    });
    passwordChecks.set(claims.sub, check);
    try {
      await check;
    } finally {
      if (passwordChecks.get(claims.sub) === check) passwordChecks.delete(claims.sub);
    }
    res.status(204).end();
  });

  router.get('/api/admin/password-reset', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token.slice(0, 200) : '';
    res.set('Cache-Control', 'no-store').json({ valid: token !== '' && (await ctx.hostAccounts.isResetToken(token)) });
  });

  router.post('/api/admin/password-reset', async (req, res) => {
    const address = clientAddress(req);
    resetFailures.check(address);
    const body = parse(adminPasswordResetBody, req.body);
    try {
      res.json(await ctx.hostAccounts.resetPassword(body.token, body.new_password));
    } catch (error) {
      if (error instanceof AppError && error.status === 401) resetFailures.fail(address);
      throw error;
    }
  });

  return router;
}
