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
