import type { OrderStatus } from '../../shared/order-status.ts';
import type { HostOrder } from '../orders/order-presenter.ts';
import type { Bar, BarStatus } from '../../shared/schemas/bar.ts';
import type { QueuePlace, QueueSnapshot } from '../../shared/queue.ts';

/**
 * What happened in the domain, as services announce it. Who hears what is decided elsewhere:
 * server/events/projection.ts turns these into AppSync channels and payloads; push, the menu
 * cache and revocation react to them directly (see server/composition.ts).
 */
export interface DomainEventMap {
  /** A guest placed an order (the host's full view of it). */
  'order.placed': { order: HostOrder };
  /**
   * An order moved along the status machine; `order` is the host's full view after the change,
   * `place` its place in line read after the commit (nulls when not in line).
   */
  'order.status_changed': { order: HostOrder; previous_status: OrderStatus; place: QueuePlace };
  /** The host called a ready order again ("Call again"); `order` is the host's view with the new count. */
  'order.called': { order: HostOrder };
  /** The bar opened, called last orders or closed (or its message or closing time changed). */
  'bar.status_changed': { bar: Bar; previous_status: BarStatus; updated_at: string };
  /**
   * The line as this instance read it after orders moved (emitLocal: every instance reads the
   * database for its own subscribers, so snapshots never cross instances).
   */
  'queue.changed': { queue: QueueSnapshot };
  /** Sections, drinks or images changed. */
  'menu.changed': { at: string };
  /** A guest was thrown out: their tokens and sockets die on every instance. */
  'guest.revoked': { user_key: string };
  /** Some of a subject's access tokens were revoked (see TokenRevocations): forget what you remember. */
  'tokens.revoked': { subject: string };
}
export type DomainEventName = keyof DomainEventMap;

export type DomainEvent = { [K in DomainEventName]: { name: K; data: DomainEventMap[K] } }[DomainEventName];

/**
 * `remote` is set on events relayed from another instance. Side effects that must happen once
 * per change (sending a Web Push, forwarding upstream) act only on their own instance's events.
 */
export type DomainEventHandler<K extends DomainEventName> = (data: DomainEventMap[K], meta: { remote: boolean }) => void;
export type DomainEventListener = (event: DomainEvent, meta: { remote: boolean }) => void;

/**
 * Events a client (a host, or an upstream publisher with the API key) published through the
 * AppSync protocol: opaque JSON strings, only ever forwarded to subscribers.
 */
export interface ClientEvents {
  channel: string;
  events: string[];
}
export type ClientEventsListener = (published: ClientEvents) => void;

/**
 * The one internal bus. Services `emit` only after their transaction committed; listeners on
 * this instance and, across instances, PostgreSQL NOTIFY deliver.
 */
export interface EventBus {
  emit<K extends DomainEventName>(name: K, data: DomainEventMap[K]): void;
  /** Delivers to this instance's listeners only: state each instance derives for itself. */
  emitLocal<K extends DomainEventName>(name: K, data: DomainEventMap[K]): void;
  on<K extends DomainEventName>(name: K, handler: DomainEventHandler<K>): () => void;
  /** Every domain event (the projection to channels listens here). */
  onAny(listener: DomainEventListener): () => void;
  /** Client-published events, delivered to every instance's subscribers. */
  publishClientEvents(channel: string, events: string[]): void;
  listenClientEvents(listener: ClientEventsListener): () => void;
  close(): Promise<void>;
}

/** One process: deliver to local listeners on the next tick, never inside the caller's stack. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<DomainEventListener>();
  private readonly clientListeners = new Set<ClientEventsListener>();

  emit<K extends DomainEventName>(name: K, data: DomainEventMap[K]): void {
    this.emitLocal(name, data);
  }

  emitLocal<K extends DomainEventName>(name: K, data: DomainEventMap[K]): void {
    const event = { name, data } as DomainEvent;
    queueMicrotask(() => this.deliver(event, false));
  }

  /** Delivers an event to this instance's listeners; `remote` when it came from another instance. */
  deliver(event: DomainEvent, remote: boolean): void {
    const meta = { remote };
    for (const listener of this.listeners) listener(event, meta);
  }

  on<K extends DomainEventName>(name: K, handler: DomainEventHandler<K>): () => void {
    return this.onAny((event, meta) => {
      if (event.name === name) handler(event.data as DomainEventMap[K], meta);
    });
  }

  onAny(listener: DomainEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publishClientEvents(channel: string, events: string[]): void {
    queueMicrotask(() => this.deliverClientEvents({ channel, events }));
  }

  deliverClientEvents(published: ClientEvents): void {
    for (const listener of this.clientListeners) listener(published);
  }

  listenClientEvents(listener: ClientEventsListener): () => void {
    this.clientListeners.add(listener);
    return () => this.clientListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.clientListeners.clear();
  }
}
