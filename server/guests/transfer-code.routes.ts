import { Router } from 'express';
import { transferBody } from '../../shared/schemas/transfer.ts';
import { normaliseTransferCode } from '../../shared/transfer-code.ts';
import type { Deps } from '../context.ts';
import { clientAddress } from '../http/client-address.ts';
import { RateLimiter, failsWith } from '../http/rate-limit.ts';
import { parse } from '../http/validate.ts';
import { deviceInfo } from './guest-auth.service.ts';

/** Wrong transfer codes allowed per client address per minute before 429 (as for invite codes). */
const FAILURES_PER_ADDRESS_PER_MINUTE = 10;
/**
 * Wrong transfer codes allowed from everyone together per ten minutes (a code's life). Six
 * digits are a small space: many addresses (a botnet, IPv6 privacy addresses) could otherwise
 * share out the guessing. At this cap, trying for a whole code life finds a given live code
 * with odds of 1 in 10,000; honest typos are far fewer.
 */
const FAILURES_OVERALL_PER_TEN_MINUTES = 100;

export function transferCodeRoutes(ctx: Deps<'auth' | 'config' | 'transferCodes'>): Router {
  const router = Router();
  const { auth, transferCodes: service } = ctx;
  const perAddress = new RateLimiter(FAILURES_PER_ADDRESS_PER_MINUTE, 60_000);
  const overall = new RateLimiter(FAILURES_OVERALL_PER_TEN_MINUTES, 600_000);
  const wrongCode = failsWith('invalid_transfer_code');

  router.post('/api/auth/transfer-code', auth.guest, async (req, res) => {
    const created = await service.create(auth.guestClaims(req).user_key);
    res.status(201).set('Cache-Control', 'no-store').json(created);
  });

  router.post('/api/auth/transfer', async (req, res) => {
    // Both limits hold a place before the body is even read: a burst is counted, not raced.
    const answer = await perAddress.attempt(
      clientAddress(req, ctx.config.trustProxy),
      () =>
        overall.attempt(
          'all',
          async () => {
            const body = parse(transferBody, req.body);
            return service.redeem(normaliseTransferCode(body.code), deviceInfo(req.get('user-agent')));
          },
          wrongCode,
        ),
      wrongCode,
    );
    res.set('Cache-Control', 'no-store').json(answer);
  });

  return router;
}
