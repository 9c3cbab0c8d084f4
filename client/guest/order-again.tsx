import { useState } from 'react';
import type { LocalOrder } from '../lib/db.ts';
import { navigate } from '../lib/router.ts';
import { useT } from './i18n.ts';
import { placeOrder } from './place-order.ts';
import { useOrders } from './queries.ts';
import { usualOf } from './usual.ts';

/**
 * "Order again" and "Your usual": the same drink and note in one tap, through the outbox like
 * any order (so it works offline and is sent exactly once).
 */
function again(order: Pick<LocalOrder, 'drink_id' | 'drink_name' | 'notes'>): Promise<void> {
  return placeOrder({ id: order.drink_id, name: order.drink_name }, order.notes);
}

export function OrderAgainButton({ order }: { order: LocalOrder }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  async function tap() {
    setBusy(true);
    try {
      await again(order);
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } finally {
      setBusy(false);
    }
  }
  return (
    <button type="button" className="again" disabled={busy} onClick={() => void tap()}>{t('again.button')}</button>
  );
}

/** Top of the menu, once a guest has ordered a drink twice. */
export function YourUsual({ availableDrinkIds }: { availableDrinkIds?: ReadonlySet<string> }) {
  const t = useT();
  const { data: orders } = useOrders();
  const [busy, setBusy] = useState(false);
  const usual = orders && usualOf(orders);
  // A drink no longer on the menu is not offered.
  if (!usual || (availableDrinkIds && !availableDrinkIds.has(usual.drink_id))) return null;
  async function tap() {
    if (!usual) return;
    setBusy(true);
    await again(usual);
    navigate('/orders');
  }
  return (
    <section className="usual card" aria-labelledby="usual-title" data-usual-drink-id={usual.drink_id}>
      <h2 id="usual-title">{t('again.usualTitle')}</h2>
      <p className="usual-drink">{usual.drink_name}</p>
      {usual.notes && <p className="muted">{t('again.usualNote', { note: usual.notes })}</p>}
      <button type="button" className="primary wide" disabled={busy} onClick={() => void tap()}>
        {t('again.usualButton', { name: usual.drink_name })}
      </button>
    </section>
  );
}
