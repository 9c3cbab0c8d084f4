/**
 * Group work the way a database groups commits: a call goes at once while fewer than
 * `concurrency` batches are under way; calls arriving meanwhile wait and go together, up to
 * `maxSize`, as soon as one finishes. Light load adds no wait; heavy load pays one round trip
 * and one commit per batch instead of per call (issue 21: order creation).
 *
 * `run` answers one result per input, in order. When a batch of several fails, each of its
 * inputs is run again alone, so one bad input (a refused order) fails only its own caller.
 */
export class Batcher<I, O> {
  private readonly waiting: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly concurrency: number,
    private readonly maxSize: number,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxSize);
      this.running++;
      void this.runBatch(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async runBatch(batch: typeof this.waiting): Promise<void> {
    let outputs: O[];
    try {
      outputs = await this.run(batch.map((item) => item.input));
      if (outputs.length !== batch.length) throw new Error(`batch answered ${outputs.length} results for ${batch.length} inputs`);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((item) => this.runBatch([item])));
      return;
    }
    batch.forEach((item, i) => item.resolve(outputs[i]!));
  }
}
