import { clearReadyBadge } from './badge.ts';
import { INSTALL_DISMISSED_KEY } from './install-offer.ts';

/**
 * What leaving the bar removes from the phone besides the session and the saved orders
 * (clearGuestData): the icon's badge, the notifications still shown, the "not now" choice.
 */
export async function clearPhoneTraces(): Promise<void> {
  await clearReadyBadge();
  localStorage.removeItem(INSTALL_DISMISSED_KEY);
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  for (const notification of (await registration?.getNotifications()) ?? []) notification.close();
}
