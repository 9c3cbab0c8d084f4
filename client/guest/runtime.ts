import { onlineManager, type QueryClient } from '@tanstack/react-query';
import type { BarStatusChangedEvent, MenuChangedEvent, OrderCalledEvent, OrderStatusChangedEvent } from '../../shared/events.ts';
import { BAR_CHANNEL, MENU_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import type { Bar } from '../../shared/schemas/bar.ts';
import { requestJson } from '../lib/http.ts';
import { isReachable, noteReachable, onReachabilityChange, probe, probeWhileUnreachable } from '../lib/reachability.ts';
import { SessionEndedError, accessToken, loadSession } from '../lib/session.ts';
import type { ConnectionState } from '../lib/live-events.ts';
import { OUTBOX_SYNC_TAG, drainOutbox } from './outbox.ts';
import { applyStatusEvent, catchUp, type OrderChange } from './order-store.ts';
import { calledNotification, readyNotification } from './ready-notification.ts';
import { renewPushSubscription } from './push-subscription.ts';

/**
 * What keeps the guest app honest while it is open: it drains the outbox whenever the server
 * may be back, catches up on orders after any gap, keeps the live subscription, and turns
 * "ready" into a notification and a banner. Pure wiring; the rules live in outbox.ts and
 * order-store.ts.
 */
type Listener<T> = (value: T) => void;

class Signal<T> {
  private listeners = new Set<Listener<T>>();
  constructor(public value: T) {}
  set(value: T): void {
    if (value === this.value) return;
    this.value = value;
    for (const listener of this.listeners) listener(value);
  }
  subscribe = (listener: Listener<T>): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** What the indicator shows: the server unreachable is "offline" whatever the socket says. */
export const connection = new Signal<ConnectionState>('reconnecting');
/** Orders that just became ready, for the in-app banner. */
export const readyBanner = new Signal<{ id: string; drink: string } | null>(null);
/** An order the bartender stepped back from ready ("Back to being made"). */
export const recallBanner = new Signal<{ id: string; drink: string } | null>(null);
/** A ready order the bartender called again. */
export const calledBanner = new Signal<{ id: string; drink: string } | null>(null);
/** Open, last call or closed (GET /api/bar, then the /bar channel); null until known. */
export const barState = new Signal<Bar | null>(null);
/** The session was refused by the server: the guest must join again. */
export const sessionEnded = new Signal<boolean>(false);

let liveState: ConnectionState = 'reconnecting';
function updateConnection(): void {
  connection.set(isReachable() ? liveState : 'offline');
}

async function announceReady(orderId: string, drinkName: string): Promise<void> {
  if (recallBanner.value?.id === orderId) recallBanner.set(null);
  readyBanner.set({ id: orderId, drink: drinkName });
  if (!('serviceWorker' in navigator) || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const registration = await navigator.serviceWorker.ready;
  const { title, options } = readyNotification(orderId, drinkName);
  await registration.showNotification(title, options);
}

async function announceCall(orderId: string, drinkName: string): Promise<void> {
  // The call says more than "ready": one banner per drink.
  if (readyBanner.value?.id === orderId) readyBanner.set(null);
  calledBanner.set({ id: orderId, drink: drinkName });
  if (!('serviceWorker' in navigator) || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const registration = await navigator.serviceWorker.ready;
  const { title, options } = calledNotification(orderId, drinkName);
  await registration.showNotification(title, options);
}

/** The bar's state is public: asked at start and after every reconnect, then followed live. */
async function refreshBar(): Promise<void> {
  try {
    barState.set((await requestJson<{ bar: Bar }>('/api/bar')).bar);
  } catch {
    // Unreachable: the last known state stays; the next reconnect asks again.
  }
}

function announceChanges(changes: OrderChange[]): void {
  for (const { order, previous } of changes) {
    // An order first seen already ready (a fresh phone's history) is not news.
    if (order.status === 'ready' && previous !== undefined && previous !== 'ready') void announceReady(order.id, order.drink_name);
  }
}

function handleError(error: unknown): void {
  if (error instanceof SessionEndedError) sessionEnded.set(true);
}

export async function runCatchUp(): Promise<void> {
  try {
    announceChanges(await catchUp());
  } catch (error) {
    handleError(error);
  }
}

// ---- outbox draining: one scheduler, backoff while items remain ----
let draining = false;
let drainAgain = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryDelay = 2_000;

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
        retryDelay = Math.min(retryDelay * 2, 15_000);
        return;
      }
      retryDelay = 2_000;
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

// ---- the live connection, loaded after the first paint (Amplify is heavy) ----
async function startLive(queryClient: QueryClient, signal: AbortSignal): Promise<void> {
  const live = await import('../lib/live-events.ts');
  const session = await loadSession();
  if (!session || signal.aborted) return;
  live.onConnectionState((state) => {
    const wasLive = liveState === 'live';
    liveState = state;
    updateConnection();
    // A dropped socket may be the server gone: ask, so the indicator can say "offline".
    if (state !== 'live') void probe();
    if (state === 'live' && !wasLive) {
      // Back from a drop: whatever happened meanwhile, and the orders that waited.
      void runCatchUp();
      void kickDrain();
      void queryClient.invalidateQueries({ queryKey: ['menu'] });
      void refreshBar();
    }
  });

  const onOrderEvent = (event: OrderStatusChangedEvent | OrderCalledEvent) => {
    if (event.type === 'ORDER_CALLED') return void announceCall(event.order_id, event.drink_name);
    if (event.type !== 'ORDER_STATUS_CHANGED') return;
    void applyStatusEvent(event).then((outcome) => {
      if (outcome === 'gap') return runCatchUp();
      if (outcome !== 'applied') return;
      if (event.status === 'ready' && event.previous_status !== 'ready') return announceReady(event.order_id, event.drink_name);
      if (event.previous_status === 'ready' && event.status === 'preparing') {
        // Recalled: the drink is not waiting any more; say so rather than leave "ready" up.
        if (readyBanner.value?.id === event.order_id) readyBanner.set(null);
        if (calledBanner.value?.id === event.order_id) calledBanner.set(null);
        recallBanner.set({ id: event.order_id, drink: event.drink_name });
      }
    });
  };
  const onBarEvent = (event: BarStatusChangedEvent) => {
    if (event.type === 'BAR_STATUS_CHANGED') barState.set({ status: event.status, message: event.message, closes_at: event.closes_at });
  };
  const onMenuEvent = (event: MenuChangedEvent) => {
    if (event.type === 'MENU_CHANGED') void queryClient.invalidateQueries({ queryKey: ['menu'] });
  };

  const keep = async (channel: string, onEvent: (event: never) => void) => {
    // A refused subscription (usually an expired token) is retried with a fresh token.
    for (let delay = 2_000; !signal.aborted; delay = Math.min(delay * 2, 60_000)) {
      try {
        const token = await accessToken();
        if (!token) return;
        let current: { close(): void } | undefined;
        const failed = new Promise<void>((resolve) => {
          void live.subscribe(channel, token, onEvent, () => resolve()).then((subscription) => {
            current = subscription;
            signal.addEventListener('abort', () => subscription.close());
            void subscription.ready.then(() => {
              delay = 2_000;
            }, () => resolve());
          }, () => resolve());
        });
        await failed;
        // The failed subscription is dropped before a fresh one (with a fresh token) replaces it.
        current?.close();
      } catch (error) {
        handleError(error);
        if (error instanceof SessionEndedError) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
  void keep(guestOrdersChannel(session.user.user_key), onOrderEvent as (event: never) => void);
  void keep(MENU_CHANNEL, onMenuEvent as (event: never) => void);
  void keep(BAR_CHANNEL, onBarEvent as (event: never) => void);
}

/** Starts everything; returns a stop function (used by tests and hot reload). */
export function startGuestRuntime(queryClient: QueryClient): () => void {
  const abort = new AbortController();
  const stops: (() => void)[] = [];

  // TanStack Query follows the server's reachability, not the browser's online flag.
  onlineManager.setEventListener((setOnline) => onReachabilityChange(setOnline));
  stops.push(
    onReachabilityChange((reachable) => {
      updateConnection();
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
  window.addEventListener('online', onOnline);
  document.addEventListener('visibilitychange', onVisible);
  const onOffline = () => noteReachable(false);
  window.addEventListener('offline', onOffline);
  stops.push(() => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
  });

  // Without a live socket nothing else would notice the server leaving: a cheap heartbeat.
  const heartbeat = setInterval(() => {
    if (liveState !== 'live' && isReachable()) void probe();
  }, 10_000);
  stops.push(() => clearInterval(heartbeat));

  void kickDrain();
  void runCatchUp();
  void refreshBar();
  if ('Notification' in window && Notification.permission === 'granted' && 'PushManager' in window) {
    void renewPushSubscription({ resubscribe: false }).catch((error: unknown) => console.warn('push renewal', error));
  }
  // After the first paint: the live connection is not needed to show the menu.
  const timer = setTimeout(() => void startLive(queryClient, abort.signal).catch((error: unknown) => console.error('live connection', error)), 0);
  stops.push(() => clearTimeout(timer));
  stops.push(() => abort.abort());
  return () => stops.forEach((stop) => stop());
}

/** An order was just put in the outbox: send it now, and let the worker send it if we can't. */
export async function afterEnqueue(): Promise<void> {
  await requestBackgroundSync();
  await kickDrain();
}
