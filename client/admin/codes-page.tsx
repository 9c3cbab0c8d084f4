import { useEffect, useState, type FormEvent } from 'react';
import type { RegistrationCode } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import type { AdminMessageKey } from './messages.ts';
import { ErrorAlert, Modal, useResource } from './ui.tsx';

export type CodeState = 'active' | 'expired' | 'revoked' | 'used_up';

export function codeState(code: RegistrationCode, now = Date.now()): CodeState {
  if (code.revoked) return 'revoked';
  if (Date.parse(code.expires_at) <= now) return 'expired';
  if (code.use_count >= code.max_uses) return 'used_up';
  return 'active';
}

/** The QR comes from the server behind the host token, so it is fetched and shown as a blob URL. */
export function QrImage({ code, alt, className }: { code: string; alt: string; className?: string }) {
  const { api } = useAdmin();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let live = true;
    api.codeQrUrl(code).then(
      (made) => {
        if (live) setUrl((objectUrl = made));
        else URL.revokeObjectURL(made);
      },
      () => undefined,
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, code]);
  return url ? <img src={url} alt={alt} className={`qr ${className ?? ''}`} /> : <div className={`qr qr-loading ${className ?? ''}`} aria-hidden="true" />;
}

export function CodesPage() {
  const { api, t, navigate } = useAdmin();
  const { data, error, reload } = useResource(() => api.codes(), [api]);
  const [creating, setCreating] = useState(false);
  const [fullScreen, setFullScreen] = useState<RegistrationCode | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const codes = [...(data ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at));

  return (
    <section aria-labelledby="codes-title">
      <div className="toolbar">
        <h1 id="codes-title">{t('codes.title')}</h1>
        <button type="button" className="button primary" onClick={() => setCreating(true)}>
          {t('codes.new')}
        </button>
      </div>
      <ErrorAlert error={error ?? actionError} />
      {data && codes.length === 0 && <p>{t('codes.empty')}</p>}
      <ul className="code-list">
        {codes.map((code) => {
          const state = codeState(code);
          return (
            <li key={code.code} className="code-card" data-code={code.code} data-state={state}>
              <QrImage code={code.code} alt={t('codes.qrAlt')} />
              <div className="grow">
                <p>
                  <span className={`chip state-${state}`}>{t(`codes.state.${state}` as AdminMessageKey)}</span>{' '}
                  {code.notes && <strong>{code.notes}</strong>}
                </p>
                <p>{t('codes.usesLeft', { left: Math.max(0, code.max_uses - code.use_count), max: code.max_uses })}</p>
                <p>{t('codes.expires', { time: new Date(code.expires_at).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }) })}</p>
                <p className="muted break">{code.join_url}</p>
                <div className="row">
                  <button type="button" className="button" onClick={() => setFullScreen(code)}>
                    {t('codes.fullScreen')}
                  </button>
                  <a className="button" href={`/admin/codes/print?code=${code.code}`} onClick={(event) => {
                    event.preventDefault();
                    navigate(`/admin/codes/print?code=${code.code}`);
                  }}>
                    {t('codes.print')}
                  </a>
                  {state !== 'revoked' && (
                    <button
                      type="button"
                      className="button danger"
                      onClick={() => api.revokeCode(code.code).then(() => reload(), setActionError)}
                    >
                      {t('codes.revoke')}
                    </button>
                  )}
                </div>
              </div>
            </li>
          );
        })}
      </ul>
      {creating && <NewCodeDialog onClose={() => setCreating(false)} onCreated={() => void reload()} />}
      {fullScreen && (
        <Modal title={t('codes.scanTitle')} onClose={() => setFullScreen(null)} className="fullscreen-qr">
          <QrImage code={fullScreen.code} alt={t('codes.qrAlt')} className="qr-huge" />
          <p className="big-text">{t('print.instructions')}</p>
          <button type="button" className="button" autoFocus onClick={() => setFullScreen(null)}>
            {t('common.close')}
          </button>
        </Modal>
      )}
    </section>
  );
}

function NewCodeDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { api, t } = useAdmin();
  const [hours, setHours] = useState('12');
  const [maxUses, setMaxUses] = useState('50');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await api.createCode({ expires_in_hours: Number(hours), max_uses: Number(maxUses), notes: notes.trim() || undefined });
      onCreated();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={t('codes.new')} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} className="form">
        <label>
          {t('codes.hours')}
          <input type="number" min="1" max="8760" step="1" required value={hours} onChange={(e) => setHours(e.target.value)} />
        </label>
        <label>
          {t('codes.maxUses')}
          <input type="number" min="1" max="10000" step="1" required value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
        </label>
        <label>
          {t('codes.note')}
          <input type="text" maxLength={500} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <ErrorAlert error={error} />
        <div className="row">
          <button type="submit" className="button primary" disabled={busy}>
            {t('codes.create')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
