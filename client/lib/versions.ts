/**
 * The one rule for two copies of the same order, wherever they meet (the phone's store, the
 * board, a REST answer against a live event): the copy with the larger `version` is newer and
 * wins; an equal version is the same change seen twice and changes nothing; an older one is
 * ignored; an order not held yet is added. Versions are decimal strings of integers that may
 * pass 2^53, so they are compared as BigInt. A local copy with no version yet (a queued order
 * the server has not accepted) loses to any server copy.
 */
export interface Versioned {
  id: string;
  version: string | null;
}

/** Whether version `candidate` is after `current` (a missing `current` is before everything). */
export function versionAfter(candidate: string, current: string | null | undefined): boolean {
  return current == null || BigInt(candidate) > BigInt(current);
}

/** Whether `candidate` should replace `current`, the copy held now (undefined: none held). */
export function isNewer(candidate: { version: string }, current: { version: string | null } | undefined): boolean {
  return versionAfter(candidate.version, current?.version);
}

/**
 * Merges `incoming` into the copies held, by the rule above. Returns the same map when nothing
 * changed, so a React state or a query cache holding it does not re-render for a replay.
 */
export function mergeByVersion<T extends Versioned & { version: string }>(held: ReadonlyMap<string, T>, incoming: Iterable<T>): ReadonlyMap<string, T> {
  let next: Map<string, T> | undefined;
  for (const order of incoming) {
    if (!isNewer(order, (next ?? held).get(order.id))) continue;
    next ??= new Map(held);
    next.set(order.id, order);
  }
  return next ?? held;
}
