import { Signal } from '../lib/signal.ts';
import type { OrderChange } from './order-store.ts';
import { readyNotification } from './ready-notification.ts';

/** Orders that just became ready, for the in-app banner. */
export const readyBanner = new Signal<{ id: string; drink: string } | null>(null);

/** "Your drink is ready": the banner, and a notification when the guest allowed them. */
export async function announceReady(orderId: string, drinkName: string): Promise<void> {
  readyBanner.set({ id: orderId, drink: drinkName });
  if (!('serviceWorker' in navigator) || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const registration = await navigator.serviceWorker.ready;
  const { title, options } = readyNotification(orderId, drinkName);
  await registration.showNotification(title, options);
}

export function announceChanges(changes: readonly OrderChange[]): void {
  for (const { order, previous } of changes) {
    // An order first seen already ready (a fresh phone's history) is not news.
    if (order.status === 'ready' && previous !== undefined && previous !== 'ready') void announceReady(order.id, order.drink_name);
  }
}
