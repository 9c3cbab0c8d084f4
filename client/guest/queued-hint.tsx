import { useT } from './i18n.ts';

/**
 * What happens to an order saved on the phone. With Background Sync (Chromium) the browser
 * sends it even after the app is closed; without it (Safari, Firefox) only the open app does,
 * on start, when the network or the live connection returns, on becoming visible and on a
 * back-off timer (see runtime.ts), so the guest is asked to keep the app open.
 */
export function hasBackgroundSync(): boolean {
  return 'SyncManager' in window && 'serviceWorker' in navigator;
}

export function QueuedHint() {
  const t = useT();
  const background = hasBackgroundSync();
  return (
    <p className="muted queued-hint" data-queued-hint={background ? 'background' : 'open-app'}>
      {t(background ? 'queued.background' : 'queued.openApp')}
    </p>
  );
}
