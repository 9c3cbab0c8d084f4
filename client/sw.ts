/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { OUTBOX_SYNC_TAG, drainOutbox } from './guest/outbox.ts';
import { pushDisplay } from './guest/push-display.ts';
import { showReadyBadge } from './guest/badge.ts';
import { barNotification, calledNotification } from './guest/ready-notification.ts';
import { renewPushSubscription } from './guest/push-subscription.ts';

/**
 * The service worker: the precached guest app shell (so a cold start with no network still
 * opens), the host dashboard's chunks once the host has loaded them, drink images cache-first (their URLs change with the image), the outbox drained on
 * Background Sync, and the ready notification's click and push handlers.
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The first worker takes the open page at once, so images and the shell are cached from the
// first visit; later versions still wait for the guest's tap (no skipWaiting here).
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Every app path opens the shell; the API, the event socket and images are never answered with HTML.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//, /^\/event/, /^\/images\//, /^\/\.well-known\//],
  }),
);

registerRoute(
  ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith('/images/') && request.method === 'GET',
  new CacheFirst({
    cacheName: 'barback-images',
    plugins: [new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600 })],
  }),
);

// The host dashboard's chunks are not precached (guests never need them): the host's browser
// keeps them when it first loads them, so /admin opens offline on the laptop from then on.
// Their names carry a content hash, so a cached copy is never stale.
registerRoute(
  ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith('/assets/admin-') && request.method === 'GET',
  new CacheFirst({
    cacheName: 'barback-host',
    plugins: [new ExpirationPlugin({ maxEntries: 40 })],
  }),
);

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data = event.data as { type?: string } | undefined;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (data?.type === 'DRAIN_OUTBOX') event.waitUntil(drainOutbox().then(() => undefined));
});

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

/**
 * Background Sync: the browser wakes the worker when the network is back, even with the app
 * closed. Rejecting asks the browser to try again later (it backs off by itself); a refusal by
 * the server is not a reason to retry, the drain already recorded it as failed.
 */
self.addEventListener('sync', ((event: SyncEvent) => {
  if (event.tag !== OUTBOX_SYNC_TAG) return;
  event.waitUntil(
    drainOutbox().then((result) => {
      if (result.outcome === 'unreachable' || result.outcome === 'retry') throw new Error(`outbox not drained: ${result.outcome}`);
    }),
  );
}) as EventListener);

// ---------------------------------------------------------------------------------------------
// Web Push (when the app is closed). The server sends one Declarative Web Push JSON (see
// shared/push-message.ts); Safari shows it by itself, here the worker shows it: the same
// notification (same tag = order id) the page shows from the live event, so a guest never gets
// two for one drink, and the icon's badge set to the drinks waiting.
// ---------------------------------------------------------------------------------------------
self.addEventListener('push', (event: PushEvent) => {
  let data: unknown;
  try {
    data = event.data?.json();
  } catch {
    return;
  }
  // Last call and "call again" are the worker's own; an order's readiness is the declarative
  // message Safari can show by itself, shown here the same way (push-display.ts).
  const payload = (typeof data === 'object' && data !== null ? data : {}) as { type?: string; order_id?: string; drink_name?: string; status?: string; message?: string | null };
  if (payload.type === 'BAR_STATUS_CHANGED' && payload.status === 'last_call') {
    const { title, options } = barNotification(payload.message ?? null);
    event.waitUntil(self.registration.showNotification(title, options));
    return;
  }
  if (payload.type === 'ORDER_CALLED' && payload.order_id) {
    const { title, options } = calledNotification(payload.order_id, payload.drink_name ?? '');
    event.waitUntil(self.registration.showNotification(title, options));
    return;
  }
  const shown = pushDisplay(data);
  if (!shown) return;
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(shown.title, shown.options),
      shown.badge === undefined ? undefined : showReadyBadge(shown.badge, self.navigator),
    ]),
  );
});

// The browser replaced (or expired) the subscription: subscribe again and tell the server,
// so ready drinks keep reaching a closed app.
self.addEventListener('pushsubscriptionchange', (event: Event) => {
  (event as ExtendableEvent).waitUntil(
    renewPushSubscription({ resubscribe: true }, self.registration).catch((error: unknown) => console.warn('push renewal failed', error)),
  );
});

self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close();
  const target = new URL((event.notification.data as { url?: string } | null)?.url ?? '/orders', self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        open.postMessage({ type: 'OPEN', url: target });
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});
