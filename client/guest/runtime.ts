import { onlineManager, type QueryClient } from '@tanstack/react-query';
import type { StoredSession } from '../lib/db.ts';
import { loadSession } from '../lib/session.ts';
import { noteReachable, onReachabilityChange, probe, probeWhileUnreachable } from '../lib/reachability.ts';
import { showConnection, startHeartbeat } from './connection.ts';
import { kickDrain } from './drain-scheduler.ts';
import { runCatchUp } from './order-sync.ts';
import { refreshBar } from './bar-state.ts';
import { renewPushSubscription } from './push-subscription.ts';
import { startStoreBridges } from './store-bridge.ts';
import { startBadgeSync } from './badge.ts';
import { watchStore } from './use-live.ts';

/**
 * What keeps the guest app honest while it is open, as wiring only: which moments (the server
 * back, the network back, the app shown again, start-up) set off which work. Each piece is
 * owned elsewhere: the store → cache bridges (store-bridge.ts), the indicator and heartbeat
 * (connection.ts), the outbox drains (drain-scheduler.ts), the orders' catch-up
 * (order-sync.ts), the live channels (live-subscriptions.ts), the ready announcements
 * (ready-announcer.ts), the bar's state (bar-state.ts), the icon's badge (badge.ts).
 * guest-app.tsx loads this module after the menu's first paint.
 */
export function startGuestRuntime(queryClient: QueryClient): () => void {
  const abort = new AbortController();
  const stops: (() => void)[] = [startStoreBridges(queryClient), startBadgeSync()];

  // TanStack Query follows the server's reachability, not the browser's online flag.
  onlineManager.setEventListener((setOnline) => onReachabilityChange(setOnline));
  stops.push(
    onReachabilityChange((reachable) => {
      showConnection();
      if (reachable) {
        void kickDrain();
        void runCatchUp();
      }
    }),
  );
  stops.push(probeWhileUnreachable());

  const onOnline = () =>
    void probe().then((ok) => {
      if (ok) void kickDrain();
    });
  const onVisible = () => {
    if (document.visibilityState !== 'visible') return;
    void kickDrain();
    void runCatchUp();
  };
  const onOffline = () => noteReachable(false);
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  stops.push(() => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
  });
  stops.push(startHeartbeat());

  void kickDrain();
  void runCatchUp();
  void refreshBar();
  if ('Notification' in window && Notification.permission === 'granted' && 'PushManager' in window) {
    void renewPushSubscription({ resubscribe: false }).catch((error: unknown) => console.warn('push renewal', error));
  }
  // After the first paint, and as its own chunk (Amplify is heavy): the menu shows without it.
  const timer = setTimeout(
    () =>
      void import('./live-subscriptions.ts')
        .then((live) => live.startLiveSubscriptions(queryClient, abort.signal))
        .catch((error: unknown) => console.error('live connection', error)),
    0,
  );
  stops.push(() => clearTimeout(timer));
  stops.push(() => abort.abort());
  return () => stops.forEach((stop) => stop());
}

/**
 * The guest's session as it changes on the phone, whoever wrote it (joined, moved in by a
 * transfer code, refused by the server, left the bar, another tab); null when not joined.
 */
export function watchGuestSession(onChange: (session: StoredSession | null) => void): () => void {
  return watchStore(async () => (await loadSession()) ?? null, onChange);
}
