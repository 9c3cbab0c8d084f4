import { useEffect, useState, type FormEvent } from 'react';
import type { Translate } from '../i18n/translator.ts';
import { ApiError } from '../lib/http.ts';
import { publicAdminApi } from './admin-api.ts';
import type { AdminMessageKey } from './messages.ts';

type T = Translate<AdminMessageKey>;
type TokenAnswer = { access_token: string; expires_in: number };

function failureText(error: unknown, t: T): string {
  if (!(error instanceof ApiError)) return t('auth.failed');
  switch (error.code) {
    case 'invalid_credentials':
      return t('auth.invalidCredentials');
    case 'invalid_setup_token':
      return t('auth.invalidSetupToken');
    case 'rate_limited':
      return t('auth.rateLimited');
    case 'validation_failed':
      return t('auth.setupInvalid');
    case 'network_error':
      return t('auth.network');
    default:
      return error.message;
  }
}

function CredentialsForm({
  title,
  submitLabel,
  intro,
  notice,
  t,
  onSubmit,
  newPassword,
}: {
  title: string;
  submitLabel: string;
  intro?: string;
  /** Why this page shows (e.g. "Signed out."), announced politely; `warn` when something is left undone. */
  notice?: { text: string; warn: boolean };
  t: T;
  onSubmit: (email: string, password: string) => Promise<void>;
  newPassword?: boolean;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(email.trim(), password);
    } catch (e) {
      setError(failureText(e, t));
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <form className="form auth-form" onSubmit={(event) => void submit(event)}>
        <h1>{title}</h1>
        {intro && <p>{intro}</p>}
        {notice && (
          <p role="status" className={notice.warn ? 'notice warn' : 'notice'}>
            {notice.text}
          </p>
        )}
        <label>
          {t('auth.email')}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('auth.password')}
          <input
            type="password"
            autoComplete={newPassword ? 'new-password' : 'current-password'}
            required
            minLength={newPassword ? 10 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {newPassword && <p className="muted">{t('auth.passwordRule')}</p>}
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary big" disabled={busy}>
          {submitLabel}
        </button>
      </form>
    </main>
  );
}

export function SignInPage({ t, onSignedIn, notice }: { t: T; onSignedIn: (tokens: TokenAnswer) => Promise<void>; notice?: AdminMessageKey }) {
  return (
    <CredentialsForm
      title={t('auth.signInTitle')}
      submitLabel={t('auth.signIn')}
      notice={notice && { text: t(notice), warn: notice === 'auth.signedOutLocally' }}
      t={t}
      onSubmit={async (email, password) => onSignedIn(await publicAdminApi.login(email, password))}
    />
  );
}

/**
 * The one-time link printed at start-up (creates the first host account) or by
 * `npm run host -- reset-password` (sets a new password for it); either signs in.
 */
export function SetupPage({ t, token, onSignedIn }: { t: T; token: string; onSignedIn: (tokens: TokenAnswer) => Promise<void> }) {
  const [needed, setNeeded] = useState<boolean | null>(null);
  const [reset, setReset] = useState<boolean | null>(null);
  useEffect(() => {
    publicAdminApi.setupNeeded().then(
      (answer) => setNeeded(answer.setup_needed),
      () => setNeeded(true),
    );
  }, []);
  useEffect(() => {
    if (needed !== false || !token) return;
    publicAdminApi.resetLinkValid(token).then(setReset, () => setReset(false));
  }, [needed, token]);
  if (needed === false && token && reset === null) {
    return (
      <main className="auth" aria-busy="true">
        <p role="status">{t('auth.checkingLink')}</p>
      </main>
    );
  }
  if (needed === false && token && reset) return <ResetPasswordForm t={t} token={token} onSignedIn={onSignedIn} />;
  if (needed === false || !token) {
    return (
      <main className="auth">
        <div className="auth-form">
          <h1>{t('auth.setupTitle')}</h1>
          <p role="alert" className="alert">
            {token ? t('auth.invalidResetLink') : t('auth.invalidSetupToken')}
          </p>
          <a className="button primary big" href="/admin">
            {t('auth.signIn')}
          </a>
        </div>
      </main>
    );
  }
  return (
    <CredentialsForm
      title={t('auth.setupTitle')}
      intro={t('auth.setupIntro')}
      submitLabel={t('auth.createAccount')}
      t={t}
      newPassword
      onSubmit={async (email, password) => onSignedIn(await publicAdminApi.setup(token, email, password))}
    />
  );
}

/** A password-reset link: one field, the new password; the host is signed in afterwards. */
function ResetPasswordForm({ t, token, onSignedIn }: { t: T; token: string; onSignedIn: (tokens: TokenAnswer) => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSignedIn(await publicAdminApi.resetPassword(token, password));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'invalid_setup_token' ? t('auth.invalidResetLink') : failureText(e, t));
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <form className="form auth-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <h1>{t('auth.resetTitle')}</h1>
        <p>{t('auth.resetIntro')}</p>
        <label>
          {t('auth.newPassword')}
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            aria-describedby="reset-password-rule"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <p id="reset-password-rule" className="muted">
          {t('auth.passwordRule')}
        </p>
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary big" disabled={busy}>
          {t('auth.setNewPassword')}
        </button>
      </form>
    </main>
  );
}
