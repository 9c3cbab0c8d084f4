import { db } from '../lib/db.ts';
import { watchStore } from './use-live.ts';

/**
 * The number on the app's icon (Badging API): the guest's drinks waiting at the bar. The page
 * keeps it equal to the ready orders on the phone; the worker sets the server's count from a
 * push while the app is closed. Where the API is missing (most browser tabs) nothing happens.
 */
interface BadgeNavigator {
  setAppBadge?: (count?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
}

/** `nav` is the page's navigator or the worker's (both have the Badging API where it exists). */
export async function showReadyBadge(count: number, nav: object = navigator): Promise<void> {
  const badging = nav as BadgeNavigator;
  try {
    if (count > 0) await badging.setAppBadge?.(count);
    else await badging.clearAppBadge?.();
  } catch {
    // Not installed, or the permission to badge is missing: the badge is a nicety.
  }
}

export function clearReadyBadge(): Promise<void> {
  return showReadyBadge(0);
}

/** Follows the ready orders on the phone while the app is open; returns the stop function. */
export function startBadgeSync(): () => void {
  return watchStore(
    () => db.orders.where('status').equals('ready').count(),
    (count) => void showReadyBadge(count),
  );
}
