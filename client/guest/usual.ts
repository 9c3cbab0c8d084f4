import type { LocalOrder } from '../lib/db.ts';

/** Orders that count as "ordered": not refused by the server, not cancelled. */
const COUNTED: ReadonlySet<LocalOrder['status']> = new Set(['queued', 'pending', 'preparing', 'ready', 'served']);

/**
 * The guest's usual: the drink they ordered most, at least twice (the more recent wins a tie),
 * as its latest order, whose note is the one to repeat.
 */
export function usualOf(orders: readonly LocalOrder[]): LocalOrder | undefined {
  const byDrink = new Map<string, { count: number; latest: LocalOrder }>();
  for (const order of orders) {
    if (!COUNTED.has(order.status)) continue;
    const seen = byDrink.get(order.drink_id);
    if (!seen) byDrink.set(order.drink_id, { count: 1, latest: order });
    else byDrink.set(order.drink_id, { count: seen.count + 1, latest: order.created_at > seen.latest.created_at ? order : seen.latest });
  }
  let best: { count: number; latest: LocalOrder } | undefined;
  for (const entry of byDrink.values()) {
    if (entry.count < 2) continue;
    if (!best || entry.count > best.count || (entry.count === best.count && entry.latest.created_at > best.latest.created_at)) best = entry;
  }
  return best?.latest;
}
