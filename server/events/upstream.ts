import type { Logger } from '../logger.ts';
import type { EventBus } from './event-bus.ts';
import { onChannelEvents, type ChannelEvent } from './projection.ts';
import { MAX_EVENTS_PER_PUBLISH } from './broker.ts';

const MAX_IN_FLIGHT = 8;
const MAX_QUEUED = 10_000;

/**
 * AWS mode: with EVENTS_UPSTREAM_URL and EVENTS_UPSTREAM_API_KEY the apps connect to an AppSync
 * Events API (GET /api/config says so), and this forwards every change this instance commits
 * there with the HTTP publish (`x-api-key`). Events relayed from other instances are not
 * forwarded: their own instance does it, so each reaches AppSync once.
 *
 * Any AppSync-Events-compatible endpoint works, a second barback included: barback accepts a
 * host access token in `x-api-key` as a publisher's key (it may publish anywhere, as the host).
 */
export class UpstreamPublisher {
  private readonly endpoint: string;
  private queue: { channel: string; events: string[] }[] = [];
  private inFlight = new Set<Promise<void>>();
  private scheduled = false;
  private readonly stopListening: () => void;

  constructor(
    url: string,
    private readonly apiKey: string,
    bus: EventBus,
    private readonly logger: Logger,
  ) {
    this.endpoint = `${url.replace(/\/event$/, '')}/event`;
    this.stopListening = onChannelEvents(bus, (event, { remote }) => {
      if (!remote) this.accept(event);
    });
  }

  private accept(event: ChannelEvent): void {
    const json = JSON.stringify(event.payload);
    // Consecutive events on one channel share a request, up to AppSync's five per publish.
    const last = this.queue[this.queue.length - 1];
    if (last && last.channel === event.channel && last.events.length < MAX_EVENTS_PER_PUBLISH) last.events.push(json);
    else this.queue.push({ channel: event.channel, events: [json] });
    if (this.queue.length > MAX_QUEUED) {
      this.queue.shift();
      this.logger.warn('events: upstream is not keeping up, dropping the oldest event');
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight.size < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      const sending: Promise<void> = this.send(batch).finally(() => {
        this.inFlight.delete(sending);
        this.pump();
      });
      this.inFlight.add(sending);
    }
  }

  private async send(batch: { channel: string; events: string[] }): Promise<void> {
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        this.logger.warn({ status: response.status, body: (await response.text()).slice(0, 300) }, 'events: upstream refused a publish');
      } else {
        await response.arrayBuffer();
      }
    } catch (error) {
      // Clients catch up by cursor; an event lost here costs a refetch, not an order.
      this.logger.warn({ err: (error as Error).message }, 'events: upstream publish failed');
    }
  }

  async close(): Promise<void> {
    this.stopListening();
    this.pump();
    await Promise.allSettled([...this.inFlight]);
  }
}
