import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { AppError } from '../http/errors.ts';
import type { Bar, BarStatus, UpdateBarBody } from '../../shared/schemas/bar.ts';
import { BarRepository } from './bar.repository.ts';

export const barClosed = () => new AppError(409, 'bar_closed', 'The bar is closed: no new orders.');

/**
 * Open, last call or closed. Every new order asks, so the state is kept in memory: this
 * instance's changes and other instances'
 * update it at once (bar.status_changed on the bus); a short lifetime bounds how long a missed event could go unnoticed.
 */
export class BarService {
  private readonly repo: BarRepository;
  private known: { bar: Bar; updatedAt: string; until: number } | undefined;
  private readonly unlisten: () => void;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly ttlMs = 5_000,
  ) {
    this.repo = new BarRepository(db);
    this.unlisten = events.on('bar.status_changed', ({ bar, updated_at: updatedAt }) => {
      // Two changes on two instances may arrive out of order: the later change wins.
      if (this.known && this.known.updatedAt > updatedAt) return;
      this.remember(bar, updatedAt);
    });
  }

  async current(): Promise<Bar> {
    if (this.known && this.known.until > Date.now()) return this.known.bar;
    const { bar, updatedAt } = await this.repo.read();
    this.remember(bar, updatedAt);
    return bar;
  }

  /** New orders ask this first: while closed they get 409 bar_closed. */
  async isClosed(): Promise<boolean> {
    return (await this.current()).status === 'closed';
  }

  async update(body: UpdateBarBody): Promise<Bar> {
    const outcome = await this.db.transaction(async (tx) => {
      const repo = new BarRepository(tx);
      const before = await repo.lock();
      const status = body.status ?? before.status;
      const statusChanged = status !== before.status;
      // A new status starts with a clean message and closing time unless given with it.
      const next: Bar = {
        status,
        message: body.message !== undefined ? body.message : statusChanged ? null : before.message,
        closes_at: body.closes_at !== undefined ? (body.closes_at === null ? null : new Date(body.closes_at).toISOString()) : statusChanged ? null : before.closes_at,
      };
      if (next.status === before.status && next.message === before.message && next.closes_at === before.closes_at) {
        return { bar: before, event: undefined };
      }
      const { bar, updatedAt } = await repo.write(next);
      const event: { bar: Bar; previous_status: BarStatus; updated_at: string } = { bar, previous_status: before.status, updated_at: updatedAt };
      return { bar, event };
    });
    if (outcome.event) {
      this.remember(outcome.bar, outcome.event.updated_at);
      this.events.emit('bar.status_changed', outcome.event);
    }
    return outcome.bar;
  }

  private remember(bar: Bar, updatedAt: string): void {
    this.known = { bar, updatedAt, until: Date.now() + this.ttlMs };
  }

  close(): void {
    this.unlisten();
  }
}
