import { useState } from 'react';
import { useAdmin } from './admin-context.ts';
import { QrImage } from './codes-page.tsx';
import { useResource } from './ui.tsx';

const PARTY_NAME_KEY = 'barback.admin.partyName';

/**
 * The A4 sheet to stick on the bar or the fridge: party name, a large QR and three lines of
 * instructions. The print stylesheet hides everything else.
 */
export function CodePrintPage({ code }: { code: string }) {
  const { api, t } = useAdmin();
  const { data } = useResource(() => api.codes(), [api]);
  const found = data?.find((c) => c.code === code);
  const [partyName, setPartyName] = useState(() => localStorage.getItem(PARTY_NAME_KEY) ?? t('print.defaultName'));

  return (
    <section className="print-page" aria-labelledby="print-title">
      <div className="no-print toolbar">
        <label>
          {t('print.partyName')}
          <input
            type="text"
            value={partyName}
            onChange={(e) => {
              setPartyName(e.target.value);
              localStorage.setItem(PARTY_NAME_KEY, e.target.value);
            }}
          />
        </label>
        <button type="button" className="button primary" onClick={() => window.print()}>
          {t('print.print')}
        </button>
      </div>
      <div className="print-sheet">
        <h1 id="print-title">{partyName}</h1>
        <p className="print-sheet-lead">{t('print.lead')}</p>
        <div data-code={code}>
          <QrImage code={code} alt={t('codes.qrAlt')} className="qr-print" />
        </div>
        <ol className="print-sheet-steps">
          <li>{t('print.step1')}</li>
          <li>{t('print.step2')}</li>
          <li>{t('print.step3')}</li>
        </ol>
        {found && <p className="print-sheet-url">{found.join_url}</p>}
      </div>
    </section>
  );
}
