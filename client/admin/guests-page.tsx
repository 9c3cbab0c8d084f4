import { useState } from 'react';
import type { AdminGuest } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import { ErrorAlert, Modal, useResource } from './ui.tsx';
import { AssistantSwitch } from './assistant-switch.tsx';

export function GuestsPage() {
  const { api, board, t } = useAdmin();
  // Active-order counts move with the board, so the list reloads with it.
  const { data, error, reload } = useResource(() => api.guests(), [api, board.orders]);
  const [revoking, setRevoking] = useState<AdminGuest | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const guests = [...(data ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at));

  return (
    <section aria-labelledby="guests-title">
      <h1 id="guests-title">{t('guests.title')}</h1>
      <ErrorAlert error={error ?? actionError} />
      {data && guests.length === 0 && <p>{t('guests.empty')}</p>}
      <ul className="list">
        {guests.map((guest) => (
          <li key={guest.user_key} className="list-row" data-user-key={guest.user_key} data-active={guest.is_active}>
            <span className="grow">
              <strong>{guest.username}</strong>
              <span className="muted"> {t('guests.joined', { time: new Date(guest.created_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })}</span>
            </span>
            <span className="chip">{t('guests.activeOrders', { count: guest.active_orders })}</span>
            {guest.is_active ? (
              <button type="button" className="button danger" onClick={() => setRevoking(guest)} aria-label={t('guests.revokeNamed', { name: guest.username })}>
                {t('guests.revoke')}
              </button>
            ) : (
              <span className="chip status-cancelled">{t('guests.revoked')}</span>
            )}
          </li>
        ))}
      </ul>
      <AssistantSwitch />
      {revoking && (
        <Modal title={t('guests.revokeTitle', { name: revoking.username })} onClose={() => setRevoking(null)}>
          <p>{t('guests.revokeExplain')}</p>
          <div className="row">
            <button
              type="button"
              className="button danger"
              onClick={() => {
                const guest = revoking;
                setRevoking(null);
                api.revokeGuest(guest.user_key).then(() => reload(), setActionError);
              }}
            >
              {t('guests.revokeConfirm')}
            </button>
            <button type="button" className="button" autoFocus onClick={() => setRevoking(null)}>
              {t('common.back')}
            </button>
          </div>
        </Modal>
      )}
    </section>
  );
}
