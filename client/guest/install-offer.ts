/**
 * Chrome's own install dialog (`beforeinstallprompt`), caught as the page starts: Chrome fires
 * it once, early (often before the first render), while the card that uses it
 * (install-prompt.tsx) loads with the orders screen. Also the guest's "not now".
 */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export const INSTALL_DISMISSED_KEY = 'barback.install.dismissed';

let deferred: BeforeInstallPromptEvent | null = null;
let installedHere = false;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((listener) => listener());

export function subscribeInstallOffer(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The kept prompt event, if Chrome offered one and it was not used yet. */
export function installPrompt(): BeforeInstallPromptEvent | null {
  return deferred;
}

/** Installed from this page (the prompt accepted, or Chrome said so). */
export function installedFromHere(): boolean {
  return installedHere;
}

/** A prompt event can be used once: hands it over and forgets it. */
export function takeInstallPrompt(): BeforeInstallPromptEvent | null {
  const prompt = deferred;
  deferred = null;
  changed();
  return prompt;
}

export function noteInstalled(): void {
  deferred = null;
  installedHere = true;
  changed();
}

window.addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault();
  deferred = event as BeforeInstallPromptEvent;
  changed();
});
window.addEventListener('appinstalled', noteInstalled);
