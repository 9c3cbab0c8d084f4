import { Suspense, lazy, use, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import type { StoredSession } from '../lib/db.ts';
import { navigate, usePath } from '../lib/router.ts';
import { useLocale } from '../i18n/translator.ts';
import { useT } from './i18n.ts';
import { connection } from './connection.ts';
import { calledBanner, readyBanner, recallBanner } from './ready-announcer.ts';
import { barState } from './bar-state.ts';
import { sessionEnded } from './session-ended.ts';
import { registerServiceWorker, useServiceWorkerUpdate } from './service-worker.ts';
import { createGuestQueryClient } from './queries.ts';
import { firstPaint, type FirstPaint } from './first-paint.ts';
import { LazyScreen } from './lazy-screen.tsx';
import { MenuPage } from './menu-page.tsx';
// Caught as the page starts: Chrome offers its install dialog once, early.
import './install-offer.ts';

/**
 * What the guest's phone runs before the menu shows is this file and the menu page: the menu
 * paints from the phone's saved copy (first-paint.ts), and everything else loads after it —
 * the store (Dexie) and the runtime that keeps the app current (runtime.ts), the other
 * screens on first use. The service worker precaches every chunk, so all of it opens offline.
 */
const OrdersPage = lazy(() => import('./orders-page.tsx').then((module) => ({ default: module.OrdersPage })));
const JoinPage = lazy(() => import('./join-page.tsx').then((module) => ({ default: module.JoinPage })));
const TransferCodeForm = lazy(() => import('./transfer-code.tsx').then((module) => ({ default: module.TransferCodeForm })));

/** Starts something from a lazily loaded module; the stop function works before it has loaded too. */
function startLazily(start: () => Promise<() => void>, what: string): () => void {
  let stopped = false;
  let stop: (() => void) | undefined;
  start()
    .then((started) => {
      if (stopped) started();
      else stop = started;
    })
    .catch((error: unknown) => console.error(what, error));
  return () => {
    stopped = true;
    stop?.();
  };
}

function useSignal<T>(signal: { value: T; subscribe: (listener: (value: T) => void) => () => void }): T {
  return useSyncExternalStore(signal.subscribe, () => signal.value);
}

/** Installing, offline use and notifications need a secure context; say so on a LAN http origin. */
function needsHttpsNotice(): boolean {
  return location.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
}

function ConnectionStatus() {
  const t = useT();
  const state = useSignal(connection);
  return (
    <p role="status" className={`connection connection-${state}`} data-connection={state}>
      <span className="dot" aria-hidden="true" />
      {t(`connection.${state}`)}
    </p>
  );
}

function ReadyBanner() {
  const t = useT();
  const ready = useSignal(readyBanner);
  if (!ready) return null;
  return (
    <div className="banner banner-ready" role="alert">
      <a href={`/orders#${ready.id}`} onClick={(event) => { event.preventDefault(); navigate(`/orders#${ready.id}`); }}>
        {t('ready.banner', { drink: ready.drink })}
      </a>
      <button type="button" className="ghost" onClick={() => readyBanner.set(null)}>{t('ready.dismiss')}</button>
    </div>
  );
}

/** Last call or closed, on every screen; nothing while the bar is open. */
function BarBanner() {
  const t = useT();
  const bar = useSignal(barState);
  if (!bar || bar.status === 'open') return null;
  const closesAt = bar.closes_at ? new Date(bar.closes_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : null;
  return (
    <div className={`banner banner-bar banner-${bar.status}`} role="status" data-bar-status={bar.status}>
      <strong>{bar.message ?? t(bar.status === 'closed' ? 'bar.closed' : 'bar.lastCallNow')}</strong>
      {closesAt && bar.status === 'last_call' && <span>{t('bar.closesAt', { time: closesAt })}</span>}
    </div>
  );
}

/** "Back to being made" after a recall, and "the bartender is calling you" after Call again. */
function OrderNotices() {
  const t = useT();
  const recalled = useSignal(recallBanner);
  const called = useSignal(calledBanner);
  return (
    <>
      {recalled && (
        <div className="banner" role="status" data-recalled={recalled.id}>
          <span>{t('recall.banner', { drink: recalled.drink })}</span>
          <button type="button" className="ghost" onClick={() => recallBanner.set(null)}>{t('ready.dismiss')}</button>
        </div>
      )}
      {called && (
        <div className="banner banner-ready" role="alert" data-called={called.id}>
          <a href={`/orders#${called.id}`} onClick={(event) => { event.preventDefault(); navigate(`/orders#${called.id}`); }}>
            {t('called.banner', { drink: called.drink })}
          </a>
          <button type="button" className="ghost" onClick={() => calledBanner.set(null)}>{t('ready.dismiss')}</button>
        </div>
      )}
    </>
  );
}

function UpdatePrompt() {
  const t = useT();
  const { waiting, apply } = useServiceWorkerUpdate();
  const [dismissed, setDismissed] = useState(false);
  if (!waiting || dismissed) return null;
  return (
    <div className="banner" role="region" aria-label={t('update.available')}>
      <span>{t('update.available')}</span>
      <button type="button" onClick={apply}>{t('update.apply')}</button>
      <button type="button" className="ghost" onClick={() => setDismissed(true)}>{t('update.later')}</button>
    </div>
  );
}

function NavLink({ to, label, active }: { to: string; label: string; active: boolean }) {
  return (
    <a href={to} aria-current={active ? 'page' : undefined} onClick={(event) => { event.preventDefault(); navigate(to); }}>
      {label}
    </a>
  );
}

function SignedInApp({ userKey, first }: { userKey: string; first: FirstPaint | null }) {
  const t = useT();
  const path = usePath();
  // The first paint's read seeds the cache once; from then on the store's bridges keep it.
  const queryClient = useMemo(() => createGuestQueryClient(first), []);
  // An effect: after the menu has been committed.
  useEffect(() => startLazily(async () => (await import('./runtime.ts')).startGuestRuntime(queryClient), 'guest runtime'), [queryClient, userKey]);
  const onOrders = path.startsWith('/orders');
  return (
    <QueryClientProvider client={queryClient}>
      <header className="top">
        <span className="brand">{t('app.name')}</span>
        <ConnectionStatus />
      </header>
      {needsHttpsNotice() && <p className="notice">{t('https.notice')}</p>}
      <UpdatePrompt />
      <BarBanner />
      <ReadyBanner />
      <OrderNotices />
      <main>
        {onOrders ? (
          <LazyScreen>
            <OrdersPage />
          </LazyScreen>
        ) : (
          <MenuPage />
        )}
      </main>
      <nav className="tabs" aria-label={t('nav.label')}>
        <NavLink to="/menu" label={t('nav.menu')} active={!onOrders} />
        <NavLink to="/orders" label={t('nav.orders')} active={onOrders} />
      </nav>
    </QueryClientProvider>
  );
}

function JoinNeeded({ ended }: { ended: boolean }) {
  const t = useT();
  return (
    <main className="join">
      <h1>{t('join.title')}</h1>
      <p role="alert">{t(ended ? 'join.ended' : 'join.needed')}</p>
      <LazyScreen>
        <TransferCodeForm />
      </LazyScreen>
    </main>
  );
}

function GuestScreens() {
  const path = usePath();
  const first = use(firstPaint());
  // From the store's live query once it has loaded (after this first commit); until then the
  // first paint's read. null, not undefined, once read: undefined means "still loading", and a
  // phone with no session (never joined, or the guest left) must see the join prompt, not a
  // blank page. A phone whose store could not be read without Dexie waits for Dexie.
  const [watched, setWatched] = useState<StoredSession | null | undefined>(undefined);
  useEffect(() => startLazily(async () => (await import('./runtime.ts')).watchGuestSession(setWatched), 'guest session'), []);
  // Here, not in GuestApp: effects of this component run once the first screen (the menu) is committed.
  useEffect(registerServiceWorker, []);
  const session = watched !== undefined ? watched : first?.session;
  const ended = useSignal(sessionEnded);

  if (path.startsWith('/join')) {
    return (
      <LazyScreen>
        <JoinPage />
      </LazyScreen>
    );
  }
  if (session === undefined) return null;
  if (!session) return <JoinNeeded ended={ended} />;
  if (path === '/') {
    navigate('/menu', { replace: true });
    return null;
  }
  // Only for the guest it was read for: after leaving and joining again, the orders it holds are another guest's.
  const forThisGuest = first?.session?.user.user_key === session.user.user_key ? first : null;
  return <SignedInApp userKey={session.user.user_key} first={forThisGuest} />;
}

export function GuestApp() {
  const locale = useLocale();
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  // Nothing until the phone's store has answered (a few milliseconds): no flash of the join prompt.
  return (
    <Suspense fallback={null}>
      <GuestScreens />
    </Suspense>
  );
}
