import type { Bar } from '../../shared/schemas/bar.ts';
import { requestJson } from '../lib/http.ts';
import { Signal } from '../lib/signal.ts';

/** Open, last call or closed (GET /api/bar, then the /bar channel); null until known. */
export const barState = new Signal<Bar | null>(null);

/** The bar's state is public: asked at start and after every reconnect, then followed live. */
export async function refreshBar(): Promise<void> {
  try {
    barState.set((await requestJson<{ bar: Bar }>('/api/bar')).bar);
  } catch {
    // Unreachable: the last known state stays; the next reconnect asks again.
  }
}
