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
