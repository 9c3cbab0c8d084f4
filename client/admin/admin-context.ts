import { createContext, useContext } from 'react';
import type { Translate } from '../i18n/translator.ts';
import type { AdminApi } from './admin-api.ts';
import type { AdminMessageKey } from './messages.ts';
import type { Board } from './use-board.ts';

export interface AdminContextValue {
  api: AdminApi;
  board: Board;
  t: Translate<AdminMessageKey>;
  navigate(path: string): void;
  /** Signs this token out on the server (every instance), then here; always ends the session here. */
  signOut(): Promise<void>;
  /** Ends every host session on every device, this one included; rejects (session kept) when the server did not do it. */
  signOutEverywhere(): Promise<void>;
  /** The signed-in account's email, as the token says. */
  email: string | undefined;
  /** The host, or a helper signed in with a staff pass (the board only). */
  role: 'admin' | 'bartender';
}

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) throw new Error('useAdmin outside the signed-in dashboard');
  return value;
}
