import { describe, expect, it } from 'vitest';
import { Batcher } from '../../server/db/batcher.ts';

/** A batch function whose calls the test ends by hand, and which records what each call got. */
function controlledRun() {
  const calls: { inputs: number[]; finish: (outputs?: string[]) => void; fail: (error: Error) => void }[] = [];
  const run = (inputs: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ inputs, finish: (outputs) => resolve(outputs ?? inputs.map((n) => `done ${n}`)), fail: reject });
    });
  return { calls, run };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('sends a call at once while a slot is free; calls arriving meanwhile wait and go together when it ends', async () => {
    const { calls, run } = controlledRun();
    const batcher = new Batcher(run, 1, 50);
    const first = batcher.submit(1);
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1]]);

    const later = [2, 3, 4].map((n) => batcher.submit(n));
    await settle();
    expect(calls).toHaveLength(1);

    calls[0]!.finish();
    expect(await first).toBe('done 1');
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.finish();
    expect(await Promise.all(later)).toEqual(['done 2', 'done 3', 'done 4']);
  });

  it('keeps at most `concurrency` batches under way and at most `maxSize` inputs in one', async () => {
    const { calls, run } = controlledRun();
    const batcher = new Batcher(run, 2, 3);
    const all = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => batcher.submit(n));
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2]]);
    calls[1]!.finish();
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2], [3, 4, 5]]);
    calls[0]!.finish();
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2], [3, 4, 5], [6, 7, 8]]);
    calls[2]!.finish();
    calls[3]!.finish();
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2], [3, 4, 5], [6, 7, 8], [9]]);
    calls[4]!.finish();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `done ${n}`));
  });

  it('a failed batch runs each input again alone: only the bad one fails, with its own error', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher(async (inputs: number[]) => {
      seen.push(inputs);
      if (inputs.includes(13)) throw new Error(`refused ${inputs.join(',')}`);
      return inputs.map((n) => n * 10);
    }, 1, 50);
    const hold = batcher.submit(0);
    const burst = [11, 12, 13, 14].map((n) => batcher.submit(n).then((value) => ({ value }), (error: Error) => ({ error: error.message })));
    expect(await hold).toBe(0);
    expect(await Promise.all(burst)).toEqual([{ value: 110 }, { value: 120 }, { error: 'refused 13' }, { value: 140 }]);
    expect(seen).toEqual([[0], [11, 12, 13, 14], [11], [12], [13], [14]]);
  });

  it('an answer of the wrong length is a failure, not a shifted result', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher(async (inputs: number[]) => {
      seen.push(inputs);
      return inputs.length > 1 ? inputs.slice(1).map(String) : inputs.map(String);
    }, 1, 50);
    const hold = batcher.submit(0);
    const burst = [1, 2, 3].map((n) => batcher.submit(n));
    await hold;
    expect(await Promise.all(burst)).toEqual(['1', '2', '3']);
    expect(seen).toEqual([[0], [1, 2, 3], [1], [2], [3]]);
  });

  it('a failure of a batch of one reaches its caller, and the next calls still go', async () => {
    const { calls, run } = controlledRun();
    const batcher = new Batcher(run, 1, 50);
    const failing = batcher.submit(1);
    const next = batcher.submit(2);
    await settle();
    calls[0]!.fail(new Error('database gone'));
    await expect(failing).rejects.toThrow('database gone');
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2]]);
    calls[1]!.finish();
    expect(await next).toBe('done 2');
  });
});
