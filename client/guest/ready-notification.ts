import { createTranslator } from '../i18n/translator.ts';
import { guestMessages } from '../i18n/guest.ts';

/**
 * One notification per ready order, built the same way by the page (live event) and the
 * worker (push): the tag is the order id, so the second one replaces the first.
 */
export function readyNotification(orderId: string, drinkName: string): { title: string; options: NotificationOptions & { vibrate: number[]; renotify: boolean } } {
  const t = createTranslator(guestMessages);
  return {
    title: t('ready.title', { drink: drinkName }),
    options: {
      tag: orderId,
      // The live event and the push for one drink both arrive: the second replaces the first silently.
      renotify: false,
      body: t('ready.body'),
      icon: '/icon-192.png',
      badge: '/icon-maskable-192.png',
      vibrate: [200, 100, 200],
      data: { url: `/orders#${orderId}` },
    },
  };
}

/**
 * "Call again": the same tag as the ready notification (one per drink on the lock screen),
 * but it alerts again, since the point is to be heard.
 */
export function calledNotification(orderId: string, drinkName: string): { title: string; options: NotificationOptions & { vibrate: number[]; renotify: boolean } } {
  const t = createTranslator(guestMessages);
  const ready = readyNotification(orderId, drinkName);
  return { title: t('called.title', { drink: drinkName }), options: { ...ready.options, body: t('called.body'), renotify: true, vibrate: [300, 100, 300, 100, 300] } };
}

/** Last call, to every guest whose app is closed. */
export function barNotification(message: string | null): { title: string; options: NotificationOptions } {
  const t = createTranslator(guestMessages);
  return {
    title: t('bar.last_call'),
    options: { tag: 'bar-status', body: message ?? t('bar.lastCallNow'), icon: '/icon-192.png', badge: '/icon-maskable-192.png', data: { url: '/menu' } },
  };
}
