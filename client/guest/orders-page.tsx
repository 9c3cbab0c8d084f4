import { useEffect, useState } from 'react';
import { clearGuestData, type LocalOrder } from '../lib/db.ts';
import { ApiError, requestJson } from '../lib/http.ts';
import { loadSession } from '../lib/session.ts';
import type { GuestKey } from '../i18n/guest.ts';
import { useT } from './i18n.ts';
import { useOrders } from './queries.ts';
import { cancelOrder } from './order-store.ts';
import { clearPhoneTraces } from './leave-traces.ts';
import { InstallCard } from './install-prompt.tsx';
import { OrderAgainButton } from './order-again.tsx';
import { QueuedHint } from './queued-hint.tsx';
import { optionsText } from './drink-facts.tsx';
import { hasPushSubscription, pushAvailability, subscribeToPush, unsubscribeFromPush } from './push-subscription.ts';
import { useQueueSnapshot } from './queue-state.ts';
import { currentPlace } from '../../shared/queue.ts';

const FAILURE_KEYS: Record<string, GuestKey> = {
  drink_unavailable: 'failure.drink_unavailable',
  drink_not_found: 'failure.drink_not_found',
  too_many_active_orders: 'failure.too_many_active_orders',
  bar_closed: 'failure.bar_closed',
  idempotency_conflict: 'failure.idempotency_conflict',
  validation_failed: 'failure.validation_failed',
  invalid_options: 'failure.invalid_options',
};

/** Why the bar refused an order, in the guest's words: what ran out, when the bar said so. */
function failureText(t: ReturnType<typeof useT>, failure: NonNullable<LocalOrder['failure']>): string {
  if (failure.code === 'drink_unavailable' && failure.reason) return t('failure.out_of', { ingredient: failure.reason.toLowerCase() });
  const key = FAILURE_KEYS[failure.code];
  return key ? t(key) : t('failure.other', { message: failure.message });
}

type NotifyState = 'idle' | 'checking' | 'working' | 'push' | 'open-only' | 'ios-install' | 'push-failed';

const NOTIFY_ON_KEYS: Record<Exclude<NotifyState, 'idle' | 'checking' | 'working'>, GuestKey> = {
  push: 'notify.onClosed',
  'open-only': 'notify.onOpenOnly',
  'ios-install': 'notify.iosInstall',
  'push-failed': 'notify.pushFailed',
};

/** The live path shows notifications once permitted; push adds them while the app is closed. */
async function enableNotifications(): Promise<NotificationPermission | NotifyState> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission;
  const availability = await pushAvailability().catch(() => ({ kind: 'open-only' }) as const);
  if (availability.kind !== 'push') return availability.kind;
  try {
    await subscribeToPush(availability.vapidPublicKey);
    return 'push';
  } catch (error) {
    // No push service reachable from this browser, or the server refused: the live path remains.
    console.warn('push subscription failed', error);
    return 'push-failed';
  }
}

function NotifyMe() {
  const t = useT();
  const supported = typeof Notification !== 'undefined' && 'serviceWorker' in navigator;
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(supported ? Notification.permission : 'unsupported');
  const [state, setState] = useState<NotifyState>(permission === 'granted' ? 'checking' : 'idle');
  useEffect(() => {
    // Permission granted earlier: say whether notifications also reach a closed app, and offer
    // the button again when push is possible but this browser is not subscribed yet.
    if (state !== 'checking') return;
    let stale = false;
    void pushAvailability()
      .then(async (availability) => {
        if (availability.kind !== 'push') return availability.kind;
        return (await hasPushSubscription()) ? 'push' : 'idle';
      })
      .catch(() => 'open-only' as const)
      .then((next) => {
        if (!stale) setState(next);
      });
    return () => {
      stale = true;
    };
  }, [state]);

  if (permission === 'unsupported') return <p className="muted">{t('notify.unsupported')}</p>;
  if (permission === 'denied') return <p className="muted">{t('notify.denied')}</p>;
  if (state === 'checking') return null;
  if (state !== 'idle' && state !== 'working') {
    return <p className="muted" data-notify={state}>{t(NOTIFY_ON_KEYS[state])}</p>;
  }
  async function tap() {
    setState('working');
    const outcome = await enableNotifications();
    if (outcome === 'default' || outcome === 'denied' || outcome === 'granted') {
      setPermission(outcome);
      setState('idle');
    } else {
      setPermission('granted');
      setState(outcome);
    }
  }
  return (
    <div className="notify">
      <p>{t(permission === 'granted' ? 'notify.leadClosed' : 'notify.lead')}</p>
      <button type="button" disabled={state === 'working'} onClick={() => void tap()}>{t('notify.button')}</button>
    </div>
  );
}

