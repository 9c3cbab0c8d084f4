import { describe, expect, it } from 'vitest';
import { computeNumbers } from '../../client/admin/numbers.ts';
import type { AdminOrder } from '../../shared/schemas/orders.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 25, 20, 0) + minutes * 60_000).toISOString();
const order = (id: string, drink: string, created: number, status: AdminOrder['status'], ready?: number): AdminOrder => ({
  id,
  drink_id: drink,
  drink_name: drink,
  notes: null,
  options: [],
  status,
  created_at: at(created),
  updated_at: at(created + 20),
  completed_at: null,
  version: id,
  user_key: 'u',
  username: 'Sam',
  ready_at: ready === undefined ? null : at(ready),
  calls: 0,
  called_at: null,
  changed_by: null,
});

describe('tonight’s numbers', () => {
  it('counts orders per 15 minutes, ranks drinks and averages the time to ready from ready_at', () => {
    const orders = [
      order('1', 'Negroni', 0, 'served', 4),
      order('2', 'Negroni', 5, 'ready', 11),
      order('3', 'Mojito', 16, 'pending'),
      order('4', 'Mojito', 17, 'cancelled'),
    ];
    const numbers = computeNumbers(orders, Date.parse(at(30)));
    expect(numbers.total).toBe(4);
    expect(numbers.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(4);
    expect(numbers.buckets.at(-2)?.count).toBe(2);
    expect(numbers.topDrinks).toEqual([
      { name: 'Negroni', count: 2 },
      { name: 'Mojito', count: 1 },
    ]);
    expect(numbers.averageToReadyMs).toBe(5 * 60_000);
    expect(numbers.readySamples).toBe(2);
  });
});
