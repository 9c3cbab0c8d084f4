import type { Database } from '../db/database.ts';

/**
 * Whether a guest is still allowed in. Checked on every guest request, so answers are kept
 * for a few seconds: a revocation reaches every instance as the guest.revoked domain event,
 * whose one handler (server/composition.ts) calls markRevoked, so it takes effect at once; the
 * lifetime bounds how long a missed announcement could go unnoticed.
 */
export class GuestStatusCache {
  private readonly cache = new Map<string, { active: boolean; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 5_000,
  ) {}

  async isActive(userKey: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(userKey);
    if (hit && hit.until > now) return hit.active;
    const { rows } = await this.db.query<{ is_active: boolean }>('SELECT is_active FROM app_users WHERE user_key = $1', [
      userKey,
    ]);
    const active = rows[0]?.is_active === true;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(userKey, { active, until: now + this.ttlMs });
    return active;
  }

  markRevoked(userKey: string): void {
    this.cache.set(userKey, { active: false, until: Date.now() + 60_000 });
  }
}
