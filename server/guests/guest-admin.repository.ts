import type { Queryable } from '../db/database.ts';
import { ACTIVE_STATUSES } from '../../shared/order-status.ts';

export interface AdminGuestRow {
  user_key: string;
  username: string;
  created_at: Date;
  last_login: Date | null;
  is_active: boolean;
  revoked_at: Date | null;
  active_orders: number;
}

// $1 is ACTIVE_STATUSES: the one list of statuses that count as open.
const SELECT_GUEST = `
  SELECT u.user_key, u.username, u.created_at, u.last_login, u.is_active, u.revoked_at,
         (SELECT count(*)::int FROM orders o
           WHERE o.user_key = u.user_key AND o.status = ANY($1::text[])) AS active_orders
    FROM app_users u`;

export class GuestAdminRepository {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<AdminGuestRow[]> {
    const { rows } = await this.db.query<AdminGuestRow>(`${SELECT_GUEST} ORDER BY u.created_at DESC, u.user_key`, [ACTIVE_STATUSES]);
    return rows;
  }

  async find(userKey: string): Promise<AdminGuestRow | undefined> {
    const { rows } = await this.db.query<AdminGuestRow>(`${SELECT_GUEST} WHERE u.user_key = $2`, [ACTIVE_STATUSES, userKey]);
    return rows[0];
  }

  /** Deactivates the guest; false when no such guest. Revoking twice keeps the first time. */
  async deactivate(userKey: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE app_users SET is_active = false, revoked_at = coalesce(revoked_at, now()) WHERE user_key = $1',
      [userKey],
    );
    return (rowCount ?? 0) > 0;
  }

  async revokeRefreshTokens(userKey: string): Promise<void> {
    await this.db.query(
      'UPDATE refresh_tokens SET is_revoked = true, revoked_at = now() WHERE user_key = $1 AND NOT is_revoked',
      [userKey],
    );
  }
}
