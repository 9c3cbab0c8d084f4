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
