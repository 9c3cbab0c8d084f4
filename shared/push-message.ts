import { z } from 'zod';

/**
 * The one JSON a Web Push carries. Safari 18.4+ shows it by itself (Declarative Web Push: the
 * `web_push: 8030` magic number and a `notification` with an absolute `navigate` URL), even
 * when no service worker runs; Chromium and Firefox hand it to the service worker, which shows
 * the same notification from it. `type`, `order_id` and `drink_name` are what the worker has
 * always read. `app_badge` sits inside `notification`, where WebKit reads it.
 */
export const DECLARATIVE_WEB_PUSH = 8030;

export const pushNotification = z.object({
  title: z.string().min(1),
  body: z.string(),
  navigate: z.url({ protocol: /^https?$/ }),
  /** One notification per order: the page's live notification for the order has the same tag. */
  tag: z.string().min(1),
  lang: z.string(),
  /** The guest's drinks waiting at the bar when the push was sent (Badging API). */
  app_badge: z.number().int().nonnegative().optional(),
});

export const pushMessage = z.object({
  web_push: z.literal(DECLARATIVE_WEB_PUSH),
  notification: pushNotification,
  type: z.enum(['ORDER_READY']),
  order_id: z.uuid(),
  drink_name: z.string(),
});
export type PushMessage = z.infer<typeof pushMessage>;
export type PushNotification = z.infer<typeof pushNotification>;
