import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useLocale, useTranslator } from '../i18n/translator.ts';
import { navigate, usePath, useSearch } from '../lib/router.ts';
import { createAdminApi, type AdminOrder } from './admin-api.ts';
import { isActiveStatus } from '../../shared/order-status.ts';
import { AdminContext, useAdmin, type AdminContextValue } from './admin-context.ts';
import { AdminTokens, clearAdminSession, loadAdminSession, saveAdminSession, sessionEmail, sessionRole, type AdminSession } from './admin-session.ts';
import { StaffPage } from './staff-page.tsx';
import { StaffJoinPage } from './staff-join-page.tsx';
import { AccountPage } from './account-page.tsx';
import { ApiError } from '../lib/http.ts';
import { SetupPage, SignInPage } from './auth-pages.tsx';
import { BoardPage } from './board-page.tsx';
import { CodePrintPage } from './code-print-page.tsx';
import { CodesPage } from './codes-page.tsx';
import { GuestsPage } from './guests-page.tsx';
import { HistoryPage } from './history-page.tsx';
import { MenuPage } from './menu-page.tsx';
import { adminMessages, type AdminMessageKey } from './messages.ts';
import { NumbersPage } from './numbers-page.tsx';
import { useBoard } from './use-board.ts';
import './admin.css';

/**
 * The host dashboard: every path under /admin and the /setup link. Loaded as its own chunk,
 * so guests' phones never download it.
 */
export default function AdminApp() {
  const t = useTranslator(adminMessages);
  const url = new URL(usePath() + useSearch(), location.origin);
  const [session, setSession] = useState<AdminSession | null | undefined>(undefined);
  // One per sign-in: a helper's renewed tokens keep the same board (its cache, its live channels).
  const [signIns, setSignIns] = useState(0);
  // Why the sign-in page is showing (signed out, signed out everywhere, a session that ended).
  const [notice, setNotice] = useState<AdminMessageKey | undefined>(undefined);

  useEffect(() => {
    loadAdminSession().then(
      (stored) => setSession(stored ?? null),
      () => setSession(null),
    );
  }, []);

  const signedIn = useCallback(async (tokens: { access_token: string; expires_in: number; refresh_token?: string }) => {
    setSession(await saveAdminSession(tokens));
    setSignIns((count) => count + 1);
    setNotice(undefined);
    if (location.pathname.startsWith('/setup')) navigate('/admin');
  }, []);
  const endSession = useCallback((why?: AdminMessageKey) => {
    void clearAdminSession();
    setNotice(why);
    setSession(null);
  }, []);

  const locale = useLocale();
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  useEffect(() => {
    document.documentElement.classList.add('host');
    document.title = t('app.title');
    return () => document.documentElement.classList.remove('host');
  }, [t]);

  if (url.pathname.startsWith('/setup')) {
    return <SetupPage t={t} token={url.searchParams.get('token') ?? ''} onSignedIn={signedIn} />;
  }
  if (session === undefined) return <main className="auth" aria-busy="true" />;
  if (url.pathname.startsWith('/staff')) {
    return <StaffJoinPage t={t} pass={url.searchParams.get('pass') ?? ''} onSignedIn={signedIn} />;
  }
  if (session === null) return <SignInPage t={t} onSignedIn={signedIn} notice={notice} />;
  return <SignedIn key={signIns} session={session} url={url} onEnd={endSession} onRenewed={setSession} />;
}

/** One query cache and one set of tokens per sign-in: a new sign-in never sees the last one's orders. */
function SignedIn({ onRenewed, ...props }: { session: AdminSession; url: URL; onEnd: (why?: AdminMessageKey) => void; onRenewed: (session: AdminSession) => void }) {
  const [queryClient] = useState(() => new QueryClient());
  const [tokens] = useState(() => new AdminTokens(props.session, onRenewed));
  return (
    <QueryClientProvider client={queryClient}>
      <Dashboard {...props} tokens={tokens} />
    </QueryClientProvider>
  );
}

/** Tried again after this long when a helper's renewal could not reach the server. */
const RENEW_RETRY_MS = 10_000;

const NAV: { path: string; key: AdminMessageKey }[] = [
  { path: '/admin', key: 'nav.board' },
  { path: '/admin/history', key: 'nav.history' },
  { path: '/admin/menu', key: 'nav.menu' },
  { path: '/admin/codes', key: 'nav.codes' },
  { path: '/admin/guests', key: 'nav.guests' },
  { path: '/admin/staff', key: 'nav.staff' },
  { path: '/admin/numbers', key: 'nav.numbers' },
  { path: '/admin/account', key: 'nav.account' },
];

