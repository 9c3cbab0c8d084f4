import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES } from '../../shared/channels.ts';
import type { NewOrderEvent, OrderCalledEvent, OrderStatusChangedEvent } from '../../shared/events.ts';
import { ACTIVE_STATUSES, RECALL_WINDOW_SECONDS, recallTarget, type OrderStatus } from '../../shared/order-status.ts';
import type { ConnectionState } from '../lib/live-events.ts';
import type { AdminApi, AdminOrder, DrinkWithRecipe } from './admin-api.ts';
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
  soundCount: number;
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
  dismissError(): void;
  refresh(): Promise<void>;
}

/** The step back a recent change allows now, or null (too old, or nothing to step back to). */
export function recallOf(change: RecentChange, now: number): OrderStatus | null {
  if (now - Date.parse(change.at) > RECALL_WINDOW_SECONDS * 1000) return null;
  return recallTarget(change.to, { previous: change.from, byStaff: change.byStaff });
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
  const [pendingMap, setPendingMap] = useState<ReadonlyMap<string, PendingChange>>(new Map());
  const [recent, setRecent] = useState<RecentChange[]>([]);
  const [error, setError] = useState<'load' | 'action' | null>(null);
  const [drinks, setDrinks] = useState<DrinkWithRecipe[]>([]);
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
      const onUpdate = (event: OrderStatusChangedEvent | OrderCalledEvent) => {
        if (event.type === 'ORDER_CALLED') {
          setOrders((board) => applyCall(board, event));
          return;
        }
        touchedDuringCatchUp.current?.add(event.order_id);
        setOrders((board) => applyStatusChange(board, event));
        setRecent((list) => addRecentChange(list, recentChangeOf(event)));
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
            live.subscribe<OrderStatusChangedEvent | OrderCalledEvent>(ADMIN_ORDER_UPDATES, api.token, onUpdate, onEnded),
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

  const keep = useCallback((order: AdminOrder) => {
    setOrders((board) => (BigInt(order.version) >= BigInt(board.get(order.id)?.version ?? '0') ? new Map(board).set(order.id, order) : board));
  }, []);

  const send = useCallback(
    async (change: PendingChange, username: string, drinkName: string) => {
      setPendingMap((map) => new Map(map).set(change.orderId, change));
      try {
        const order = await api.setOrderStatus(change.orderId, change.to);
        keep(order);
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
        setError('action');
        await catchUp().catch(() => undefined);
      } finally {
        setPendingMap((map) => {
          const next = new Map(map);
          if (next.get(change.orderId) === change) next.delete(change.orderId);
          return next;
        });
      }
    },
    [api, catchUp, keep],
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
        (called) => setOrders((board) => applyCall(board, { type: 'ORDER_CALLED', order_id: called.id, drink_name: called.drink_name, calls: called.calls ?? 1, called_at: called.called_at ?? '' })),
        () => setError('action'),
      );
    },
    [api],
  );

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
    recent,
    error,
    drinks,
    move,
    recall,
    call,
    dismissError: () => setError(null),
    refresh: catchUp,
  };
}

function withoutId(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(ids);
  next.delete(id);
  return next;
}
