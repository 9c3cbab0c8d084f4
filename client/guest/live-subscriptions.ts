import type { QueryClient } from '@tanstack/react-query';
import type { MenuChangedEvent, OrderStatusChangedEvent } from '../../shared/events.ts';
import { MENU_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import { accessToken, loadSession } from '../lib/session.ts';
import { keepSubscribed, onConnectionState } from '../lib/live-events.ts';
import { noteLiveState } from './connection.ts';
import { kickDrain } from './drain-scheduler.ts';
import { applyStatusEvent } from './order-store.ts';
import { runCatchUp } from './order-sync.ts';
import { announceReady } from './ready-announcer.ts';
import { MENU_KEY } from './queries.ts';
import { noteSessionError } from './session-ended.ts';

/** A live status change: applied to the phone's copy, or a catch-up when one was missed. */
async function onOrderEvent(event: OrderStatusChangedEvent): Promise<void> {
  if (event.type !== 'ORDER_STATUS_CHANGED') return;
  const outcome = await applyStatusEvent(event);
  if (outcome === 'gap') return runCatchUp();
  if (outcome === 'applied' && event.status === 'ready' && event.previous_status !== 'ready') return announceReady(event.order_id, event.drink_name);
}

/**
 * The guest's two live channels (their orders, the menu). The runtime loads this module (and
 * Amplify with it) only after the first paint: the menu shows without it.
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
  void keepSubscribed<OrderStatusChangedEvent>({
    channel: guestOrdersChannel(session.user.user_key),
    token,
    onEvent: (event) => void onOrderEvent(event),
    signal,
  });
  void keepSubscribed<MenuChangedEvent>({
    channel: MENU_CHANNEL,
    token,
    onEvent: (event) => {
      if (event.type === 'MENU_CHANGED') void queryClient.invalidateQueries({ queryKey: MENU_KEY });
    },
    signal,
  });
}
