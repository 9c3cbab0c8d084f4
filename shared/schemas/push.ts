import { z } from 'zod';
import { storableString } from './common.ts';

/** The browser's PushSubscription.toJSON(), as the guest app sends it. */
export const pushSubscriptionBody = z.object({
  endpoint: storableString(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}={0,2}$/, 'must be a base64url P-256 public key'),
    auth: z.string().regex(/^[A-Za-z0-9_-]{16,24}={0,2}$/, 'must be a base64url auth secret'),
  }),
});
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBody>;

export const deletePushSubscriptionBody = z.object({ endpoint: storableString(2048) });

/** The host called a ready order again: shown even if the first notification was dismissed. */
export interface OrderCalledPush {
  type: 'ORDER_CALLED';
  order_id: string;
  drink_name: string;
  calls: number;
}

/** Last call or closing, to every guest with push. */
export interface BarStatusPush {
  type: 'BAR_STATUS_CHANGED';
  status: 'open' | 'last_call' | 'closed';
  message: string | null;
  closes_at: string | null;
}

/** The pushes the worker shows itself; a ready drink's is the declarative one (shared/push-message.ts). */
export type WorkerPush = OrderCalledPush | BarStatusPush;
