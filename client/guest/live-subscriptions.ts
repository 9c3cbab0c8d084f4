import type { QueryClient } from '@tanstack/react-query';
import type { BarStatusChangedEvent, GuestOrderCalledEvent, MenuChangedEvent, GuestOrderStatusChangedEvent, QueueChangedEvent } from '../../shared/events.ts';
import { BAR_CHANNEL, MENU_CHANNEL, QUEUE_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import { accessToken, loadSession } from '../lib/session.ts';
import { keepSubscribed, onConnectionState } from '../lib/live-events.ts';
import { noteLiveState } from './connection.ts';
import { kickDrain } from './drain-scheduler.ts';
import { applyStatusEvent } from './order-store.ts';
import { runCatchUp } from './order-sync.ts';
import { announceCall, announceReady, announceRecall } from './ready-announcer.ts';
import { barState, refreshBar } from './bar-state.ts';
import { MENU_KEY } from './queries.ts';
import { readOrders } from './order-store.ts';
import { hasOrderInLine, noteQueue, queueState, refreshQueue } from './queue-state.ts';
import { watchStore } from './use-live.ts';
import { noteSessionError } from './session-ended.ts';

/**
 * A live status change: applied to the phone's copy, or a catch-up when one was missed. A call
 * again changes nothing in the copy: it is announced only.
 */
async function onOrderEvent(event: GuestOrderStatusChangedEvent | GuestOrderCalledEvent): Promise<void> {
  if (event.type === 'ORDER_CALLED') return announceCall(event.order_id, event.drink_name);
  if (event.type !== 'ORDER_STATUS_CHANGED') return;
  const outcome = await applyStatusEvent(event);
  if (outcome === 'gap') return runCatchUp();
  if (outcome !== 'applied') return;
  if (event.status === 'ready' && event.previous_status !== 'ready') return announceReady(event.order_id, event.drink_name);
  if (event.previous_status === 'ready' && event.status === 'preparing') announceRecall(event.order_id, event.drink_name);
}

/**
 * Follows the line (/queue) only while the phone has an order in it: a guest with nothing
 * ordered costs the server no message per change. Each (re)subscription asks for the line at
 * once, since snapshots missed meanwhile are not replayed.
 */
let following: AbortController | undefined;

function followLine(token: () => Promise<string | undefined>, signal: AbortSignal): void {
  const stop = watchStore(readOrders, (orders) => {
    const inLine = hasOrderInLine(orders);
    if (inLine && !following) {
      following = new AbortController();
      void keepSubscribed<QueueChangedEvent>({
        channel: QUEUE_CHANNEL,
        token,
        onReady: () => void refreshQueue(),
        onEvent: (event) => {
          if (event.type !== 'QUEUE_CHANGED') return;
          const { type: _type, ...snapshot } = event;
          noteQueue(snapshot);
        },
        signal: following.signal,
      });
    } else if (!inLine && following) {
      following.abort();
      following = undefined;
      queueState.set(null);
    }
  });
  signal.addEventListener(
    'abort',
    () => {
      stop();
      following?.abort();
      following = undefined;
    },
    { once: true },
  );
}

/**
 * The guest's live channels (their orders, the menu, the bar's state, and the line while they
 * have an order in it). The runtime loads this module (and Amplify with it) only after the
 * first paint: the menu shows without it.
 */
export async function startLiveSubscriptions(queryClient: QueryClient, signal: AbortSignal): Promise<void> {
  const session = await loadSession();
  if (!session || signal.aborted) return;
  const stopState = onConnectionState((state) => {
    if (!noteLiveState(state)) return;
    // Back from a drop: whatever happened meanwhile, and the orders that waited.
    void runCatchUp();
    void kickDrain();
    void queryClient.invalidateQueries({ queryKey: MENU_KEY });
    void refreshBar();
    if (following) void refreshQueue();
  });
  signal.addEventListener('abort', stopState, { once: true });

  const token = async () => {
    try {
      return await accessToken();
    } catch (error) {
      noteSessionError(error);
      throw error;
    }
  };
  void keepSubscribed<GuestOrderStatusChangedEvent | GuestOrderCalledEvent>({
    channel: guestOrdersChannel(session.user.user_key),
    token,
    onEvent: (event) => void onOrderEvent(event),
    // Back after the server ended the subscription (say, an expired token): what changed meanwhile.
    onReady: (afterFailure) => {
      if (afterFailure) void runCatchUp();
    },
    signal,
  });
  void keepSubscribed<MenuChangedEvent>({
    channel: MENU_CHANNEL,
    token,
    onEvent: (event) => {
      if (event.type === 'MENU_CHANGED') void queryClient.invalidateQueries({ queryKey: MENU_KEY });
    },
    onReady: (afterFailure) => {
      if (afterFailure) void queryClient.invalidateQueries({ queryKey: MENU_KEY });
    },
    signal,
  });
  followLine(token, signal);
  void keepSubscribed<BarStatusChangedEvent>({
    channel: BAR_CHANNEL,
    token,
    onEvent: (event) => {
      if (event.type === 'BAR_STATUS_CHANGED') barState.set({ status: event.status, message: event.message, closes_at: event.closes_at });
    },
    onReady: (afterFailure) => {
      if (afterFailure) void refreshBar();
    },
    signal,
  });
}
