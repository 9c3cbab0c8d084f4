import type { Queryable } from '../db/database.ts';
import type { Bar, BarStatus } from '../../shared/schemas/bar.ts';

interface BarRow {
  status: BarStatus;
  message: string | null;
  closes_at: Date | null;
}

const toBar = (row: BarRow): Bar => ({ status: row.status, message: row.message, closes_at: row.closes_at ? row.closes_at.toISOString() : null });

export class BarRepository {
  constructor(private readonly db: Queryable) {}

  /** The state and when it last changed (to order it against events from other instances). */
  async read(): Promise<{ bar: Bar; updatedAt: string }> {
    const { rows } = await this.db.query<BarRow & { updated_at: Date }>('SELECT status, message, closes_at, updated_at FROM bar_state');
    const row = rows[0];
    return row ? { bar: toBar(row), updatedAt: row.updated_at.toISOString() } : { bar: { status: 'open', message: null, closes_at: null }, updatedAt: '' };
  }

  /** Locks the one row: two hosts changing it at once queue, so each sees the other's result. */
  async lock(): Promise<Bar> {
    const { rows } = await this.db.query<BarRow>('SELECT status, message, closes_at FROM bar_state FOR UPDATE');
    return toBar(rows[0]!);
  }

  async write(bar: Bar): Promise<{ bar: Bar; updatedAt: string }> {
    const { rows } = await this.db.query<BarRow & { updated_at: Date }>(
      `UPDATE bar_state SET status = $1, message = $2, closes_at = $3, updated_at = clock_timestamp()
        RETURNING status, message, closes_at, updated_at`,
      [bar.status, bar.message, bar.closes_at],
    );
    return { bar: toBar(rows[0]!), updatedAt: rows[0]!.updated_at.toISOString() };
  }
}
