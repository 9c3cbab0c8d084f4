import type { AdminOrder } from '../../shared/schemas/orders.ts';

const BUCKET_MS = 15 * 60_000;
/** "Tonight": the last 12 hours, at most 48 bars of 15 minutes. */
const WINDOW_MS = 12 * 60 * 60_000;

export interface Bucket {
  start: number;
  count: number;
}

export interface Numbers {
  total: number;
  buckets: Bucket[];
  topDrinks: { name: string; count: number }[];
  /** Milliseconds from order to ready, or null when no order reached ready yet. */
  averageToReadyMs: number | null;
  readySamples: number;
}

/** Tonight's figures from the host's order list; "time to ready" comes from each order's `ready_at`. */
export function computeNumbers(orders: readonly AdminOrder[], now: number): Numbers {
  const tonight = orders.filter((o) => now - Date.parse(o.created_at) <= WINDOW_MS);
  const buckets: Bucket[] = [];
  if (tonight.length > 0) {
    const first = Math.min(...tonight.map((o) => Date.parse(o.created_at)));
    // At least the last two hours, so one busy quarter does not fill the whole chart.
    const startAt = Math.min(Math.floor(first / BUCKET_MS), Math.floor(now / BUCKET_MS) - 7) * BUCKET_MS;
    for (let start = startAt; start <= now; start += BUCKET_MS) buckets.push({ start, count: 0 });
    for (const order of tonight) {
      const index = Math.floor((Date.parse(order.created_at) - startAt) / BUCKET_MS);
      const bucket = buckets[index];
      if (bucket) bucket.count += 1;
    }
  }
  const counts = new Map<string, number>();
  for (const order of tonight) if (order.status !== 'cancelled') counts.set(order.drink_name, (counts.get(order.drink_name) ?? 0) + 1);
  const topDrinks = [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, 5);

  const waits: number[] = [];
  for (const order of tonight) {
    const at = order.ready_at;
    if (at) waits.push(Date.parse(at) - Date.parse(order.created_at));
  }
  const averageToReadyMs = waits.length > 0 ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
  return { total: tonight.length, buckets: buckets.slice(-48), topDrinks, averageToReadyMs, readySamples: waits.length };
}
