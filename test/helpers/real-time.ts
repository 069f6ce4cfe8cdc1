/** Real timers, taken when this module loads, before any test fakes them. */
const realTimers = { setTimeout, clearTimeout };

/**
 * What `p` settles to, or null when it has not within `ms` of real time: a guard for tests that fake timers, so
 * that a broken expectation fails the test instead of leaving it (and the suite's teardown) waiting for ever.
 */
export async function withinRealTime<T>(ms: number, p: Promise<T>): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<null>((resolve) => (timer = realTimers.setTimeout(() => resolve(null), ms)))]);
  } finally {
    realTimers.clearTimeout(timer);
  }
}
