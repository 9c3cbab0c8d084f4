import type { Queryable } from '../db/database.ts';

export interface PushSubscriptionRow {
  id: string;
  user_key: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export class PushRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores the keys unless another instance got there first; returns whichever won. */
  async saveVapidKeysOnce(keys: VapidKeys): Promise<VapidKeys> {
    await this.db.query(`INSERT INTO server_secrets (name, value) VALUES ('vapid', $1) ON CONFLICT (name) DO NOTHING`, [
      JSON.stringify(keys),
    ]);
    const { rows } = await this.db.query<{ value: VapidKeys }>(`SELECT value FROM server_secrets WHERE name = 'vapid'`);
    return rows[0]!.value;
  }

  async findVapidKeys(): Promise<VapidKeys | undefined> {
    const { rows } = await this.db.query<{ value: VapidKeys }>(`SELECT value FROM server_secrets WHERE name = 'vapid'`);
    return rows[0]?.value;
  }

  /** Holds the guest's row until the transaction ends (not against orders: no key update). */
  async lockGuest(userKey: string): Promise<void> {
    await this.db.query('SELECT 1 FROM app_users WHERE user_key = $1 FOR NO KEY UPDATE', [userKey]);
  }

  /**
   * Returns true when the endpoint is new. An endpoint moves to the guest who registers it
   * last; `created_at` is when it was last registered, so registering again makes it the newest.
   */
  async upsert(userKey: string, endpoint: string, p256dh: string, auth: string): Promise<boolean> {
    const { rows } = await this.db.query<{ inserted: boolean }>(
      `INSERT INTO push_subscriptions (user_key, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4)
       ON CONFLICT (endpoint) DO UPDATE
         SET user_key = EXCLUDED.user_key, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, created_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [userKey, endpoint, p256dh, auth],
    );
    return rows[0]!.inserted;
  }

  /** Deletes all but the guest's `keep` most recently registered subscriptions. */
  async keepNewest(userKey: string, keep: number): Promise<void> {
    await this.db.query(
      `DELETE FROM push_subscriptions WHERE user_key = $1 AND id NOT IN (
         SELECT id FROM push_subscriptions WHERE user_key = $1 ORDER BY created_at DESC, id DESC LIMIT $2)`,
      [userKey, keep],
    );
  }

  async delete(userKey: string, endpoint: string): Promise<void> {
    await this.db.query('DELETE FROM push_subscriptions WHERE user_key = $1 AND endpoint = $2', [userKey, endpoint]);
  }

  async deleteById(id: string): Promise<void> {
    await this.db.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
  }

  async forGuest(userKey: string): Promise<PushSubscriptionRow[]> {
    const { rows } = await this.db.query<PushSubscriptionRow>(
      'SELECT id, user_key, endpoint, p256dh, auth FROM push_subscriptions WHERE user_key = $1',
      [userKey],
    );
    return rows;
  }

  /**
   * An order's ready push, claimed in one statement: the first caller gets the subscriptions of
   * the order's guest and marks the order pushed; a later caller gets none. A guest with no
   * subscription claims nothing (no write), so a phone that subscribes later still hears the
   * drink's next readiness.
   */
  async claimReadyPush(orderId: string): Promise<PushSubscriptionRow[]> {
    const { rows } = await this.db.query<PushSubscriptionRow>(
      `WITH claimed AS (
         UPDATE orders o SET ready_pushed = true
          WHERE o.id = $1 AND NOT o.ready_pushed AND EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_key = o.user_key)
          RETURNING o.user_key)
       SELECT s.id, s.user_key, s.endpoint, s.p256dh, s.auth FROM push_subscriptions s JOIN claimed USING (user_key)`,
      [orderId],
    );
    return rows;
  }

  /** Every guest's subscriptions, for a message to the whole party (last call). */
  async all(): Promise<PushSubscriptionRow[]> {
    const { rows } = await this.db.query<PushSubscriptionRow>(
      'SELECT s.id, s.user_key, s.endpoint, s.p256dh, s.auth FROM push_subscriptions s JOIN app_users u USING (user_key) WHERE u.is_active',
    );
    return rows;
  }

  async markDelivered(id: string): Promise<void> {
    await this.db.query('UPDATE push_subscriptions SET last_success_at = now() WHERE id = $1', [id]);
  }
}
