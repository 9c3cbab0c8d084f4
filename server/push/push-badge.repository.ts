import type { Queryable } from '../db/database.ts';

/** The number on the guest's app icon: their drinks waiting at the bar. */
export class PushBadgeRepository {
  constructor(private readonly db: Queryable) {}

  async readyCount(userKey: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE user_key = $1 AND status = 'ready'`, [userKey]);
    return rows[0]?.n ?? 0;
  }
}
