import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import { isInLine } from '../../shared/order-status.ts';
import type { QueueService } from './queue.service.ts';

/** At most one snapshot per this many milliseconds per instance; bursts in between share it. */
export const QUEUE_SNAPSHOT_INTERVAL_MS = 100;
/**
 * A snapshot that changed nothing is skipped, but phones trust a snapshot only for orders whose
 * last change it has seen (its version): so a skipped newer version still goes out, once, this
 * long after, unless a real change carried it first.
 */
const VERSION_CATCH_UP_MS = 1_000;

/**
 * Publishes the line (queue.changed → QUEUE_CHANGED on /queue) after orders move, from this
 * instance and from others (their events arrive by NOTIFY after commit, so a read here holds
 * them). Cost is bounded, whatever the rate of changes: at most one read and one broadcast per
 * interval, none while nobody on this instance listens, none when the line did not change
 * (pending → preparing moves nobody). The first change after a quiet spell goes out at once.
 */
export class QueueBroadcaster {
  private dirty = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRead = 0;
  /** The last published snapshot without its version, to skip one that changes nothing. */
  private lastContent: string | undefined;
  private catchUp: NodeJS.Timeout | undefined;
  private force = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly queue: QueueService,
    private readonly events: EventBus,
    /** Whether any subscriber on this instance follows the line. */
    private readonly listening: () => boolean,
    private readonly logger: Logger,
    private readonly intervalMs = QUEUE_SNAPSHOT_INTERVAL_MS,
  ) {
    this.unlisten = events.onAny((event) => {
      if (event.name === 'order.placed') this.changed();
      // ready → served and back move nobody in line.
      else if (event.name === 'order.status_changed' && (isInLine(event.data.order.status) || isInLine(event.data.previous_status))) this.changed();
    });
  }

  private changed(): void {
    if (!this.listening()) {
      // Nobody to tell; whoever subscribes next asks GET /api/queue, and the next change publishes.
      this.lastContent = undefined;
      return;
    }
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.running || this.timer) return;
    const wait = Math.max(0, this.lastRead + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.publish();
    }, wait);
  }

  private async publish(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.running = true;
    this.lastRead = Date.now();
    try {
      const snapshot = (await this.queue.current()).snapshot();
      const key = JSON.stringify({ ...snapshot, version: undefined });
      if (key !== this.lastContent || this.force) {
        this.lastContent = key;
        this.force = false;
        clearTimeout(this.catchUp);
        this.catchUp = undefined;
        this.events.emitLocal('queue.changed', { queue: snapshot });
      } else {
        this.catchUp ??= setTimeout(() => {
          this.catchUp = undefined;
          this.force = true;
          this.changed();
        }, VERSION_CATCH_UP_MS);
      }
    } catch (error) {
      // Phones keep their last places; the next change tries again.
      this.logger.warn({ err: (error as Error).message }, 'queue: could not read the line');
    } finally {
      this.running = false;
      if (this.dirty) this.schedule();
    }
  }

  close(): void {
    this.unlisten();
    clearTimeout(this.timer);
    clearTimeout(this.catchUp);
    this.timer = undefined;
    this.catchUp = undefined;
  }
}
