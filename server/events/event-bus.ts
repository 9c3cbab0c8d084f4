import type { EventMap, EventType } from '../../shared/events.ts';

export interface ChannelEvent<K extends EventType = EventType> {
  channel: string;
  type: K;
  payload: EventMap[K];
}

export type EventListener = (event: ChannelEvent) => void;

/** Server-to-server signals that are never delivered to clients. */
export interface InternalSignals {
  guest_revoked: { user_key: string };
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
  /** Tells every instance (this one included) something internal, e.g. a guest was revoked. */
  signal<K extends keyof InternalSignals>(kind: K, data: InternalSignals[K]): void;
  onSignal(listener: SignalListener): () => void;
  close(): Promise<void>;
}

/** One process: deliver to local listeners on the next tick, never inside the caller's stack. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<EventListener>();
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
    this.signalListeners.clear();
  }
}
