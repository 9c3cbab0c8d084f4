import { Router } from 'express';
import { deletePushSubscriptionBody, pushSubscriptionBody } from '../../shared/schemas/push.ts';
import type { Deps } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { parse } from '../http/validate.ts';

export function pushRoutes(ctx: Deps<'auth' | 'push'>): Router {
    const { push } = ctx;
    const router = Router();

    router.post('/api/push/subscriptions', ctx.auth.guest, async (req, res) => {
      const body = parse(pushSubscriptionBody, req.body, 'invalid_subscription');
      const { outcome, endpoint } = await push.subscribe(ctx.auth.guestClaims(req).user_key, body);
      res.status(outcome === 'created' ? 201 : 200).json({ endpoint });
    });

    router.delete('/api/push/subscriptions', ctx.auth.guest, async (req, res) => {
      const body = parse(deletePushSubscriptionBody, req.body);
      await push.unsubscribe(ctx.auth.guestClaims(req).user_key, body.endpoint);
      res.status(204).end();
    });

    router.get('/api/admin/push', ctx.auth.admin, (_req, res) => {
      res.json(push.status);
    });

    router.all('/api/push/subscriptions', () => {
      throw new AppError(405, 'method_not_allowed', 'Use POST or DELETE.');
    });

    return router;
}
