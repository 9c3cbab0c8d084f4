import type { AdminGuest } from '../../shared/schemas/guests.ts';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { notFound } from '../http/errors.ts';
import { GuestAdminRepository, type AdminGuestRow } from './guest-admin.repository.ts';

/** The host's view of the guests, and the way to throw one out. */
export class GuestAdminService {
  private readonly guests: GuestAdminRepository;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
  ) {
    this.guests = new GuestAdminRepository(db);
  }

  async list(): Promise<AdminGuest[]> {
    return (await this.guests.list()).map(present);
  }

  /**
   * Revokes a guest: the account and all its refresh tokens die in one transaction; then
   * guest.revoked tells every instance, whose one handler (server/composition.ts) stops
   * honouring the guest's access tokens and closes their live connections.
   */
  async revoke(userKey: string): Promise<AdminGuest> {
    const found = await this.db.transaction(async (tx) => {
      const repo = new GuestAdminRepository(tx);
      if (!(await repo.deactivate(userKey))) return false;
      await repo.revokeRefreshTokens(userKey);
      return true;
    });
    if (!found) throw notFound('guest');
    this.events.emit('guest.revoked', { user_key: userKey });
    const guest = await this.guests.find(userKey);
    if (!guest) throw notFound('guest');
    return present(guest);
  }
}

function present(row: AdminGuestRow): AdminGuest {
  return {
    user_key: row.user_key,
    username: row.username,
    created_at: row.created_at.toISOString(),
    last_login: row.last_login?.toISOString() ?? null,
    is_active: row.is_active,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    active_orders: row.active_orders,
  };
}
