import { useEffect, useState } from 'react';
import { BAR_CHANNEL } from '../../shared/channels.ts';
import type { BarStatusChangedEvent } from '../../shared/events.ts';
import type { Bar } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import type { AdminMessageKey } from './messages.ts';

/**
 * Open / last call / closed, set from the board. Every board follows the `/bar` channel, so a
 * second host screen shows the change too; bartenders see the state but cannot change it.
 */
export function BarControl({ canChange }: { canChange: boolean }) {
  const { api, t } = useAdmin();
  const [bar, setBar] = useState<Bar | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    api.bar().then((b) => !abort.signal.aborted && setBar(b), () => undefined);
    void import('../lib/live-events.ts')
      .then((live) =>
        live.keepSubscribed<BarStatusChangedEvent>({
          channel: BAR_CHANNEL,
          token: () => api.liveToken(),
          onEvent: (event) => {
            if (event.type === 'BAR_STATUS_CHANGED') setBar({ status: event.status, message: event.message, closes_at: event.closes_at });
          },
          // Back after a failure: the state may have changed meanwhile.
          onReady: () => void api.bar().then((b) => !abort.signal.aborted && setBar(b), () => undefined),
          signal: abort.signal,
        }),
      )
      .catch(() => undefined);
    return () => abort.abort();
  }, [api]);

  const change = async (body: Parameters<typeof api.setBar>[0]) => {
    setBusy(true);
    setFailed(false);
    try {
      setBar(await api.setBar(body));
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  if (!bar) return null;
  return (
    <div className="bar-control" role="group" aria-label={t('bar.label')} data-bar-status={bar.status}>
      <span className={`chip bar-${bar.status}`}>{t(`bar.status.${bar.status}` as AdminMessageKey)}</span>
      {canChange && bar.status === 'open' && (
        <button type="button" className="button" disabled={busy} onClick={() => void change({ status: 'last_call', message: t('bar.lastCallMessage'), closes_at: new Date(Date.now() + 15 * 60_000).toISOString() })}>
          {t('bar.lastCall')}
        </button>
      )}
      {canChange && bar.status !== 'closed' && (
        <button type="button" className="button danger" disabled={busy} onClick={() => void change({ status: 'closed' })}>
          {t('bar.close')}
        </button>
      )}
      {canChange && bar.status !== 'open' && (
        <button type="button" className="button" disabled={busy} onClick={() => void change({ status: 'open' })}>
          {t('bar.reopen')}
        </button>
      )}
      {failed && <span role="alert" className="alert">{t('bar.failed')}</span>}
    </div>
  );
}
