import { Batcher } from './batcher';

/**
 * Coalesces lookups by key made during one turn of the event loop into a single query (the DataLoader pattern,
 * scheduled with setImmediate so that every request read from the sockets in one poll phase shares the batch).
 * Nothing is cached between batches: each answer is as fresh as a plain query issued at that moment or later.
 * It is a Batcher of keys (the same in-flight limit: lookups made while earlier batches run go out together).
 *
 * Under light load a batch holds one key and costs what a plain query costs; under heavy load one `IN (…)`
 * query answers hundreds of requests. Never use a loader inside a transaction: it reads outside it.
 */
export class BatchLoader<K, V> {
  private readonly keys: Batcher<K, V | undefined>;

  constructor(loadMany: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 500) {
    this.keys = new Batcher(async (keys) => {
      const found = await loadMany([...new Set(keys)]);
      return keys.map((k) => found.get(k));
    }, maxBatch);
  }

  load(key: K): Promise<V | undefined> {
    return this.keys.push(key);
  }
}
