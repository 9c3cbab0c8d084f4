import type { ApiAnswer, ApiBody } from '../../shared/schemas/api.ts';
import { requestJson } from '../lib/http.ts';
import { authedRequest } from '../lib/session.ts';

/**
 * Web Push for the guest app: the ready notification reaches a phone whose app is closed.
 * The server says whether it can reach the browsers' push services (its config carries the
 * VAPID key only then); when it cannot, or this browser cannot subscribe, notifications still
 * come from the live connection, but only while the app is open — and the UI says so.
 */
export type PushAvailability =
  /** The server can push and this browser can subscribe. */
  | { kind: 'push'; vapidPublicKey: string }
  /** iPhone/iPad in a browser tab: Web Push exists only in the installed (Home Screen) app. */
  | { kind: 'ios-install' }
  /** Notifications arrive only while the app is open. */
  | { kind: 'open-only' };

interface BrowserTraits {
  userAgent: string;
  maxTouchPoints: number;
  /** Safari's own flag for a Home Screen app. */
  standalone?: boolean;
  /** `(display-mode: standalone)` matches. */
  standaloneDisplay: boolean;
}

/** iPadOS Safari calls itself a Mac; a touch screen gives it away. */
export function isIosBrowserTab(traits: BrowserTraits): boolean {
  const ios = /iPhone|iPad|iPod/.test(traits.userAgent) || (/Macintosh/.test(traits.userAgent) && traits.maxTouchPoints > 1);
  return ios && !traits.standaloneDisplay && traits.standalone !== true;
}

function currentTraits(): BrowserTraits {
  return {
    userAgent: navigator.userAgent,
    maxTouchPoints: navigator.maxTouchPoints,
    standalone: (navigator as Navigator & { standalone?: boolean }).standalone,
    standaloneDisplay: window.matchMedia?.('(display-mode: standalone)').matches ?? false,
  };
}

export async function pushAvailability(): Promise<PushAvailability> {
  const config = await requestJson<ApiAnswer<'GET /api/config'>>('/api/config');
  const key = config.push?.vapid_public_key;
  // No key: the server cannot reach the push services, so nothing would ever arrive.
  if (!key) return { kind: 'open-only' };
  if (isIosBrowserTab(currentTraits())) return { kind: 'ios-install' };
  if (!window.isSecureContext || !('serviceWorker' in navigator) || !('PushManager' in window)) return { kind: 'open-only' };
  return { kind: 'push', vapidPublicKey: key };
}

/** The VAPID public key as PushManager wants it: the raw P-256 point, not base64url. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(value.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(current: ArrayBuffer | null, wanted: Uint8Array): boolean {
  if (!current || current.byteLength !== wanted.byteLength) return false;
  const bytes = new Uint8Array(current);
  return bytes.every((byte, i) => byte === wanted[i]);
}

type PushRegistration = Pick<ServiceWorkerRegistration, 'pushManager'>;

function workerRegistration(): Promise<PushRegistration> {
  return navigator.serviceWorker.ready;
}

/**
 * Subscribes this browser (or reuses its subscription) and registers it for the signed-in
 * guest. A subscription made for another server key (the server's data was reset) can no
 * longer be pushed to, so it is replaced.
 */
export async function subscribeToPush(vapidPublicKey: string, registration?: PushRegistration): Promise<ApiBody<'POST /api/push/subscriptions'>> {
  const { pushManager } = registration ?? (await workerRegistration());
  const applicationServerKey = base64UrlToBytes(vapidPublicKey);
  let subscription = await pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, applicationServerKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
  const body = subscription.toJSON() as ApiBody<'POST /api/push/subscriptions'>;
  await authedRequest('/api/push/subscriptions', { method: 'POST', body });
  return body;
}

/**
 * Keeps the server's copy of this browser's subscription current, without ever prompting:
 * on start-up (the server may have lost it, or the guest changed) and when the browser
 * replaces the subscription (`pushsubscriptionchange`, where `resubscribe` makes a new one,
 * since the old one is gone). Does nothing when the server offers no push or, unless
 * resubscribing, when this browser holds no subscription.
 */
export async function renewPushSubscription(options: { resubscribe: boolean }, registration?: PushRegistration): Promise<boolean> {
  const { pushManager } = registration ?? (await workerRegistration());
  if (!options.resubscribe && !(await pushManager.getSubscription())) return false;
  const config = await requestJson<ApiAnswer<'GET /api/config'>>('/api/config');
  const key = config.push?.vapid_public_key;
  if (!key) return false;
  await subscribeToPush(key, { pushManager });
  return true;
}

/** Whether this browser already holds a push subscription (so the guest need not tap again). */
export async function hasPushSubscription(registration?: PushRegistration): Promise<boolean> {
  const { pushManager } = registration ?? (await workerRegistration());
  return (await pushManager.getSubscription()) !== null;
}

/**
 * On leaving (or before another guest joins on this phone): the server forgets the endpoint,
 * so this guest's drinks stop reaching a phone that is no longer theirs, and the browser drops
 * the subscription. The server call is best effort — a session already gone cannot be used,
 * and the push service answers 410 for a dropped subscription, which deletes it server-side.
 */
export async function unsubscribeFromPush(registration?: PushRegistration): Promise<void> {
  if (!registration && !('serviceWorker' in navigator && navigator.serviceWorker.controller)) return;
  const { pushManager } = registration ?? (await workerRegistration());
  if (!pushManager) return;
  const subscription = await pushManager.getSubscription();
  if (!subscription) return;
  try {
    const body: ApiBody<'DELETE /api/push/subscriptions'> = { endpoint: subscription.endpoint };
    await authedRequest('/api/push/subscriptions', { method: 'DELETE', body });
  } catch (error) {
    console.warn('push subscription not removed from the server', error);
  }
  await subscription.unsubscribe();
}
