import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, requestJson } from '../lib/http.ts';
import { clearGuestData } from '../lib/db.ts';
import { saveSession } from '../lib/session.ts';
import type { StoredUser } from '../lib/db.ts';
import { navigate, useSearch } from '../lib/router.ts';
import { useT } from './i18n.ts';
import type { GuestKey } from '../i18n/guest.ts';
import { unsubscribeFromPush } from './push-subscription.ts';
import { TransferCodeForm } from './transfer-code.tsx';

interface RegisterAnswer {
  user: StoredUser;
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

function errorKey(error: unknown): GuestKey {
  if (!(error instanceof ApiError)) return 'join.failed';
  if (error.isNetwork) return 'join.offline';
  if (error.code === 'invalid_registration_code' || error.status === 401) return 'join.badCode';
  if (error.code === 'invalid_username' || error.code === 'validation_failed') return 'join.badName';
  if (error.status === 429) return 'join.rateLimited';
  return 'join.failed';
}

/** /join?code=… — the QR code's link: pick a name, get tokens, go to the menu. */
export function JoinPage() {
  const t = useT();
  const search = useSearch();
  const code = new URLSearchParams(search).get('code')?.trim() ?? '';
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ key: GuestKey; message: string } | null>(null);

  useEffect(() => {
    document.title = `${t('join.title')} · barback`;
  }, [t]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await requestJson<RegisterAnswer>('/api/register', {
        method: 'POST',
        headers: { 'x-registration-code': code },
        body: { username: name },
      });
      // A new guest on this phone starts clean: someone else's orders, and pushes for their drinks, are not theirs.
      await unsubscribeFromPush().catch(() => undefined);
      await clearGuestData();
      await saveSession(answer, answer.user);
      // Ask the browser to keep the saved menu and orders (Safari evicts unused storage).
      void navigator.storage?.persist?.().catch(() => false);
      navigate('/menu', { replace: true });
    } catch (caught) {
      setError({ key: errorKey(caught), message: caught instanceof Error ? caught.message : String(caught) });
      setBusy(false);
    }
  }

  return (
    <main className="join">
      <h1>{t('join.title')}</h1>
      <p className="lead">{t('join.lead')}</p>
      {!code ? (
        <p role="alert" className="error">{t('join.noCode')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <label htmlFor="guest-name">{t('join.name')}</label>
          <input
            id="guest-name"
            name="name"
            autoComplete="nickname"
            autoCapitalize="words"
            enterKeyHint="go"
            maxLength={50}
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          {error && <p role="alert" className="error">{t(error.key, { message: error.message })}</p>}
          <button type="submit" className="primary" disabled={busy}>
            {t('join.submit')}
          </button>
          {busy && <p className="muted">{t('join.joining')}</p>}
        </form>
      )}
      <TransferCodeForm />
    </main>
  );
}
