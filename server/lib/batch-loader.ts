/**
 * Coalesces lookups by key made during one turn of the event loop into a single query (the DataLoader pattern,
 * scheduled with setImmediate so that every request read from the sockets in one poll phase shares the batch).
 * Nothing is cached between batches: each answer is as fresh as a plain query issued at that moment.
 *
 * Under light load a batch holds one key and costs what a plain query costs; under heavy load one `IN (…)`
 * query answers hundreds of requests. Never use a loader inside a transaction: it reads outside it.
 */
export class BatchLoader<K, V> {
  private pending = new Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
  private scheduled = false;

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.dispatch());
      }
    });
  }

  private dispatch(): void {
    this.scheduled = false;
    const all = [...this.pending];
    this.pending = new Map();
    for (let i = 0; i < all.length; i += this.maxBatch) void this.run(all.slice(i, i + this.maxBatch));
  }

  private async run(batch: Array<[K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>]>): Promise<void> {
    try {
      const found = await this.loadMany(batch.map(([k]) => k));
      for (const [k, waiters] of batch) for (const w of waiters) w.resolve(found.get(k));
    } catch (err) {
      for (const [, waiters] of batch) for (const w of waiters) w.reject(err);
    }
  }
}

/**
 * One query per distinct argument among the calls made in one event-loop turn: identical concurrent reads (a
 * hundred seniors of one centre asking for today's menu) share a single query. Each distinct argument still gets
 * its own query, started after the turn, so an answer is as fresh as the plain query would have been.
 */
export function sharedReads<A, V>(read: (arg: A) => Promise<V>, keyOf: (arg: A) => string): (arg: A) => Promise<V> {
  const args = new Map<string, A>();
  const loader = new BatchLoader<string, V>(async (keys) => {
    const batch = keys.map((k) => [k, args.get(k)!] as const);
    for (const k of keys) args.delete(k);
    return new Map(await Promise.all(batch.map(async ([k, a]) => [k, await read(a)] as const)));
  });
  return async (arg) => {
    const key = keyOf(arg);
    args.set(key, arg);
    return (await loader.load(key)) as V;
  };
}
