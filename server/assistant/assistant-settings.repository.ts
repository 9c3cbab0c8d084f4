import type { Queryable } from '../db/database.ts';

/** The host's switch for the chat: one row (migration 0015). */
export class AssistantSettingsRepository {
  constructor(private readonly db: Queryable) {}

  async enabled(): Promise<boolean> {
    const { rows } = await this.db.query<{ enabled: boolean }>('SELECT enabled FROM assistant_settings WHERE id');
    return rows[0]?.enabled ?? true;
  }

  async setEnabled(enabled: boolean): Promise<boolean> {
    const { rows } = await this.db.query<{ enabled: boolean }>(
      `INSERT INTO assistant_settings (id, enabled, updated_at) VALUES (true, $1, now())
       ON CONFLICT (id) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()
       RETURNING enabled`,
      [enabled],
    );
    return rows[0]!.enabled;
  }
}