function Dashboard({ session, url, onEnd, tokens }: { session: AdminSession; url: URL; onEnd: (why?: AdminMessageKey) => void; tokens: AdminTokens }) {
  const t = useTranslator(adminMessages);
  // While this device signs itself out, the 401s its own sign-out causes (the server ends the
  // board's live subscriptions, the board asks again) must not say "you were signed out".
  const leaving = useRef(false);
  const sessionEnded = useCallback(() => {
    if (!leaving.current) onEnd('auth.sessionEnded');
  }, [onEnd]);
  const api = useMemo(() => createAdminApi(tokens, sessionEnded), [tokens, sessionEnded]);
  const board = useBoard(api);
  const [signingOut, setSigningOut] = useState(false);
  const signOut = useCallback(async () => {
    leaving.current = true;
    setSigningOut(true);
    try {
      await api.logout();
      onEnd('auth.signedOut');
    } catch (error) {
      // Signing out must always work on this device; say so when the server did not hear it.
      onEnd(error instanceof ApiError && error.status === 401 ? 'auth.signedOut' : 'auth.signedOutLocally');
    }
  }, [api, onEnd]);
  const signOutEverywhere = useCallback(async () => {
    leaving.current = true;
    try {
      await api.logoutAll();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return onEnd('auth.sessionEnded');
      leaving.current = false;
      throw error;
    }
    onEnd('auth.signedOutEverywhere');
  }, [api, onEnd]);
  const role = sessionRole(session);
  const value: AdminContextValue = { api, board, t, navigate, signOut, signOutEverywhere, email: sessionEmail(session), role };
  // A helper (staff pass) works the board only; the server refuses the rest anyway.
  const nav = role === 'admin' ? NAV : NAV.filter((item) => item.path === '/admin');
  const path = url.pathname.replace(/\/+$/, '') || '/admin';

  // The token's own expiry. The host's: sign out on time rather than after a wave of 401s. A
  // helper's: renew ahead of it (its refresh token ends only when the host revokes them).
  useEffect(() => {
    const renewAt = tokens.renewAt();
    if (renewAt === undefined) {
      const timer = setTimeout(sessionEnded, Math.max(0, session.expires_at - Date.now()));
      return () => clearTimeout(timer);
    }
    const renew = () => {
      tokens.renew(session.access_token).then(
        (token) => {
          if (!token) sessionEnded();
        },
        () => {
          timer = setTimeout(renew, RENEW_RETRY_MS);
        },
      );
    };
    let timer = setTimeout(renew, Math.max(0, renewAt - Date.now()));
    return () => clearTimeout(timer);
  }, [session.access_token, session.expires_at, sessionEnded, tokens]);

  return (
    <AdminContext.Provider value={value}>
      <div className="admin">
        <header className="admin-header no-print">
          <nav aria-label={t('nav.label')}>
            {nav.map((item) => (
              <a
                key={item.path}
                href={item.path}
                aria-current={path === item.path ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(item.path);
                }}
              >
                {t(item.key)}
                {item.path === '/admin' && <span className="count">{openCount(board.shown)}</span>}
              </a>
            ))}
          </nav>
          {role === 'bartender' && <span className="chip" data-role="bartender">{t('staff.bartender', { name: value.email ?? '' })}</span>}
          <ConnectionBadge />
          <button type="button" className="button" onClick={() => void signOut()} disabled={signingOut}>
            {signingOut ? t('auth.signingOut') : t('auth.signOut')}
          </button>
        </header>
        <main className="admin-main">
          <Page path={role === 'admin' ? path : '/admin'} url={url} />
        </main>
      </div>
    </AdminContext.Provider>
  );
}

function openCount(orders: readonly AdminOrder[]): number {
  return orders.filter((order) => isActiveStatus(order.status)).length;
}

function Page({ path, url }: { path: string; url: URL }) {
  const { t } = useAdmin();
  switch (path) {
    case '/admin':
      return <BoardPage />;
    case '/admin/history':
      return <HistoryPage />;
    case '/admin/menu':
      return <MenuPage />;
    case '/admin/codes':
      return <CodesPage />;
    case '/admin/codes/print':
      return <CodePrintPage code={url.searchParams.get('code') ?? ''} />;
    case '/admin/guests':
      return <GuestsPage />;
    case '/admin/staff':
      return <StaffPage />;
    case '/admin/numbers':
      return <NumbersPage />;
    case '/admin/account':
      return <AccountPage />;
    default:
      return <p role="alert">{t('nav.notFound')}</p>;
  }
}

function ConnectionBadge() {
  const { board, t } = useAdmin();
  return (
    <span role="status" className={`host-connection host-connection-${board.connection}`} data-connection={board.connection}>
      {t(`connection.${board.connection}` as AdminMessageKey)}
    </span>
  );
}
