import { useAdmin } from './admin-context.ts';
import type { AdminMessageKey } from './messages.ts';
import { ErrorAlert, useResource } from './ui.tsx';

/** Served and cancelled orders, newest first: "did Sam get that second Negroni?" */
export function HistoryPage() {
  const { api, board, t } = useAdmin();
  // Reloads whenever the live board changes, so a just-served drink shows up here too.
  const { data, error } = useResource(() => api.orders(['served', 'cancelled']), [api, board.orders]);
  const orders = [...(data ?? [])].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">{t('history.title')}</h1>
      <ErrorAlert error={error} />
      {data && orders.length === 0 && <p>{t('history.empty')}</p>}
      <ul className="list">
        {orders.map((order) => (
          <li key={order.id} className="list-row" data-order-id={order.id} data-status={order.status}>
            <span className="grow">
              <strong>{order.drink_name}</strong> — {order.username}
              {order.notes && <span className="muted"> “{order.notes}”</span>}
            </span>
            <span className={`chip status-${order.status}`}>{t(`status.${order.status}` as AdminMessageKey)}</span>
            <time dateTime={order.updated_at}>{new Date(order.updated_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}
