import type { OrderOption } from '../../shared/schemas/menu-options.ts';

/**
 * Every "Order" button's one way in: the order is saved in the outbox (so it works offline and
 * is sent exactly once), then sent. The outbox and the store load on the first order if the
 * runtime has not brought them in already (they are not part of the menu's first paint).
 */
export async function placeOrder(drink: { id: string; name: string }, notes: string | null, options?: OrderOption[]): Promise<void> {
  const [{ enqueueOrder }, { afterEnqueue }] = await Promise.all([import('./outbox.ts'), import('./drain-scheduler.ts')]);
  await enqueueOrder(drink, notes, options);
  void afterEnqueue();
}
