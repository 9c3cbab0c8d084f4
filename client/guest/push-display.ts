import type { PushMessage } from '../../shared/push-message.ts';
import { readyNotification } from './ready-notification.ts';

export interface PushDisplay {
  title: string;
  options: NotificationOptions;
  /** The app badge the server counted, when it sent one. */
  badge: number | undefined;
}

type Incoming = Partial<Pick<PushMessage, 'type' | 'order_id' | 'drink_name'>> & { notification?: Partial<PushMessage['notification']> };

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The path of the notification's link, on this app's own origin whatever origin the server named. */
function inAppPath(navigate: unknown): string | undefined {
  if (!isText(navigate)) return undefined;
  try {
    const url = new URL(navigate, self.location.origin);
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return undefined;
  }
}

/**
 * What the worker shows for a push (Chromium and Firefox; Safari shows the declarative part by
 * itself). A ready order is built exactly as the page builds it from the live event (same tag,
 * the phone's language), so the two replace each other. Another declarative message is shown
 * as the server wrote it. Anything else is not ours: undefined.
 */
export function pushDisplay(data: unknown): PushDisplay | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const message = data as Incoming;
  const badge = message.notification?.app_badge;
  const count = typeof badge === 'number' && Number.isSafeInteger(badge) && badge >= 0 ? badge : undefined;
  if (message.type === 'ORDER_READY' && isText(message.order_id)) {
    const { title, options } = readyNotification(message.order_id, message.drink_name ?? '');
    const url = inAppPath(message.notification?.navigate);
    return { title, options: url ? { ...options, data: { url } } : options, badge: count };
  }
  const notification = message.notification;
  if (!notification || !isText(notification.title)) return undefined;
  return {
    title: notification.title,
    options: {
      body: notification.body ?? '',
      ...(isText(notification.tag) ? { tag: notification.tag } : {}),
      icon: '/icon-192.png',
      badge: '/icon-maskable-192.png',
      data: { url: inAppPath(notification.navigate) ?? '/orders' },
    },
    badge: count,
  };
}
