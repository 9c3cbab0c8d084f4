import { Signal } from '../lib/signal.ts';
import type { OrderChange } from './order-store.ts';
import { calledNotification, readyNotification } from './ready-notification.ts';

/** Orders that just became ready, for the in-app banner. */
export const readyBanner = new Signal<{ id: string; drink: string } | null>(null);
/** An order the bartender stepped back from ready ("Back to being made"). */
export const recallBanner = new Signal<{ id: string; drink: string } | null>(null);
/** A ready order the bartender called again. */
export const calledBanner = new Signal<{ id: string; drink: string } | null>(null);

/** "Your drink is ready": the banner, and a notification when the guest allowed them. */
export async function announceReady(orderId: string, drinkName: string): Promise<void> {
  if (recallBanner.value?.id === orderId) recallBanner.set(null);
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

/** "Call again": it says more than "ready", so it replaces that drink's ready banner. */
export async function announceCall(orderId: string, drinkName: string): Promise<void> {
  if (readyBanner.value?.id === orderId) readyBanner.set(null);
  calledBanner.set({ id: orderId, drink: drinkName });
  if (!('serviceWorker' in navigator) || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const registration = await navigator.serviceWorker.ready;
  const { title, options } = calledNotification(orderId, drinkName);
  await registration.showNotification(title, options);
}

/** Recalled from ready: the drink is not waiting any more; say so rather than leave "ready" up. */
export function announceRecall(orderId: string, drinkName: string): void {
  if (readyBanner.value?.id === orderId) readyBanner.set(null);
  if (calledBanner.value?.id === orderId) calledBanner.set(null);
  recallBanner.set({ id: orderId, drink: drinkName });
}
