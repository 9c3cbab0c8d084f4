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
import type { LiveEvents } from './events/events-domain.ts';
import type { HostAccountService } from './admin/host-account.service.ts';
import type { MenuService } from './menu/menu.service.ts';
import type { ShelfService } from './menu/shelf.service.ts';
import type { OrderService } from './orders/order.service.ts';
import type { QueueService } from './orders/queue.service.ts';
import type { GuestAuthService } from './guests/guest-auth.service.ts';
import type { GuestAdminService } from './guests/guest-admin.service.ts';
import type { RegistrationCodeService } from './guests/registration-code.service.ts';
import type { TransferCodeService } from './guests/transfer-code.service.ts';
import type { PushService } from './push/push.service.ts';
import type { HttpsService } from './https/https.service.ts';
import type { AssistantService } from './assistant/assistant.service.ts';
import type { BarService } from './bar/bar.service.ts';
import type { StaffService } from './staff/staff.service.ts';

/** Where guests reach this server: PUBLIC_URL, the HTTPS origin once active, else the LAN address. */
export type PublicOrigin = (req?: { protocol: string; get(name: string): string | undefined }) => string;

/**
 * Every service of a running instance, built once by server/composition.ts and never changed
 * after. Route factories take the members they use (`Deps<'auth' | 'orders'>`).
 */
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
  /** The internal bus of domain events (crosses instances through NOTIFY on PostgreSQL). */
  events: EventBus;
  hostAccounts: HostAccountService;
  menu: MenuService;
  /** The host's shelf: ingredients marked out of stock make their drinks unavailable. */
  shelf: ShelfService;
  orders: OrderService;
  /** The line: places in line and the wait (the views and GET /api/queue). */
  queue: QueueService;
  guestAuth: GuestAuthService;
  guestAdmin: GuestAdminService;
  registrationCodes: RegistrationCodeService;
  /** Six-digit codes that carry a guest's session into the installed app. */
  transferCodes: TransferCodeService;
  /** Web Push: always built; `status` says whether the push services can be reached. */
  push: PushService;
  /** Barback's own AppSync Events endpoint (WebSocket and HTTP publish), or the upstream relay. */
  live: LiveEvents;
  /** Open, last call or closed: new orders ask it. */
  bar: BarService;
  /** Staff passes and bartenders (their refresh goes through /api/auth/refresh too). */
  staff: StaffService;
  /** Automatic certificates: state, the HTTPS origin once active, the plain-HTTP redirect. */
  https: HttpsService;
  /** The optional AI bartender: the host's switch, and the chat when a model is configured. */
  assistant: AssistantService;
  publicOrigin: PublicOrigin;
}

/** What a route factory receives: only the members it names. */
export type Deps<K extends keyof AppContext> = Pick<AppContext, K>;
