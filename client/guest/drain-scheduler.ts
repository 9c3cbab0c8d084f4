import { OUTBOX_SYNC_TAG, drainOutbox } from './outbox.ts';
import { sessionEnded } from './session-ended.ts';

/**
 * When the page drains the outbox: one drain at a time, another right after when asked during
 * one, and a backoff (2 s doubling to 15 s) while the server cannot take the orders. The rules
 * of sending live in outbox.ts; the service worker drains too (Background Sync).
 */
const FIRST_RETRY_MS = 2_000;
const LAST_RETRY_MS = 15_000;

let draining = false;
let drainAgain = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryDelay = FIRST_RETRY_MS;

export async function kickDrain(): Promise<void> {
  if (draining) {
    drainAgain = true;
    return;
  }
  draining = true;
  clearTimeout(retryTimer);
  try {
    do {
      drainAgain = false;
      const result = await drainOutbox();
      if (result.outcome === 'signed-out') sessionEnded.set(true);
      if (result.outcome === 'unreachable' || result.outcome === 'retry') {
        retryTimer = setTimeout(() => void kickDrain(), retryDelay);
        retryDelay = Math.min(retryDelay * 2, LAST_RETRY_MS);
        return;
      }
      retryDelay = FIRST_RETRY_MS;
    } while (drainAgain);
  } catch (error) {
    console.error('outbox drain failed', error);
  } finally {
    draining = false;
  }
}

/** Asks the browser to wake the worker for the outbox when the network returns (Chromium). */
export async function requestBackgroundSync(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
      sync?: { register(tag: string): Promise<void> };
    };
    await registration.sync?.register(OUTBOX_SYNC_TAG);
  } catch {
    // No Background Sync (Safari, Firefox, or permission): the page drains on its own.
  }
}

/** An order was just put in the outbox: send it now, and let the worker send it if we can't. */
export async function afterEnqueue(): Promise<void> {
  await requestBackgroundSync();
  await kickDrain();
}
