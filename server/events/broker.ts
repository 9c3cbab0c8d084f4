import type { Channel } from './channels.ts';

/** AppSync's limits on what one publish may carry. */
export const MAX_EVENTS_PER_PUBLISH = 5;
export const MAX_EVENT_BYTES = 240 * 1024;

export interface Subscriber {
  send(frame: string): void;
  /** The subscription's token expired: tell the client and drop it. */
  expire(subscription: Subscription): void;
}

export interface Subscription {
  readonly id: string;
  /** The id already JSON-encoded, so each delivery is one string concatenation. */
  readonly idJson: string;
  readonly channel: Channel;
  /** Expiry of the token that authorized it, in ms since the epoch. */
  readonly expiresAt: number;
  /** The guest whose token authorized it (for revocation), none for the host. */
  readonly userKey: string | undefined;
  readonly subscriber: Subscriber;
}

/**
 * Which subscriptions hear which channel. Delivery looks up the exact channel and each of its
 * proper prefixes (for `/orders/*`-style wildcards): a guest's event costs a few map lookups
 * and one send, never a walk over every connection.
 */
export class Broker {
  private readonly exact = new Map<string, Set<Subscription>>();
  private readonly wildcards = new Map<string, Set<Subscription>>();
  /** Subscriptions by the second their token expires, so each is told then, not at its next event. */
  private readonly expiring = new Map<number, Set<Subscription>>();
  private readonly expirySecond = new Map<Subscription, number>();
  /** The last second whose expiries were told. */
  private swept = Math.floor(Date.now() / 1000);

  add(subscription: Subscription): void {
    const index = subscription.channel.wildcard ? this.wildcards : this.exact;
    addTo(index, subscription.channel.path, subscription);
    const second = Math.max(Math.ceil(subscription.expiresAt / 1000), this.swept + 1);
    addTo(this.expiring, second, subscription);
    this.expirySecond.set(subscription, second);
  }

  remove(subscription: Subscription): void {
    const index = subscription.channel.wildcard ? this.wildcards : this.exact;
    removeFrom(index, subscription.channel.path, subscription);
    const second = this.expirySecond.get(subscription);
    if (second === undefined) return;
    this.expirySecond.delete(subscription);
    removeFrom(this.expiring, second, subscription);
  }

  /** Tells every subscription whose token expired by `now` (called each second). */
  expireDue(now: number): void {
    const due = Math.floor(now / 1000);
    for (let second = this.swept + 1; second <= due; second++) {
      const set = this.expiring.get(second);
      if (!set) continue;
      this.expiring.delete(second);
      for (const subscription of set) subscription.subscriber.expire(subscription);
    }
    this.swept = Math.max(this.swept, due);
  }

  get size(): number {
    let count = 0;
    for (const set of this.exact.values()) count += set.size;
    for (const set of this.wildcards.values()) count += set.size;
    return count;
  }

  /** Whether any subscription hears `path` (exactly, or through a wildcard above it). */
  listens(path: string): boolean {
    if (this.exact.has(path)) return true;
    for (let slash = path.indexOf('/', 1); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      if (this.wildcards.has(path.slice(0, slash))) return true;
    }
    return false;
  }

  /** Sends each event (a JSON string) as its own `data` message to every matching subscription. */
  deliver(path: string, events: string[]): void {
    const targets: Set<Subscription>[] = [];
    const exact = this.exact.get(path);
    if (exact) targets.push(exact);
    if (this.wildcards.size > 0) {
      for (let slash = path.indexOf('/', 1); slash !== -1; slash = path.indexOf('/', slash + 1)) {
        const set = this.wildcards.get(path.slice(0, slash));
        if (set) targets.push(set);
      }
    }
    if (targets.length === 0) return;
    const now = Date.now();
    for (const event of events) {
      const encoded = JSON.stringify(event);
      for (const set of targets) {
        for (const subscription of set) {
          if (subscription.expiresAt <= now) subscription.subscriber.expire(subscription);
          else subscription.subscriber.send(`{"type":"data","id":${subscription.idJson},"event":${encoded}}`);
        }
      }
    }
  }
}

function addTo<K>(index: Map<K, Set<Subscription>>, key: K, subscription: Subscription): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(subscription);
}

function removeFrom<K>(index: Map<K, Set<Subscription>>, key: K, subscription: Subscription): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(subscription);
  if (set.size === 0) index.delete(key);
}

/**
 * Checks a publish's `events`: one to five strings, each valid JSON of at most 240 KB.
 * Returns the events, or the reason they are refused.
 */
export function checkEvents(raw: unknown): string[] | { problem: string } {
  if (!Array.isArray(raw) || raw.length === 0) return { problem: 'events must be a non-empty array of JSON strings.' };
  if (raw.length > MAX_EVENTS_PER_PUBLISH) return { problem: `At most ${MAX_EVENTS_PER_PUBLISH} events per publish.` };
  for (const [index, event] of raw.entries()) {
    if (typeof event !== 'string') return { problem: `Event ${index} is not a string.` };
    if (Buffer.byteLength(event) > MAX_EVENT_BYTES) return { problem: `Event ${index} is larger than 240 KB.` };
    try {
      JSON.parse(event);
    } catch {
      return { problem: `Event ${index} is not valid JSON.` };
    }
  }
  return raw as string[];
}
