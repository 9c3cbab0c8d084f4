import type http from 'node:http';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { AuthGuards } from '../auth/middleware.ts';
import type { TokenRevocations } from '../auth/token-revocations.ts';
import type { EventBus } from './event-bus.ts';
import { Broker } from './broker.ts';
import { onChannelEvents } from './projection.ts';
import { RealtimeServer } from './realtime-socket.ts';
import { UpstreamPublisher } from './upstream.ts';

/**
 * Live events: barback's own AppSync Events endpoint (POST /event, /event/realtime), fed by the
 * projection of the bus's domain events and by what clients publish. In AWS mode the server's
 * changes go upstream instead and the apps listen there.
 */
export class LiveEvents {
  readonly realtime: RealtimeServer;
  private readonly upstream: UpstreamPublisher | null;
  private readonly stops: (() => void)[] = [];
  private readonly broker: Broker;

  constructor(deps: { config: Config; logger: Logger; events: EventBus; auth: AuthGuards; revocations: TokenRevocations }) {
    const broker = (this.broker = new Broker());
    this.realtime = new RealtimeServer(deps, broker);
    const { eventsUpstreamUrl, eventsUpstreamApiKey } = deps.config;
    this.upstream =
      eventsUpstreamUrl && eventsUpstreamApiKey ? new UpstreamPublisher(eventsUpstreamUrl, eventsUpstreamApiKey, deps.events, deps.logger) : null;
    if (!this.upstream) {
      this.stops.push(onChannelEvents(deps.events, (event) => broker.deliver(event.channel, [JSON.stringify(event.payload)])));
    }
    this.stops.push(deps.events.listenClientEvents((published) => broker.deliver(published.channel, published.events)));
  }

  /** Whether a subscriber may hear `path` here (always, in AWS mode: the subscribers are there). */
  listens(path: string): boolean {
    return this.upstream !== null || this.broker.listens(path);
  }

  attach(server: http.Server): void {
    this.realtime.attach(server);
  }

  async close(): Promise<void> {
    for (const stop of this.stops) stop();
    await this.realtime.close();
    await this.upstream?.close();
  }
}
