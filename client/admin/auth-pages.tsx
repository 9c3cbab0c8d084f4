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
  t,
  onSubmit,
  newPassword,
}: {
  title: string;
  submitLabel: string;
  intro?: string;
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

export function SignInPage({ t, onSignedIn }: { t: T; onSignedIn: (tokens: TokenAnswer) => Promise<void> }) {
  return (
    <CredentialsForm
      title={t('auth.signInTitle')}
      submitLabel={t('auth.signIn')}
      t={t}
      onSubmit={async (email, password) => onSignedIn(await publicAdminApi.login(email, password))}
    />
  );
}

/** The one-time link printed at start-up: creates the first host account, then signs in. */
export function SetupPage({ t, token, onSignedIn }: { t: T; token: string; onSignedIn: (tokens: TokenAnswer) => Promise<void> }) {
  const [needed, setNeeded] = useState<boolean | null>(null);
  useEffect(() => {
    publicAdminApi.setupNeeded().then(
      (answer) => setNeeded(answer.setup_needed),
      () => setNeeded(true),
    );
  }, []);
  if (needed === false || !token) {
    return (
      <main className="auth">
        <div className="auth-form">
          <h1>{t('auth.setupTitle')}</h1>
          <p role="alert" className="alert">
            {token ? t('auth.setupDone') : t('auth.invalidSetupToken')}
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
