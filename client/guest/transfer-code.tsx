import { useEffect, useState, type FormEvent } from 'react';
import type { ApiAnswer, ApiBody } from '../../shared/schemas/api.ts';
import { TRANSFER_CODE_PATTERN, TRANSFER_CODE_TTL, normaliseTransferCode } from '../../shared/transfer-code.ts';
import { clearGuestData } from '../lib/db.ts';
import { ApiError, requestJson } from '../lib/http.ts';
import { authedRequest, saveSession } from '../lib/session.ts';
import { navigate } from '../lib/router.ts';
import { useT } from './i18n.ts';
import { unsubscribeFromPush } from './push-subscription.ts';

/**
 * Carrying the session into the installed app. An iPhone's Home Screen app does not share
 * Safari's storage, so it opens signed out; joining again would spend an invite and make a
 * second guest without the first one's orders. The browser shows a one-time code; the app
 * trades it for the same guest's tokens.
 */

/** In the browser: a fresh code, shown big, with its remaining life. */
export function TransferCodeShow() {
  const t = useT();
  const [code, setCode] = useState<{ code: string; expiresAt: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [round, setRound] = useState(0);

  useEffect(() => {
    let stale = false;
    setCode(null);
    setError(null);
    authedRequest<ApiAnswer<'POST /api/auth/transfer-code'>>('/api/auth/transfer-code', { method: 'POST' }).then(
      (answer) => !stale && setCode({ code: answer.code, expiresAt: Date.now() + answer.expires_in * 1000 }),
      (caught: unknown) => !stale && setError(caught instanceof Error ? caught.message : String(caught)),
    );
    return () => {
      stale = true;
    };
  }, [round]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  if (error) {
    return (
      <div className="transfer-code">
        <p role="alert" className="error">{t('transfer.codeFailed', { message: error })}</p>
        <button type="button" onClick={() => setRound((n) => n + 1)}>{t('transfer.codeAgain')}</button>
      </div>
    );
  }
  if (!code) return <p className="muted" aria-busy="true">{t('transfer.codeLoading')}</p>;
  const left = Math.max(0, Math.ceil((code.expiresAt - now) / 1000));
  return (
    <div className="transfer-code">
      <p>{t('transfer.codeLead', { minutes: Math.round(TRANSFER_CODE_TTL / 60) })}</p>
      <p className="code-digits" aria-label={t('transfer.codeLabel')} data-transfer-code={code.code}>
        {left > 0 ? `${code.code.slice(0, 3)} ${code.code.slice(3)}` : '––– –––'}
      </p>
      {left > 0 ? (
        <p className="muted">
          <time>{`${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`}</time>
        </p>
      ) : (
        <p className="muted">{t('transfer.codeExpired')}</p>
      )}
      <button type="button" className="ghost" onClick={() => setRound((n) => n + 1)}>{t('transfer.codeAgain')}</button>
    </div>
  );
}

/** In the app with no session: the code from the browser, instead of joining again. */
export function TransferCodeForm() {
  const t = useT();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<'transfer.bad' | 'join.offline' | 'join.rateLimited' | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const code = normaliseTransferCode(value);
    if (!TRANSFER_CODE_PATTERN.test(code)) {
      setError('transfer.bad');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: ApiBody<'POST /api/auth/transfer'> = { code };
      const answer = await requestJson<ApiAnswer<'POST /api/auth/transfer'>>('/api/auth/transfer', { method: 'POST', body });
      // As when joining: whatever another guest left on this phone is not theirs.
      await unsubscribeFromPush().catch(() => undefined);
      await clearGuestData();
      await saveSession(answer, answer.user);
      void navigator.storage?.persist?.().catch(() => false);
      navigate('/orders', { replace: true });
    } catch (caught) {
      const reason = caught instanceof ApiError && caught.isNetwork ? 'join.offline' : caught instanceof ApiError && caught.status === 429 ? 'join.rateLimited' : 'transfer.bad';
      setError(reason);
      setBusy(false);
    }
  }

  return (
    <section className="transfer" aria-labelledby="transfer-title">
      <h2 id="transfer-title">{t('transfer.title')}</h2>
      <p className="muted">{t('transfer.lead')}</p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="transfer-code">{t('transfer.field')}</label>
        <input
          id="transfer-code"
          name="transfer-code"
          inputMode="numeric"
          autoComplete="one-time-code"
          enterKeyHint="go"
          maxLength={12}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        {error && <p role="alert" className="error">{t(error)}</p>}
        <button type="submit" className="primary" disabled={busy}>{t('transfer.submit')}</button>
        {busy && <p className="muted">{t('transfer.working')}</p>}
      </form>
    </section>
  );
}
