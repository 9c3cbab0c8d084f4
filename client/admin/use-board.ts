import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import type { NewOrderEvent, OrderStatusChangedEvent } from '../../shared/events.ts';
import { ACTIVE_STATUSES, type OrderStatus } from '../../shared/order-status.ts';
import type { ConnectionState } from '../lib/live-events.ts';
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
  soundCount: number;
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

/**
 * The live board, shared by every host screen so a new order chimes even while the host
 * edits the menu. It starts from the REST list of open orders, follows the two host
 * channels, and catches up with the list again whenever the connection comes back — events
 * are only a speed layer, the list is the truth.
 */
export function useBoard(api: AdminApi): Board {
  const [orders, setOrders] = useState<BoardOrders>(new Map());
  const [loaded, setLoaded] = useState(false);
  const [connection, setConnection] = useState<ConnectionState>('reconnecting');
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());
  const [soundCount, setSoundCount] = useState(0);
  const [pendingMap, setPendingMap] = useState<ReadonlyMap<string, Deferred>>(new Map());
  const [error, setError] = useState<'load' | 'action' | null>(null);
  const [drinks, setDrinks] = useState<DrinkWithRecipe[]>([]);
  const deferred = useRef(new Map<string, Deferred>());
  // Ids touched by an event while a catch-up request was in flight: the answer may predate them.
  const touchedDuringCatchUp = useRef<Set<string> | null>(null);
  const drinksRef = useRef(drinks);
  drinksRef.current = drinks;

  const catchUp = useCallback(async () => {
    touchedDuringCatchUp.current = new Set();
    try {
      const open = await api.orders(ACTIVE_STATUSES);
      // The first answer starts the board's render measurement (bench/client-host.ts).
      if (performance.getEntriesByName('barback:board-snapshot').length === 0) performance.mark('barback:board-snapshot');
      const keep = touchedDuringCatchUp.current ?? new Set<string>();
      setOrders((board) => applySnapshot(board, open, keep));
      setLoaded(true);
      setError((current) => (current === 'load' ? null : current));
    } finally {
      touchedDuringCatchUp.current = null;
    }
  }, [api]);

  // The board first shows what the list says; the live connection (Amplify, a large chunk to
  // parse) starts only once that is on screen, so it never delays the first render.
  const firstLoad = useMemo(() => catchUp().catch(() => setError('load')), [catchUp]);
  useEffect(() => {
    void api.drinks().then(setDrinks, () => undefined);
  }, [api]);

  useEffect(() => {
    let closed = false;
    const subscriptions: { close(): void }[] = [];
    let stopState = () => {};
    void (async () => {
      await firstLoad;
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      const live = await import('../lib/live-events.ts');
      if (closed) return;
      let previous = live.connectionState();
      setConnection(previous);
      stopState = live.onConnectionState((next) => {
        setConnection(next);
        // Back after a drop: whatever happened meanwhile is only in the database.
        if (next === 'live' && previous !== 'live') void catchUp().catch(() => undefined);
        previous = next;
      });
      const onNewOrder = (event: NewOrderEvent) => {
        touchedDuringCatchUp.current?.add(event.order_id);
        setOrders((board) => {
          if (board.has(event.order_id)) return board;
          return applyNewOrder(board, event, (name) => drinksRef.current.find((d) => d.name === name)?.id ?? '');
        });
        setFlashing((ids) => new Set(ids).add(event.order_id));
        setTimeout(() => setFlashing((ids) => withoutId(ids, event.order_id)), FLASH_MS);
        if (playChime()) setSoundCount((count) => count + 1);
      };
      const onUpdate = (event: OrderStatusChangedEvent) => {
        touchedDuringCatchUp.current?.add(event.order_id);
        setOrders((board) => applyStatusChange(board, event));
      };
      // The server ended a subscription (this token was signed out everywhere, or the password
      // changed on another device): asking for the orders finds out, and its 401 signs this
      // device out at once instead of leaving a board that no longer updates.
      const onEnded = () => void catchUp().catch(() => undefined);
      // The first connection may fail (server restarting, broker not up yet): try again,
      // Amplify itself takes over reconnecting once a connection has been made.
      for (let attempt = 0; !closed; attempt += 1) {
        try {
          const created = await Promise.all([
            live.subscribe<NewOrderEvent>(ADMIN_NEW_ORDERS, api.token, onNewOrder, onEnded),
            live.subscribe<OrderStatusChangedEvent>(ADMIN_ORDER_UPDATES, api.token, onUpdate, onEnded),
          ]);
          if (closed) created.forEach((s) => s.close());
          else subscriptions.push(...created);
          await Promise.all(created.map((s) => s.ready));
          // Orders placed between the first list and the subscription being live.
          if (!closed) await catchUp();
          return;
        } catch {
          subscriptions.splice(0).forEach((s) => s.close());
          if (!closed) setConnection('offline');
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 2_000 * 2 ** attempt)));
        }
      }
    })();
    return () => {
      closed = true;
      stopState();
      subscriptions.forEach((s) => s.close());
    };
  }, [api, catchUp, firstLoad]);

  const send = useCallback(
    async (change: PendingChange) => {
      try {
        const order = await api.setOrderStatus(change.orderId, change.to);
        setOrders((board) => (BigInt(order.version) > BigInt(board.get(order.id)?.version ?? '0') ? new Map(board).set(order.id, order) : board));
      } catch {
        setError('action');
        await catchUp().catch(() => undefined);
      }
    },
    [api, catchUp],
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

  const shown = useMemo(() => {
    const list: AdminOrder[] = [];
    for (const order of orders.values()) {
      const change = pendingMap.get(order.id);
      list.push(change && change.from === order.status ? { ...order, status: change.to } : order);
    }
    return list;
  }, [orders, pendingMap]);

  return {
    orders,
    shown,
    loaded,
    connection,
    flashing,
    soundCount,
    pending: [...pendingMap.values()].map(({ timer: _timer, ...change }) => change),
    error,
    drinks,
    move,
    undo,
    dismissError: () => setError(null),
    refresh: catchUp,
  };
}

function withoutId(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(ids);
  next.delete(id);
  return next;
}