/** Leaving the bar on this phone: no more pushes here, the refresh token dropped, the data gone. */
function LeaveBar() {
  const t = useT();
  const [busy, setBusy] = useState(false);
  async function leave() {
    if (!window.confirm(t('leave.confirm'))) return;
    setBusy(true);
    await unsubscribeFromPush().catch((error: unknown) => console.warn('push unsubscribe failed', error));
    const session = await loadSession();
    if (session) {
      // Best effort: an unreachable server must not keep the guest from leaving this phone.
      await requestJson('/api/auth/logout', { method: 'POST', body: { refresh_token: session.refresh_token } }).catch(() => undefined);
    }
    await clearGuestData();
    await clearPhoneTraces().catch(() => undefined);
  }
  return (
    <button type="button" className="ghost leave" disabled={busy} onClick={() => void leave()}>{t('leave.button')}</button>
  );
}

const ORDINAL_KEYS: Record<Intl.LDMLPluralRule, GuestKey> = {
  zero: 'queue.other',
  one: 'queue.one',
  two: 'queue.two',
  few: 'queue.few',
  many: 'queue.other',
  other: 'queue.other',
};
const englishOrdinals = new Intl.PluralRules('en', { type: 'ordinal' });

/**
 * "2nd in line · about 4 min": the order's place, from the newest snapshot of the line that
 * has seen the order's last change, else from the order's own view. Nothing when not in line.
 */
function PlaceInLine({ order }: { order: LocalOrder }) {
  const t = useT();
  const snapshot = useQueueSnapshot();
  const { queue_position: position, eta_seconds: eta } = currentPlace(order, snapshot);
  if (position === null) return null;
  // Only English needs the ordinal's ending chosen; French writes "2e" for every rank but the first.
  const place = position === 1 ? t('queue.next') : t(ORDINAL_KEYS[englishOrdinals.select(position)], { n: position });
  // Each half stays whole; a narrow screen breaks the line at the dot.
  return (
    <p className="order-place" data-queue-position={position} aria-live="polite">
      <span>
        {place}
        {eta !== null && ' ·'}
      </span>
      {eta !== null && (
        <>
          {' '}
          <span>{t('queue.wait', { minutes: Math.max(1, Math.round(eta / 60)) })}</span>
        </>
      )}
    </p>
  );
}

function OrderItem({ order }: { order: LocalOrder }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const time = new Date(order.created_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  async function cancel() {
    setBusy(true);
    setError(null);
    try {
      await cancelOrder(order.id);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li id={order.id} className={`order order-${order.status}`} data-order-id={order.id} data-status={order.status}>
      <div className="order-head">
        <h3>{order.drink_name}</h3>
        <time dateTime={order.created_at} className="muted">{time}</time>
      </div>
      <p className="order-status">{t(`status.${order.status}`)}</p>
      <PlaceInLine order={order} />
      {order.status === 'queued' && <QueuedHint />}
      {order.options && order.options.length > 0 && <p className="order-options">{optionsText(order.options)}</p>}
      {order.notes && <p className="muted">{t('orders.note', { note: order.notes })}</p>}
      {order.status === 'failed' && order.failure && <p className="error">{failureText(t, order.failure)}</p>}
      {order.status === 'pending' && (
        <button type="button" className="danger" disabled={busy} onClick={() => void cancel()}>{t('orders.cancel')}</button>
      )}
      {order.status === 'served' && <OrderAgainButton order={order} />}
      {error && <p role="alert" className="error">{t('orders.cancelFailed', { message: error })}</p>}
    </li>
  );
}

/** /orders: the phone's orders, live; queued and failed ones included. */
export function OrdersPage() {
  const t = useT();
  const { data: orders } = useOrders();
  useEffect(() => {
    const target = location.hash.slice(1);
    if (target && orders?.some((order) => order.id === target)) document.getElementById(target)?.scrollIntoView({ block: 'center' });
  }, [orders]);
  return (
    <>
      <h1>{t('orders.title')}</h1>
      {orders === undefined ? (
        <p className="muted" aria-busy="true">{t('loading')}</p>
      ) : orders.length === 0 ? (
        <p className="muted">{t('orders.empty')}</p>
      ) : (
        <>
          <NotifyMe />
          <ul className="orders">{orders.map((order) => <OrderItem key={order.id} order={order} />)}</ul>
          <InstallCard />
        </>
      )}
      <LeaveBar />
    </>
  );
}
