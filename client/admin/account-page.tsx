import { useState, type FormEvent } from 'react';
import { ApiError } from '../lib/http.ts';
import { useAdmin } from './admin-context.ts';
import type { AdminMessageKey } from './messages.ts';
import { Modal } from './ui.tsx';

function passwordFailure(error: unknown): AdminMessageKey {
  if (!(error instanceof ApiError)) return 'auth.failed';
  switch (error.code) {
    case 'invalid_credentials':
      return 'account.wrongPassword';
    case 'validation_failed':
      return 'auth.passwordRule';
    case 'rate_limited':
      return 'auth.rateLimited';
    case 'network_error':
      return 'auth.network';
    default:
      return 'auth.failed';
  }
}

/** The host's own account: a new password, and ending every session at once. */
export function AccountPage() {
  const { t, email } = useAdmin();
  return (
    <section aria-labelledby="account-title" className="account">
      <h1 id="account-title">{t('account.title')}</h1>
      {email && <p className="muted">{t('account.signedInAs', { email })}</p>}
      <ChangePassword />
      <SignOutEverywhere />
      <section aria-labelledby="forgot-title" className="panel">
        <h2 id="forgot-title">{t('account.forgotTitle')}</h2>
        <p>{t('account.forgotText')}</p>
        <pre className="command">npm run host -- reset-password</pre>
      </section>
    </section>
  );
}

function ChangePassword() {
  const { api, t } = useAdmin();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminMessageKey | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (e) {
      setError(passwordFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="password-title" className="panel">
      <h2 id="password-title">{t('account.passwordTitle')}</h2>
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <label>
          {t('account.currentPassword')}
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          {t('account.newPassword')}
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            aria-describedby="new-password-rule"
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <p id="new-password-rule" className="muted">
          {t('auth.passwordRule')}
        </p>
        {error && (
          <p role="alert" className="alert">
            {t(error)}
          </p>
        )}
        <p role="status" className={done ? 'notice' : 'visually-hidden'}>
          {done ? t('account.passwordChanged') : ''}
        </p>
        <button type="submit" className="button primary big" disabled={busy}>
          {busy ? t('account.saving') : t('account.changePassword')}
        </button>
      </form>
    </section>
  );
}

function SignOutEverywhere() {
  const { t, signOutEverywhere } = useAdmin();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminMessageKey | null>(null);

  async function confirm() {
    setConfirming(false);
    setBusy(true);
    setError(null);
    try {
      await signOutEverywhere();
    } catch (e) {
      setError(e instanceof ApiError && e.isNetwork ? 'auth.network' : 'auth.failed');
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="devices-title" className="panel">
      <h2 id="devices-title">{t('account.devicesTitle')}</h2>
      <p>{t('account.devicesIntro')}</p>
      {error && (
        <p role="alert" className="alert">
          {t(error)}
        </p>
      )}
      <button type="button" className="button danger big" disabled={busy} onClick={() => setConfirming(true)}>
        {busy ? t('auth.signingOut') : t('account.signOutEverywhere')}
      </button>
      {confirming && (
        <Modal title={t('account.signOutEverywhereTitle')} onClose={() => setConfirming(false)}>
          <p>{t('account.signOutEverywhereExplain')}</p>
          <div className="row">
            <button type="button" className="button danger" onClick={() => void confirm()}>
              {t('account.signOutEverywhereConfirm')}
            </button>
            <button type="button" className="button" autoFocus onClick={() => setConfirming(false)}>
              {t('common.back')}
            </button>
          </div>
        </Modal>
      )}
    </section>
  );
}
