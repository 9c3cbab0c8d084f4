import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import type { SigningKeyStore } from './auth/signing-keys.ts';
import type { TokenService } from './auth/tokens.ts';
import type { AuthGuards } from './auth/middleware.ts';
import type { GuestStatusCache } from './auth/guest-status.ts';
import type { SecretBox } from './auth/secret-box.ts';
import type { TokenRevocations } from './auth/token-revocations.ts';
import type { EventBus } from './events/event-bus.ts';
import type { HostAccountService } from './admin/host-account.service.ts';
import type { MenuService } from './menu/menu.service.ts';
import type { PushService } from './push/push.service.ts';
import type { HttpsService } from './https/https.service.ts';
import type { BarService } from './bar/bar.service.ts';
import type { StaffService } from './staff/staff.service.ts';

/** Everything a route factory may use; built once in server.ts. */
export interface AppContext {
  config: Config;
  logger: Logger;
  db: Database;
  /** Seals the private keys stored in the database (SECRETS_KEY or the embedded key file). */
  secrets: SecretBox;
  keys: SigningKeyStore;
  tokens: TokenService;
  revocations: TokenRevocations;
  auth: AuthGuards;
  guestStatus: GuestStatusCache;
  events: EventBus;
  hostAccounts: HostAccountService;
  menu: MenuService;
  /** Open, last call or closed: new orders ask it. */
  bar: BarService;
  /** Staff passes and bartenders (their refresh goes through /api/auth/refresh too). */
  staff: StaffService;
  /** Automatic certificates: state, the HTTPS origin once active, the plain-HTTP redirect. */
  https: HttpsService;
  /** The origin guests use when PUBLIC_URL is not set (LAN address and port). */
  publicOrigin(req?: { protocol: string; get(name: string): string | undefined }): string;
  /** Web Push, set up with the other domains. */
  push?: PushService;
  /** Extra fields for GET /api/config (e.g. push's VAPID key), added by later domains. */
  extraConfig?: () => Record<string, unknown>;
}
