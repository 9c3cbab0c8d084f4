import { describe, expect, it } from 'vitest';
import type { LocalOrder } from '../../client/lib/db.ts';
import { usualOf } from '../../client/guest/usual.ts';

let clock = 0;
function order(drink: string, status: LocalOrder['status'] = 'served', notes: string | null = null): LocalOrder {
  clock += 1;
  const at = new Date(Date.UTC(2026, 11, 2, 20, 0, clock)).toISOString();
  return { id: crypto.randomUUID(), drink_id: drink, drink_name: drink, notes, status, created_at: at, updated_at: at, completed_at: null, version: String(clock) };
}

describe('your usual', () => {
  it('is nothing until a drink was ordered twice', () => {
    expect(usualOf([])).toBeUndefined();
    expect(usualOf([order('mojito'), order('negroni'), order('spritz')])).toBeUndefined();
  });

  it('is the drink ordered most, with the note of its latest order', () => {
    const orders = [order('negroni'), order('negroni'), order('mojito'), order('mojito'), order('mojito', 'pending', 'no ice'), order('spritz')];
    expect(usualOf(orders)).toBe(orders[4]);
  });

  it('a tie goes to the drink ordered more recently', () => {
    const orders = [order('negroni'), order('mojito'), order('negroni'), order('mojito')];
    expect(usualOf(orders)?.drink_id).toBe('mojito');
  });

  it('refused and cancelled orders do not count; one still waiting on the phone does', () => {
    expect(usualOf([order('mojito'), order('mojito', 'failed'), order('mojito', 'cancelled')])).toBeUndefined();
    expect(usualOf([order('mojito'), order('mojito', 'queued')])?.status).toBe('queued');
  });
});
