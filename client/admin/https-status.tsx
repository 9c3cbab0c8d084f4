import { useEffect, useState } from 'react';
import { useLocale } from '../i18n/translator.ts';
import type { HttpsStatus } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import './https-status.css';

/** While a certificate is on its way the state changes within seconds; otherwise rarely. */
const pollMs = (status: HttpsStatus | null) => (status?.status === 'issuing' ? 3_000 : 60_000);

/**
 * The board's HTTPS line: off, getting a certificate, on until…, or failed and why, with the
 * router check's warning. Opened by itself when the host has something to do or to know.
 */
export function HttpsStatusPanel() {
  const { api, t } = useAdmin();
  const locale = useLocale();
  const [status, setStatus] = useState<HttpsStatus | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stale = false;
    const load = () =>
      api.httpsStatus().then(
        (next) => {
          if (stale) return;
          setStatus(next);
          setFailed(false);
          timer = setTimeout(load, pollMs(next));
        },
        () => {
          if (stale) return;
          setFailed(true);
          timer = setTimeout(load, pollMs(null));
        },
      );
    void load();
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api]);

  if (!status) {
    return <p className="chip https-chip" role="status" aria-busy={!failed}>{t(failed ? 'https.unknown' : 'https.loading')}</p>;
  }
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : '');
  const domain = status.domain ?? '';
  const trap = status.resolves_to_lan === false;
  const attention = status.status === 'failed' || status.status === 'issuing' || trap || (status.status === 'active' && status.reason !== null);
  const summary = {
    off: t('https.off'),
    issuing: t('https.issuing'),
    active: t('https.active', { date: when(status.expires_at) }),
    failed: t('https.failed'),
  }[status.status];

  return (
    <details className={`https-status https-${status.status}${trap ? ' https-trap' : ''}`} data-https-status={status.status} open={attention}>
      <summary className="chip https-chip">{summary}</summary>
      <div className="https-detail">
        {status.status === 'off' && <p>{t('https.offDetail')}</p>}
        {status.status === 'issuing' && (
          <>
            <p>{t('https.issuingDetail', { domain })}</p>
            {status.step && <p role="status" className="https-step">{status.step}</p>}
          </>
        )}
        {status.status === 'active' && (
          <p>
            {status.provider === 'files'
              ? t('https.filesDetail', { domain, date: when(status.expires_at) })
              : t('https.activeDetail', { origin: status.origin ?? `https://${domain}`, date: when(status.expires_at), renews: when(status.renews_at) })}
          </p>
        )}
        {status.status === 'active' && status.reason && <p className="https-warning">{t('https.renewalFailed', { reason: status.reason })}</p>}
        {status.status === 'failed' && (
          <div role="alert">
            <p className="https-reason">{status.reason}</p>
            <p>{t('https.failedDetail')}</p>
          </div>
        )}
        {trap && (
          <div className="https-warning" role="alert" data-router-trap="true">
            <p><strong>{t('https.trapTitle', { domain })}</strong></p>
            <p>
              {t('https.trapDetail', {
                domain,
                lan: status.lan_address ?? '?',
                got: status.resolved_to?.length ? status.resolved_to.join(', ') : t('https.nothing'),
              })}
            </p>
          </div>
        )}
      </div>
    </details>
  );
}
