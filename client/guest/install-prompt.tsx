import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useT } from './i18n.ts';
import { useOrders } from './queries.ts';
import { currentTraits, isIosBrowserTab } from './push-subscription.ts';
import { TransferCodeShow } from './transfer-code.tsx';
import { INSTALL_DISMISSED_KEY, installPrompt, installedFromHere, noteInstalled, subscribeInstallOffer, takeInstallPrompt } from './install-offer.ts';
import './phone.css';

/**
 * "Install the app", offered after the guest's first order (by then they know what barback is
 * for), never on load, and never in the installed app. Android and desktop Chrome offer their
 * own install dialog through `beforeinstallprompt`; iPhones have none, so they get the Share →
 * Add to Home Screen steps and why. Either way a transfer code carries the session across,
 * since an iPhone's Home Screen app does not share Safari's storage.
 */

/** Running as the installed app (Home Screen / app window), where installing makes no sense. */
export function isInstalledApp(): boolean {
  const traits = currentTraits();
  return traits.standaloneDisplay || traits.standalone === true || window.matchMedia?.('(display-mode: fullscreen)').matches === true;
}

type InstallKind = 'prompt' | 'ios' | 'manual';

function ShareIcon() {
  return (
    <svg className="step-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path d="M12 3v12M7.5 7.5 12 3l4.5 4.5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M8 10H6a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-9a1 1 0 0 0-1-1h-2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

function AddIcon() {
  return (
    <svg className="step-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <rect x="3.5" y="3.5" width="17" height="17" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M12 8v8M8 12h8" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

function AppIcon() {
  return <img className="step-icon" src="/icon-192.png" alt="" width={28} height={28} />;
}

function IosSteps() {
  const t = useT();
  return (
    <>
      <p>{t('install.iosWhy')}</p>
      <ol className="install-steps" data-install-steps="ios">
        <li><ShareIcon />{t('install.iosStep1')}</li>
        <li><AddIcon />{t('install.iosStep2')}</li>
        <li><AppIcon />{t('install.iosStep3')}</li>
      </ol>
    </>
  );
}

export function InstallCard() {
  const t = useT();
  const prompt = useSyncExternalStore(subscribeInstallOffer, installPrompt);
  const installed = useSyncExternalStore(subscribeInstallOffer, installedFromHere);
  const orders = useOrders().data?.length;
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(INSTALL_DISMISSED_KEY) === '1');
  const [open, setOpen] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) panel.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [open]);

  // Installing needs a secure context; the plain-http notice already says so.
  if (isInstalledApp() || !window.isSecureContext || !orders || dismissed) return null;
  const kind: InstallKind = prompt ? 'prompt' : isIosBrowserTab(currentTraits()) ? 'ios' : 'manual';

  async function install() {
    setOpen(true);
    const taken = takeInstallPrompt();
    if (!taken) return;
    await taken.prompt();
    const choice = await taken.userChoice.catch(() => ({ outcome: 'dismissed' as const }));
    if (choice.outcome === 'accepted') noteInstalled();
  }
  function later() {
    localStorage.setItem(INSTALL_DISMISSED_KEY, '1');
    setDismissed(true);
  }

  return (
    <section className="install card" aria-labelledby="install-title" data-install-kind={kind}>
      <h2 id="install-title">{t('install.title')}</h2>
      {installed ? (
        <p data-install-done="true">{t('install.done')}</p>
      ) : open && kind !== 'prompt' ? null : (
        <>
          <p className="muted">{t(kind === 'prompt' ? 'install.promptLead' : 'install.lead')}</p>
          <div className="install-actions">
            <button type="button" className="primary" aria-expanded={open} onClick={() => void install()}>{t('install.button')}</button>
            <button type="button" className="ghost" onClick={later}>{t('install.later')}</button>
          </div>
        </>
      )}
      {open && (
        <div className="install-panel" ref={panel}>
          {kind === 'ios' ? <IosSteps /> : kind === 'manual' && <p>{t('install.manualStep')}</p>}
          <TransferCodeShow />
        </div>
      )}
    </section>
  );
}
