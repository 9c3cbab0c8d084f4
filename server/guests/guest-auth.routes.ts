import { Router, type Request } from 'express';
import { refreshTokenBody, registerBody, registerUsername } from '../../shared/schemas/guests.ts';
import type { Deps } from '../context.ts';
import { clientAddress } from '../http/client-address.ts';
import { RateLimiter, failsWith } from '../http/rate-limit.ts';
import { isUuid, parse } from '../http/validate.ts';
import { deviceInfo, invalidRegistrationCode } from './guest-auth.service.ts';
import { isStaffRefreshToken } from '../staff/staff.service.ts';

/** Bad invite codes allowed per client address per minute before 429. */
const CODE_FAILURES_PER_MINUTE = 10;

export function guestAuthRoutes(ctx: Deps<'auth' | 'config' | 'guestAuth' | 'staff'>): Router {
  const router = Router();
  const { auth, guestAuth: service } = ctx;
  // Codes are UUIDs (122 random bits), but a guessing loop should still stop quickly. Only
  // failures count: a whole party behind one NAT'd address must be able to join.
  const codeFailures = new RateLimiter(CODE_FAILURES_PER_MINUTE, 60_000);
  const device = (req: Request) => deviceInfo(req.get('user-agent'));

  router.post('/api/register', async (req, res) => {
    const code = req.get('x-registration-code')?.trim();
    const registered = await codeFailures.attempt(
      clientAddress(req, ctx.config.trustProxy),
      async () => {
        // A missing or malformed code is the same 401 as an unknown one, without a database trip.
        if (!isUuid(code)) throw invalidRegistrationCode();
        const body = parse(registerBody, req.body);
        const { username } = parse(registerUsername, body, 'invalid_username');
        return service.register(code.toLowerCase(), username, device(req));
      },
      failsWith('invalid_registration_code'),
    );
    res.status(201).json(registered);
  });

  router.post('/api/auth/refresh', async (req, res) => {
    const body = parse(refreshTokenBody, req.body);
    // One refresh endpoint for every role with refresh tokens: a helper's (staff pass) is marked.
    const refreshed = isStaffRefreshToken(body.refresh_token)
      ? await ctx.staff.refresh(body.refresh_token)
      : await service.refresh(body.refresh_token, device(req));
    res.set('Cache-Control', 'no-store').json(refreshed);
  });

  router.post('/api/auth/logout', async (req, res) => {
    const body = parse(refreshTokenBody, req.body);
    if (isStaffRefreshToken(body.refresh_token)) await ctx.staff.logout(body.refresh_token);
    else await service.logout(body.refresh_token);
    res.status(204).end();
  });

  router.get('/api/me', auth.guest, (req, res) => {
    const claims = auth.guestClaims(req);
    res.set('Cache-Control', 'no-store').json({ user: { user_key: claims.user_key, username: claims.username } });
  });

  return router;
}
