import { useEffect, useState } from 'react';
import type { Workbox } from 'workbox-window';
import { navigate } from '../lib/router.ts';

/**
 * Registers the worker (the CSP allows no inline registration script) and surfaces a waiting
 * update. The new version takes over only when the guest taps "Update now" — never a reload
 * in the middle of ordering. Registration runs after the first paint (an effect), and
 * workbox-window is loaded then, not before the menu.
 */
let registering = false;
let workbox: Workbox | undefined;
const waitingListeners = new Set<(waiting: boolean) => void>();
let waiting = false;

export function registerServiceWorker(): void {
  if (registering || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  registering = true;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string; url?: string }>) => {
    if (event.data?.type === 'OPEN' && event.data.url) {
      const url = new URL(event.data.url);
      navigate(`${url.pathname}${url.hash}`);
    }
  });
  void import('workbox-window')
    .then(({ Workbox }) => {
      workbox = new Workbox('/sw.js', { scope: '/' });
      workbox.addEventListener('waiting', () => {
        waiting = true;
        for (const listener of waitingListeners) listener(true);
      });
      return workbox.register();
    })
    .catch((error: unknown) => console.error('service worker registration', error));
}

export function useServiceWorkerUpdate(): { waiting: boolean; apply: () => void } {
  const [isWaiting, setWaiting] = useState(waiting);
  useEffect(() => {
    registerServiceWorker();
    waitingListeners.add(setWaiting);
    return () => {
      waitingListeners.delete(setWaiting);
    };
  }, []);
  return {
    waiting: isWaiting,
    apply: () => {
      // Reload only once the new worker controls the page, and only because the guest asked.
      workbox?.addEventListener('controlling', () => window.location.reload());
      workbox?.messageSkipWaiting();
    },
  };
}
