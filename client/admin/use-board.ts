import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import type { HostOrderCalledEvent, NewOrderEvent, HostOrderStatusChangedEvent } from '../../shared/events.ts';
import { ACTIVE_STATUSES, RECALL_WINDOW_SECONDS, recallTarget, type OrderStatus } from '../../shared/order-status.ts';
import type { ConnectionState } from '../lib/live-events.ts';
import { mergeByVersion } from '../lib/versions.ts';
import type { AdminApi, AdminOrder, DrinkWithRecipe, WalkupInput } from './admin-api.ts';
import { addRecentChange, applyCall, applyNewOrder, applySnapshot, applyStatusChange, recentChangeOf, type BoardOrders, type RecentChange } from './order-board.ts';
import { playChime } from './order-sound.ts';

const FLASH_MS = 4_000;

/** A tap on its way to the server: the card shows its new column at once. */
export interface PendingChange {
  orderId: string;
  from: OrderStatus;
  to: OrderStatus;
}

export interface Board {
  orders: BoardOrders;
  /** Orders as the board shows them: a tapped change shows at once, while it is on its way. */
  shown: AdminOrder[];
  loaded: boolean;
  connection: ConnectionState;
  flashing: ReadonlySet<string>;
  /** The last few changes (this board's and other bartenders'), newest first, each recallable for 15 minutes. */
  recent: RecentChange[];
  /** `load`: the open orders could not be read; `action`: a tapped change was refused. */
  error: 'load' | 'action' | null;
  drinks: DrinkWithRecipe[];
  /** Sent at once: every other board and the guest see it within the second. */
  move(order: AdminOrder, to: OrderStatus): void;
  /** One step back (ready → preparing, …): the server allows it for 15 minutes after the change. */
  recall(change: RecentChange): void;
  /** "Call again" for a ready order nobody collected. */
  call(order: AdminOrder): void;
  /** Takes a walk-up (someone without a phone); it joins the queue as soon as the server answers. */
  takeWalkup(input: WalkupInput): Promise<AdminOrder>;
  /** Reads the drinks again (what is available changes with the shelf). */
  reloadDrinks(): void;
  dismissError(): void;
  refresh(): Promise<void>;
}

/** How often the board asks for the list while a live subscription is down. */
const DOWN_POLL_MS = 4_000;

/** The step back a recent change allows now, or null (too old, or nothing to step back to). */
export function recallOf(change: RecentChange, now: number): OrderStatus | null {
  if (now - Date.parse(change.at) > RECALL_WINDOW_SECONDS * 1000) return null;
  return recallTarget(change.to, { previous: change.from, byStaff: change.byStaff });
}

/** The board's open orders in the query cache: the REST list merged with live events. */
export const BOARD_KEY = ['board', 'orders'] as const;
const DRINKS_KEY = ['admin', 'drinks'] as const;

/**
 * The live board, shared by every host screen so a new order chimes even while the host
 * edits the menu. The open orders are server state in TanStack Query: the REST list of open
 * orders fills the cache, the two host channels update it with `setQueryData`, and the list is
 * asked again whenever the connection comes back — events are only a speed layer, the list is
 * the truth.
 */
