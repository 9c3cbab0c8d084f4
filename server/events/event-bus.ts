import type { EventMap, EventType } from '../../shared/events.ts';

export interface ChannelEvent<K extends EventType = EventType> {
  channel: string;
  type: K;
  payload: EventMap[K];
  /**
   * Set on events relayed from another instance. Side effects that must happen once per
   * change (sending a Web Push) act only on events their own instance published.
   */
  remote?: boolean;
}

export type EventListener = (event: ChannelEvent) => void;

/**
 * Events a client (a host, or an upstream publisher with the API key) published through the
 * AppSync protocol: opaque JSON strings, only ever forwarded to subscribers.
 */
export interface ClientEvents {
  channel: string;
  events: string[];
}
export type ClientEventsListener = (published: ClientEvents) => void;

/** Server-to-server signals that are never delivered to clients. */
export interface InternalSignals {
  guest_revoked: { user_key: string };
  /** Some of a subject's access tokens were revoked (see TokenRevocations): forget what you remember. */
  tokens_revoked: { subject: string };
}
export type InternalSignal = { [K in keyof InternalSignals]: { kind: K; data: InternalSignals[K] } }[keyof InternalSignals];
export type SignalListener = (signal: InternalSignal) => void;

/**
 * Where committed changes are announced. Services call `publish` only after their
 * transaction committed; the broker (and, across instances, PostgreSQL NOTIFY) delivers.
 */
export interface EventBus {
  publish<K extends EventType>(channel: string, type: K, payload: EventMap[K]): void;
  /** Local listeners (the WebSocket broker, push notifications) on this instance. */
  listen(listener: EventListener): () => void;
  /** Client-published events, delivered to every instance's subscribers. */
  publishClientEvents(channel: string, events: string[]): void;
  listenClientEvents(listener: ClientEventsListener): () => void;
  /** Tells every instance (this one included) something internal, e.g. a guest was revoked. */
  signal<K extends keyof InternalSignals>(kind: K, data: InternalSignals[K]): void;
  onSignal(listener: SignalListener): () => void;
  close(): Promise<void>;
}

/** One process: deliver to local listeners on the next tick, never inside the caller's stack. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly clientListeners = new Set<ClientEventsListener>();
  private readonly signalListeners = new Set<SignalListener>();

  publish<K extends EventType>(channel: string, type: K, payload: EventMap[K]): void {
    const event: ChannelEvent = { channel, type, payload } as ChannelEvent;
    queueMicrotask(() => this.deliver(event));
  }

  /** Delivers an event that arrived from elsewhere (another instance) to this instance's listeners. */
  deliver(event: ChannelEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  listen(listener: EventListener): () => void {
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

  signal<K extends keyof InternalSignals>(kind: K, data: InternalSignals[K]): void {
    const signal = { kind, data } as InternalSignal;
    queueMicrotask(() => this.deliverSignal(signal));
  }

  deliverSignal(signal: InternalSignal): void {
    for (const listener of this.signalListeners) listener(signal);
  }

  onSignal(listener: SignalListener): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.clientListeners.clear();
    this.signalListeners.clear();
  }
}
