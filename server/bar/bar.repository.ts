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

  async read(): Promise<Bar> {
    const { rows } = await this.db.query<BarRow>('SELECT status, message, closes_at FROM bar_state');
    return rows[0] ? toBar(rows[0]) : { status: 'open', message: null, closes_at: null };
  }

  /** Locks the one row: two hosts changing it at once queue, so each sees the other's result. */
  async lock(): Promise<Bar> {
    const { rows } = await this.db.query<BarRow>('SELECT status, message, closes_at FROM bar_state FOR UPDATE');
    return toBar(rows[0]!);
  }

  async write(bar: Bar): Promise<Bar> {
    const { rows } = await this.db.query<BarRow>(
      `UPDATE bar_state SET status = $1, message = $2, closes_at = $3, updated_at = now()
        RETURNING status, message, closes_at`,
      [bar.status, bar.message, bar.closes_at],
    );
    return toBar(rows[0]!);
  }
}
