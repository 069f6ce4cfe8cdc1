/**
 * Coalesces writes made during one turn of the event loop into one statement: the write-side twin of BatchLoader.
 * Each caller still gets its own result and waits for its own write to be done; under light load a batch holds
 * one item and costs what a plain statement costs, under heavy load one multi-row statement serves hundreds of
 * requests. The flush must answer every item (same order) or throw, which fails the whole batch: use it only for
 * statements that cannot fail for one row alone (the rows are validated and truncated before they get here).
 */
export class Batcher<I, R> {
  private queue: Array<{ item: I; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

  push(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.dispatch());
      }
    });
  }

  private dispatch(): void {
    this.scheduled = false;
    const all = this.queue;
    this.queue = [];
    for (let i = 0; i < all.length; i += this.maxBatch) void this.run(all.slice(i, i + this.maxBatch));
  }

  private async run(batch: Array<{ item: I; resolve: (r: R) => void; reject: (e: unknown) => void }>): Promise<void> {
    try {
      const results = await this.flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
