import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isNewer, mergeByVersion, versionAfter } from '../../client/lib/versions.ts';

/**
 * The one merge rule of client/lib/versions.ts, used by the phone's order store, the outbox and
 * the host's board: newer version wins, equal versions are idempotent, older ones are ignored,
 * unknown orders are added.
 */
type Copy = { id: string; version: string; status: string };
const copy = (id: string, version: string, status = 'pending'): Copy => ({ id, version, status });

describe('merging two copies of an order by version', () => {
  it('the newer version wins', () => {
    const held = new Map([['a', copy('a', '5', 'pending')]]);
    expect(mergeByVersion(held, [copy('a', '6', 'ready')]).get('a')).toEqual(copy('a', '6', 'ready'));
  });

  it('an equal version changes nothing and returns the same map (a replay is idempotent)', () => {
    const held = new Map([['a', copy('a', '5', 'pending')]]);
    const merged = mergeByVersion(held, [copy('a', '5', 'ready')]);
    expect(merged).toBe(held);
    expect(merged.get('a')?.status).toBe('pending');
  });

  it('an older version is ignored', () => {
    const held = new Map([['a', copy('a', '9', 'served')]]);
    expect(mergeByVersion(held, [copy('a', '8', 'ready')])).toBe(held);
  });

  it('an order not held yet is added, the others kept', () => {
    const held = new Map([['a', copy('a', '1')]]);
    const merged = mergeByVersion(held, [copy('b', '2')]);
    expect([...merged.keys()].sort()).toEqual(['a', 'b']);
    expect(held.has('b')).toBe(false);
  });

  it('compares as integers, not as text, beyond 2^53 too', () => {
    expect(versionAfter('10', '9')).toBe(true);
    expect(versionAfter('9007199254740993', '9007199254740992')).toBe(true);
    expect(versionAfter('9007199254740992', '9007199254740993')).toBe(false);
  });

  it('a local copy the server has not accepted yet (no version) loses to any server copy', () => {
    expect(isNewer({ version: '1' }, { version: null })).toBe(true);
    expect(isNewer({ version: '1' }, undefined)).toBe(true);
  });

  it('the result does not depend on the order copies arrive in: the highest version of each order wins', () => {
    const arb = fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c'), version: fc.bigInt({ min: 1n, max: 50n }).map(String) }), { maxLength: 30 });
    fc.assert(
      fc.property(arb, (copies) => {
        const forward = mergeByVersion(new Map(), copies);
        const backward = mergeByVersion(new Map(), [...copies].reverse());
        for (const id of ['a', 'b', 'c']) {
          const versions = copies.filter((c) => c.id === id).map((c) => BigInt(c.version));
          const highest = versions.length ? versions.reduce((x, y) => (y > x ? y : x)) : undefined;
          expect(forward.get(id)?.version).toBe(highest?.toString());
          expect(backward.get(id)?.version).toBe(highest?.toString());
        }
      }),
    );
  });
});
