import { useEffect, useState } from 'react';
import { db, type LocalOrder } from '../lib/db.ts';
import { ApiError } from '../lib/http.ts';
import type { GuestKey } from '../i18n/guest.ts';
import { useT } from './i18n.ts';
import { useLive } from './use-live.ts';
import { cancelOrder } from './order-store.ts';

const FAILURE_KEYS: Record<string, GuestKey> = {
  drink_unavailable: 'failure.drink_unavailable',
  drink_not_found: 'failure.drink_not_found',
  too_many_active_orders: 'failure.too_many_active_orders',
  idempotency_conflict: 'failure.idempotency_conflict',
  validation_failed: 'failure.validation_failed',
};

function readOrders(): Promise<LocalOrder[]> {
  return db.orders.orderBy('created_at').reverse().toArray();
}

function NotifyMe() {
  const t = useT();
  const supported = typeof Notification !== 'undefined' && 'serviceWorker' in navigator;
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(supported ? Notification.permission : 'unsupported');
  if (permission === 'unsupported') return <p className="muted">{t('notify.unsupported')}</p>;
  if (permission === 'granted') return <p className="muted">{t('notify.on')}</p>;
  if (permission === 'denied') return <p className="muted">{t('notify.denied')}</p>;
  return (
    <div className="notify">
      <p>{t('notify.lead')}</p>
      <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>{t('notify.button')}</button>
    </div>
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
      {order.notes && <p className="muted">{t('orders.note', { note: order.notes })}</p>}
      {order.status === 'failed' && order.failure && (
        <p className="error">{FAILURE_KEYS[order.failure.code] ? t(FAILURE_KEYS[order.failure.code]!) : t('failure.other', { message: order.failure.message })}</p>
      )}
      {order.status === 'pending' && (
        <button type="button" className="danger" disabled={busy} onClick={() => void cancel()}>{t('orders.cancel')}</button>
      )}
      {error && <p role="alert" className="error">{t('orders.cancelFailed', { message: error })}</p>}
    </li>
  );
}

/** /orders: the phone's orders, live; queued and failed ones included. */
export function OrdersPage() {
  const t = useT();
  const orders = useLive(readOrders, []);
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
        </>
      )}
    </>
  );
}
