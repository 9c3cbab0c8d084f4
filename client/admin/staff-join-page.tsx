import { useState, type FormEvent } from 'react';
import type { Translate } from '../i18n/translator.ts';
import { ApiError, requestJson } from '../lib/http.ts';
import { navigate } from '../lib/router.ts';
import type { StaffJoinResponse } from '../../shared/schemas/staff.ts';
import type { AdminMessageKey } from './messages.ts';

/** A helper opened a staff pass's link (or scanned its QR): a name, and they work the board. */
export function StaffJoinPage({
  t,
  pass,
  onSignedIn,
}: {
  t: Translate<AdminMessageKey>;
  pass: string;
  onSignedIn: (tokens: { access_token: string; expires_in: number; refresh_token?: string }) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const joined = await requestJson<StaffJoinResponse>('/api/staff/join', { method: 'POST', body: { name }, headers: { 'x-staff-pass': pass } });
      await onSignedIn(joined);
      navigate('/admin');
    } catch (e) {
      const code = e instanceof ApiError ? e.code : '';
      setError(code === 'invalid_staff_pass' ? t('staff.invalidPass') : code === 'invalid_name' ? t('staff.invalidName') : t('staff.failed'));
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <form className="form auth-form" onSubmit={(event) => void submit(event)}>
        <h1>{t('staff.joinTitle')}</h1>
        <label>
          {t('staff.name')}
          <input type="text" autoComplete="nickname" required minLength={2} maxLength={50} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary big" disabled={busy}>
          {busy ? t('staff.joining') : t('staff.join')}
        </button>
      </form>
    </main>
  );
}
