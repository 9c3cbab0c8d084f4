import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import type { NewOrderEvent, OrderStatusChangedEvent } from '../../shared/events.ts';
import { ACTIVE_STATUSES, type OrderStatus } from '../../shared/order-status.ts';
import type { ConnectionState } from '../lib/live-events.ts';
import { mergeByVersion } from '../lib/versions.ts';
import type { AdminApi, AdminOrder, DrinkWithRecipe } from './admin-api.ts';
import { applyNewOrder, applySnapshot, applyStatusChange, type BoardOrders } from './order-board.ts';
import { playChime } from './order-sound.ts';

/** How long a tap can be taken back before the change is sent. */
export const UNDO_MS = 5_000;
const FLASH_MS = 4_000;

export interface PendingChange {
  orderId: string;
  from: OrderStatus;
  to: OrderStatus;
  drinkName: string;
  username: string;
}

export interface Board {
  orders: BoardOrders;
  /** Orders as the board shows them: a tapped change shows at once, while it can be undone. */
  shown: AdminOrder[];
  loaded: boolean;
  connection: ConnectionState;
  flashing: ReadonlySet<string>;
  pending: PendingChange[];
  /** `load`: the open orders could not be read; `action`: a tapped change was refused. */
  error: 'load' | 'action' | null;
  drinks: DrinkWithRecipe[];
  move(order: AdminOrder, to: OrderStatus): void;
  undo(orderId: string): void;
  dismissError(): void;
  refresh(): Promise<void>;
}

interface Deferred extends PendingChange {
  timer: ReturnType<typeof setTimeout>;
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
  const [pendingMap, setPendingMap] = useState<ReadonlyMap<string, Deferred>>(new Map());
  const [actionFailed, setActionFailed] = useState(false);
  const [loadErrorDismissed, setLoadErrorDismissed] = useState(0);
  const deferred = useRef(new Map<string, Deferred>());
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
      const onUpdate = (event: OrderStatusChangedEvent) => {
        touch(event.order_id);
        update((board) => applyStatusChange(board, event));
      };
      const subscribeTo = <E,>(channel: string, onEvent: (event: E) => void) =>
        live.keepSubscribed<E>({
          channel,
          token: async () => api.token,
          onEvent,
          // Orders placed between the first list and the subscription being live.
          onReady: () => {
            everReady = true;
            void catchUp().catch(() => undefined);
          },
          // The server ended a subscription (this token was signed out everywhere, or the
          // password changed on another device): asking for the orders finds out, and its 401
          // signs this device out at once instead of leaving a board that no longer updates.
          onFailure: () => {
            if (!everReady) setConnection('offline');
            void catchUp().catch(() => undefined);
          },
          signal: abort.signal,
        });
      void subscribeTo<NewOrderEvent>(ADMIN_NEW_ORDERS, onNewOrder);
      void subscribeTo<OrderStatusChangedEvent>(ADMIN_ORDER_UPDATES, onUpdate);
    })();
    return () => {
      abort.abort();
      stopState();
    };
  }, [api, catchUp, queryClient, firstAnswered]);

  const send = useCallback(
    async (change: PendingChange) => {
      try {
        const order = await api.setOrderStatus(change.orderId, change.to);
        queryClient.setQueryData<BoardOrders>(BOARD_KEY, (board) => mergeByVersion(board ?? new Map(), [order]));
      } catch {
        setActionFailed(true);
        await catchUp().catch(() => undefined);
      }
    },
    [api, catchUp, queryClient],
  );

  const forget = useCallback((orderId: string) => {
    const entry = deferred.current.get(orderId);
    if (entry) clearTimeout(entry.timer);
    deferred.current.delete(orderId);
    setPendingMap(new Map(deferred.current));
    return entry;
  }, []);

  const move = useCallback(
    (order: AdminOrder, to: OrderStatus) => {
      // A second tap on the same card replaces the first: the server allows skipping steps.
      const earlier = forget(order.id);
      const change: PendingChange = { orderId: order.id, from: earlier?.from ?? order.status, to, drinkName: order.drink_name, username: order.username };
      const timer = setTimeout(() => {
        forget(order.id);
        void send(change);
      }, UNDO_MS);
      deferred.current.set(order.id, { ...change, timer });
      setPendingMap(new Map(deferred.current));
    },
    [forget, send],
  );

  const undo = useCallback((orderId: string) => void forget(orderId), [forget]);

  // Leaving the page must not lose taps still inside their undo window.
  useEffect(() => {
    const flush = () => {
      for (const change of deferred.current.values()) {
        clearTimeout(change.timer);
        void fetch(`/api/admin/orders/${encodeURIComponent(change.orderId)}`, {
          method: 'PATCH',
          keepalive: true,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
          body: JSON.stringify({ status: change.to }),
        });
      }
      deferred.current.clear();
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [api]);

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
    pending: [...pendingMap.values()].map(({ timer: _timer, ...change }) => change),
    error: actionFailed ? 'action' : loadFailed ? 'load' : null,
    drinks: drinks.data ?? NO_DRINKS,
    move,
    undo,
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
