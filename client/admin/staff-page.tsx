import { useState } from 'react';
import type { StaffPass } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import { ErrorAlert, useResource } from './ui.tsx';

/**
 * Staff passes and the helpers who joined with them. A pass's secret is stored only as a
 * hash, so its QR and link show once, right after it is made, on this screen.
 */
export function StaffPage() {
  const { api, t } = useAdmin();
  const passes = useResource(() => api.staffPasses(), [api]);
  const people = useResource(() => api.staff(), [api]);
  const [fresh, setFresh] = useState<ReadonlyMap<string, StaffPass>>(new Map());
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  const create = async () => {
    setBusy(true);
    setActionError(null);
    try {
      const pass = await api.createStaffPass({ expires_in_hours: 12 });
      setFresh((map) => new Map(map).set(pass.pass, pass));
      passes.reload();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  return (
    <section aria-labelledby="staff-title" className="staff">
      <h1 id="staff-title">{t('staff.title')}</h1>
      <p>{t('staff.explain')}</p>
      <ErrorAlert error={passes.error ?? people.error ?? actionError} />
      <button type="button" className="button primary big" disabled={busy} onClick={() => void create()}>
        {t('staff.newPass')}
      </button>

      <h2>{t('staff.passes')}</h2>
      <ul className="list">
        {(passes.data ?? []).map((pass) => {
          const shown = fresh.get(pass.pass);
          return (
            <li key={pass.pass} className="list-row staff-pass" data-staff-pass={pass.pass} data-revoked={pass.revoked}>
              <span className="grow">
                {t('staff.passUses', { used: pass.use_count, max: pass.max_uses, until: time(pass.expires_at) })}
                {shown?.qr_svg && shown.join_url && (
                  <span className="pass-qr">
                    <img src={`data:image/svg+xml;utf8,${encodeURIComponent(shown.qr_svg)}`} alt={shown.join_url} width={220} height={220} />
                    <span className="muted">{t('staff.passQrOnce')}</span>
                    <a href={shown.join_url} className="link" data-join-url>
                      {shown.join_url}
                    </a>
                  </span>
                )}
              </span>
              {pass.revoked ? (
                <span className="chip status-cancelled">{t('staff.passRevoked')}</span>
              ) : (
                <button type="button" className="button" onClick={() => api.revokeStaffPass(pass.pass).then(() => passes.reload(), setActionError)}>
                  {t('staff.revokePass')}
                </button>
              )}
            </li>
          );
        })}
      </ul>

      <h2>{t('staff.people')}</h2>
      {people.data && people.data.length === 0 && <p>{t('staff.none')}</p>}
      <ul className="list">
        {(people.data ?? []).map((member) => (
          <li key={member.staff_key} className="list-row" data-staff-key={member.staff_key} data-active={member.is_active}>
            <span className="grow">
              <strong>{member.name}</strong> <span className="muted">{time(member.created_at)}</span>
            </span>
            {member.is_active ? (
              <>
                <span className="chip">{t('staff.active')}</span>
                <button type="button" className="button danger" onClick={() => api.revokeStaff(member.staff_key).then(() => people.reload(), setActionError)}>
                  {t('staff.revoke')}
                </button>
              </>
            ) : (
              <span className="chip status-cancelled">{t('staff.revoked')}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
