/**
 * Coalesces writes made during one turn of the event loop into one statement: the write-side twin of BatchLoader.
 * Each caller still gets its own result and waits for its own write to be done; under light load a batch holds
 * one item and costs what a plain statement costs, under heavy load one multi-row statement serves hundreds of
 * requests. The flush must answer every item (same order) or throw, which fails the whole batch: use it only for
 * statements that cannot fail for one row alone (the rows are validated and truncated before they get here).
 *
 * One flush runs at a time; what is pushed meanwhile waits for the next one. Without that limit
 * batches fall apart exactly when the database is busiest: answers come back one at a time, each request's next
 * lookup goes out alone, and the statement count (and the database's load) grows with the load — bench:bot with
 * 4 pooled connections sent 7.9 statements per message (1,070 msgs/s) instead of 0.67 (4,300 msgs/s) with the
 * limit. With it, a batch holds whatever arrived while the previous one ran: a busy database gets fewer, larger
 * statements, and a write pushed after another of the same Batcher is also written after it.
 */
export class Batcher<I, R> {
  private queue: Array<{ item: I; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private flushing = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

  push(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing || this.queue.length === 0) return;
    this.scheduled = true;
    // Wait for the rest of this event-loop turn: what every request read from the sockets together pushes.
    setImmediate(() => this.dispatch());
  }

  private dispatch(): void {
    this.scheduled = false;
    this.flushing = true;
    void this.run(this.queue.splice(0, this.maxBatch)).finally(() => {
      this.flushing = false;
      this.schedule();
    });
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