export function useBoard(api: AdminApi): Board {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<ConnectionState>('reconnecting');
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());
  const [pendingMap, setPendingMap] = useState<ReadonlyMap<string, PendingChange>>(new Map());
  const [recent, setRecent] = useState<RecentChange[]>([]);
  const [actionFailed, setActionFailed] = useState(false);
  const [loadErrorDismissed, setLoadErrorDismissed] = useState(0);
  // Per list request in flight, the ids an event touched meanwhile: the answer may predate them.
  const inFlight = useRef(new Set<Set<string>>());

  const query = useQuery({
    queryKey: BOARD_KEY,
    queryFn: async (): Promise<BoardOrders> => {
      const touched = new Set<string>();
      inFlight.current.add(touched);
      try {
        const open = await api.orders(ACTIVE_STATUSES);
        return applySnapshot(queryClient.getQueryData<BoardOrders>(BOARD_KEY) ?? new Map(), open, touched);
      } finally {
        inFlight.current.delete(touched);
      }
    },
    // Refreshed by the live connection (and after a refused change), not by timers or focus.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    retry: false,
    structuralSharing: false,
  });
  const drinks = useQuery({ queryKey: DRINKS_KEY, queryFn: () => api.drinks(), staleTime: Infinity, retry: false });

  const catchUp = useCallback(async () => {
    await queryClient.refetchQueries({ queryKey: BOARD_KEY, exact: true }, { throwOnError: true });
  }, [queryClient]);

  // The board first shows what the list says; the live connection (Amplify, a large chunk to
  // parse) starts only once that answer is in, so it never delays the first render.
  const firstAnswered = query.data !== undefined || query.isError;
  useEffect(() => {
    if (!firstAnswered) return;
    const abort = new AbortController();
    const update = (change: (board: BoardOrders) => BoardOrders) => queryClient.setQueryData<BoardOrders>(BOARD_KEY, (board) => change(board ?? new Map()));
    const touch = (orderId: string) => inFlight.current.forEach((touched) => touched.add(orderId));
    let stopState = () => {};
    void (async () => {
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      const live = await import('../lib/live-events.ts');
      if (abort.signal.aborted) return;
      let previous = live.connectionState();
      let everReady = false;
      setConnection(previous);
      stopState = live.onConnectionState((next) => {
        setConnection(next);
        // Back after a drop: whatever happened meanwhile is only in the database.
        if (next === 'live' && previous !== 'live') void catchUp().catch(() => undefined);
        previous = next;
      });
      const onNewOrder = (event: NewOrderEvent) => {
        touch(event.order_id);
        update((board) => applyNewOrder(board, event));
        setFlashing((ids) => new Set(ids).add(event.order_id));
        setTimeout(() => setFlashing((ids) => withoutId(ids, event.order_id)), FLASH_MS);
        playChime();
      };
      const onUpdate = (event: HostOrderStatusChangedEvent | HostOrderCalledEvent) => {
        if (event.type === 'ORDER_CALLED') {
          update((board) => applyCall(board, event));
          return;
        }
        touch(event.order_id);
        update((board) => applyStatusChange(board, event));
        setRecent((list) => addRecentChange(list, recentChangeOf(event)));
      };
      // While a subscription is down (between a refusal, such as an expired token, and the next
      // one holding, which may take a few tries), the board asks for the list every few seconds:
      // a new order shows within that, live events or not.
      const down = new Set<string>();
      const poll = setInterval(() => {
        if (down.size > 0) void catchUp().catch(() => undefined);
      }, DOWN_POLL_MS);
      abort.signal.addEventListener('abort', () => clearInterval(poll), { once: true });
      const subscribeTo = <E,>(channel: string, onEvent: (event: E) => void) =>
        live.keepSubscribed<E>({
          channel,
          token: () => api.liveToken(),
          onEvent,
          // Orders placed between the first list and the subscription being live.
          onReady: () => {
            everReady = true;
            down.delete(channel);
            void catchUp().catch(() => undefined);
          },
          // The server ended a subscription (this token was signed out everywhere, or the
          // password changed on another device): asking for the orders finds out, and its 401
          // signs this device out at once instead of leaving a board that no longer updates.
          onFailure: () => {
            if (!everReady) setConnection('offline');
            down.add(channel);
            void catchUp().catch(() => undefined);
          },
          signal: abort.signal,
        });
      void subscribeTo<NewOrderEvent>(ADMIN_NEW_ORDERS, onNewOrder);
      void subscribeTo<HostOrderStatusChangedEvent | HostOrderCalledEvent>(ADMIN_ORDER_UPDATES, onUpdate);
    })();
    return () => {
      abort.abort();
      stopState();
    };
  }, [api, catchUp, queryClient, firstAnswered]);

  const send = useCallback(
    async (change: PendingChange, username: string, drinkName: string) => {
      setPendingMap((map) => new Map(map).set(change.orderId, change));
      try {
        const order = await api.setOrderStatus(change.orderId, change.to);
        queryClient.setQueryData<BoardOrders>(BOARD_KEY, (board) => mergeByVersion(board ?? new Map(), [order]));
        // The answer may come before this board's own event: the change is listed either way.
        // (Another bartender's identical tap made it first: theirs is the change, listed by its event.)
        if (order.changed_by && order.status === change.to && change.from !== change.to) {
          setRecent((list) =>
            addRecentChange(list, {
              orderId: order.id,
              drinkName,
              username,
              from: change.from,
              to: order.status,
              version: order.version,
              at: order.updated_at,
              by: order.changed_by?.name ?? null,
              byStaff: true,
            }),
          );
        }
      } catch {
        setActionFailed(true);
        await catchUp().catch(() => undefined);
      } finally {
        setPendingMap((map) => {
          const next = new Map(map);
          if (next.get(change.orderId) === change) next.delete(change.orderId);
          return next;
        });
      }
    },
    [api, catchUp, queryClient],
  );

  const move = useCallback(
    (order: AdminOrder, to: OrderStatus) => void send({ orderId: order.id, from: order.status, to }, order.username, order.drink_name),
    [send],
  );

  const recall = useCallback(
    (change: RecentChange) => {
      const to = recallOf(change, Date.now());
      if (to) void send({ orderId: change.orderId, from: change.to, to }, change.username, change.drinkName);
    },
    [send],
  );

  const call = useCallback(
    (order: AdminOrder) => {
      api.callOrder(order.id).then(
        (called) =>
          queryClient.setQueryData<BoardOrders>(BOARD_KEY, (board) =>
            applyCall(board ?? new Map(), {
              type: 'ORDER_CALLED',
              order_id: called.id,
              drink_name: called.drink_name,
              calls: called.calls ?? 1,
              called_at: called.called_at ?? called.updated_at,
              user_key: called.user_key,
              username: called.username,
            }),
          ),
        () => setActionFailed(true),
      );
    },
    [api, queryClient],
  );

  const takeWalkup = useCallback(
    async (input: WalkupInput) => {
      const order = await api.placeWalkup(input);
      queryClient.setQueryData<BoardOrders>(BOARD_KEY, (board) => mergeByVersion(board ?? new Map(), [order]));
      return order;
    },
    [api, queryClient],
  );
  const reloadDrinks = useCallback(() => void queryClient.invalidateQueries({ queryKey: DRINKS_KEY }), [queryClient]);

  const orders = query.data ?? EMPTY;
  const shown = useMemo(() => {
    const list: AdminOrder[] = [];
    for (const order of orders.values()) {
      const change = pendingMap.get(order.id);
      list.push(change && change.from === order.status ? { ...order, status: change.to } : order);
    }
    return list;
  }, [orders, pendingMap]);

  // The first list could not be read (until a later one is, or the host dismisses it).
  const loadFailed = query.isError && query.data === undefined && query.errorUpdatedAt !== loadErrorDismissed;
  return {
    orders,
    shown,
    loaded: query.data !== undefined,
    connection,
    flashing,
    recent,
    error: actionFailed ? 'action' : loadFailed ? 'load' : null,
    drinks: drinks.data ?? NO_DRINKS,
    move,
    recall,
    call,
    takeWalkup,
    reloadDrinks,
    dismissError: () => {
      setActionFailed(false);
      setLoadErrorDismissed(query.errorUpdatedAt);
    },
    refresh: catchUp,
  };
}

const EMPTY: BoardOrders = new Map();
const NO_DRINKS: DrinkWithRecipe[] = [];

function withoutId(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(ids);
  next.delete(id);
  return next;
}
