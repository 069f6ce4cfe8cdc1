import type { Clock } from './clock';

/** How long an instance shares a read of reference data (see FreshReads). */
export const REFERENCE_MAX_AGE_MS = 1000;

/** A FreshReads' clock and window, given to the repositories that keep them. */
export interface Freshness {
  clock: Clock;
  /** 0 turns sharing off: every call reads. */
  maxAgeMs: number;
}

/**
 * Reads of data that changes seldom but is read with almost every message: centres, their service items, the
 * slot timetable, menus, subsidy policies. The answer to a read is shared with every call for the same key
 * during `maxAgeMs` after that read started, including calls made while it is still in flight. Under load, a
 * hundred seniors asking for today's menu in the same second then share one query instead of making a hundred.
 *
 * What a caller can count on:
 * - An answer is never older than `maxAgeMs` by the injected clock. If the clock moves back, nothing is trusted.
 * - `changed()` drops every answer kept. An instance calls it after it commits a change to the data, so it always
 *   sees its own writes. Another instance sees them within `maxAgeMs`, as it would see them after a replica's lag.
 * - A read that fails is not kept: the next call reads again.
 * - The values are shared by every caller: read only.
 *
 * Nothing correct depends on these answers being current. A booking still locks and checks its slot, and prices
 * from the policies it reads in its own transaction's turn.
 */
export class FreshReads<A, V> {
  /** Above this many keys, a new read first drops the answers that are too old (a bounded memory). */
  private static readonly SWEEP_AT = 10_000;
  private readonly entries = new Map<unknown, { at: number; value: Promise<V> }>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  /** `keyOf` says which arguments ask the same (by default, equal ones). */
  constructor(
    private readonly read: (arg: A) => Promise<V>,
    private readonly freshness: Freshness,
    private readonly keyOf: (arg: A) => unknown = (arg) => arg,
  ) {}

  get(arg: A): Promise<V> {
    const { maxAgeMs } = this.freshness;
    if (maxAgeMs <= 0) return this.read(arg);
    const key = this.keyOf(arg);
    const now = this.freshness.clock.now().getTime();
    const kept = this.entries.get(key);
    if (kept && isFresh(kept.at, now, maxAgeMs)) return kept.value;
    // Answers too old are dropped at most once a window (and at once past SWEEP_AT keys): what is kept is at most
    // about two windows' worth of reads, however long the instance runs.
    if (this.entries.size >= FreshReads.SWEEP_AT || !isFresh(this.lastSweep, now, maxAgeMs)) this.sweep(now);
    const entry = { at: now, value: this.read(arg) };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Drops every answer kept: call it after committing a change to what it reads. */
  changed(): void {
    this.entries.clear();
  }

  /** How many answers are kept (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, e] of this.entries) if (!isFresh(e.at, now, this.freshness.maxAgeMs)) this.entries.delete(key);
  }
}

function isFresh(at: number, now: number, maxAgeMs: number): boolean {
  return now >= at && now - at < maxAgeMs;
}
