import { describe, expect, it } from 'vitest';
import { NOT_IN_LINE, currentPlace, encodeWaiting, etaSeconds, placeIn, positionIn, type QueueSnapshot } from '../../shared/queue.ts';

/**
 * The arithmetic every phone runs on QUEUE_CHANGED (shared/queue.ts): the server ranks orders
 * by ticket (server/orders/queue.service.ts), the phone counts bits; both must agree.
 */
function snapshotOf(tickets: number[], version = '10', prep: number | null = 90, bartenders = 1): QueueSnapshot {
  return { version, ...encodeWaiting(tickets), prep_seconds: prep, bartenders };
}

describe('a snapshot of the line', () => {
  it('gives each ticket its rank among the waiting ones, and none to others, over gaps and byte edges', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 50; trial++) {
      const start = 1 + Math.floor(random() * 5_000);
      const tickets: number[] = [];
      for (let t = start; t < start + 2_000; t++) if (random() < 0.4) tickets.push(t);
      const snapshot = snapshotOf(tickets);
      expect(snapshot.length).toBe(tickets.length);
      tickets.forEach((ticket, index) => expect(positionIn(snapshot, ticket)).toBe(index + 1));
      for (const absent of [start - 1, start + 2_001, ...Array.from({ length: 20 }, () => start + Math.floor(random() * 2_000))]) {
        if (!tickets.includes(absent)) expect(positionIn(snapshot, absent)).toBeNull();
      }
    }
  });

  it('an empty line holds no one; a bitmap stays small (2,000 waiting among 3,000 tickets: under 600 characters)', () => {
    expect(positionIn(snapshotOf([]), 1)).toBeNull();
    const tickets = Array.from({ length: 3_000 }, (_, i) => 1_000 + i).filter((t) => t % 3 !== 0);
    expect(snapshotOf(tickets).waiting.length).toBeLessThan(600);
  });

  it('the wait: the first `bartenders` orders are made side by side', () => {
    expect(etaSeconds(1, 120, 1)).toBe(120);
    expect(etaSeconds(2, 120, 1)).toBe(240);
    expect([1, 2, 3, 4, 5].map((p) => etaSeconds(p, 60, 2))).toEqual([60, 60, 120, 120, 180]);
    expect(etaSeconds(3, null, 2)).toBeNull();
    expect(placeIn(snapshotOf([4, 9, 12], '1', 100, 2), 12)).toEqual({ queue_ticket: 12, queue_position: 3, eta_seconds: 200 });
  });

  it('a phone trusts the snapshot only once it has seen the order’s last change', () => {
    const snapshot = snapshotOf([4, 9, 12], '20');
    const order = { status: 'pending', version: '15', queue_ticket: 12, queue_position: 7, eta_seconds: 700 };
    expect(currentPlace(order, snapshot)).toMatchObject({ queue_position: 3 });
    // A change newer than the snapshot: the order's own view is the fresher one.
    expect(currentPlace({ ...order, version: '21' }, snapshot)).toMatchObject({ queue_position: 7, eta_seconds: 700 });
    expect(currentPlace(order, null)).toMatchObject({ queue_position: 7 });
    expect(currentPlace({ ...order, status: 'ready' }, snapshot)).toEqual(NOT_IN_LINE);
    expect(currentPlace({ ...order, version: null }, snapshot)).toEqual(NOT_IN_LINE);
    // The snapshot saw the change and no longer holds the order: it left the line.
    expect(currentPlace({ ...order, queue_ticket: 5 }, snapshot)).toEqual(NOT_IN_LINE);
  });
});
