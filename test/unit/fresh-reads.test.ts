import { FakeClock } from '../../server/lib/clock';
import { FreshReads } from '../../server/lib/fresh-reads';

/** FreshReads: what a read of reference data shares, for how long, and what drops it. */
describe('FreshReads', () => {
  const T0 = '2026-12-03T02:00:00Z';
  function counted(maxAgeMs = 1000) {
    const clock = new FakeClock(T0);
    const reads: string[] = [];
    let version = 1;
    const fresh = new FreshReads(
      async (key: string) => {
        reads.push(key);
        return `${key} v${version}`;
      },
      { clock, maxAgeMs },
    );
    return { clock, reads, fresh, bump: () => version++ };
  }

  test('calls for one key within the window share one read, even while it is in flight; another key reads', async () => {
    const { fresh, reads, bump } = counted();
    const [a, b] = await Promise.all([fresh.get('menu'), fresh.get('menu')]);
    bump();
    expect([a, b, await fresh.get('menu')]).toEqual(['menu v1', 'menu v1', 'menu v1']);
    expect(await fresh.get('policies')).toBe('policies v2');
    expect(reads).toEqual(['menu', 'policies']);
  });

  test('an answer is never older than the window: at maxAgeMs it is read again', async () => {
    const { fresh, reads, clock, bump } = counted(1000);
    await fresh.get('menu');
    bump();
    clock.advance(999);
    expect(await fresh.get('menu')).toBe('menu v1');
    clock.advance(1);
    expect(await fresh.get('menu')).toBe('menu v2');
    expect(reads).toEqual(['menu', 'menu']);
  });

  test('a clock moved back trusts nothing it kept', async () => {
    const { fresh, clock, bump } = counted();
    await fresh.get('menu');
    bump();
    clock.advance(-1);
    expect(await fresh.get('menu')).toBe('menu v2');
  });

  test('changed() drops every answer: the next calls read again', async () => {
    const { fresh, reads, bump } = counted();
    await Promise.all([fresh.get('a'), fresh.get('b')]);
    bump();
    fresh.changed();
    expect(fresh.size).toBe(0);
    expect(await Promise.all([fresh.get('a'), fresh.get('b')])).toEqual(['a v2', 'b v2']);
    expect(reads).toEqual(['a', 'b', 'a', 'b']);
  });

  test('a read that fails is not kept; its callers see the error and the next call reads again', async () => {
    const clock = new FakeClock(T0);
    let fail = true;
    const fresh = new FreshReads(
      async (k: string) => {
        if (fail) throw new Error('database gone');
        return k;
      },
      { clock, maxAgeMs: 1000 },
    );
    await expect(Promise.all([fresh.get('x'), fresh.get('x')])).rejects.toThrow('database gone');
    fail = false;
    expect(await fresh.get('x')).toBe('x');
  });

  test('maxAgeMs 0 shares nothing', async () => {
    const { fresh, reads } = counted(0);
    await Promise.all([fresh.get('menu'), fresh.get('menu')]);
    expect(reads).toEqual(['menu', 'menu']);
    expect(fresh.size).toBe(0);
  });

  test('keyOf decides which arguments ask the same', async () => {
    const clock = new FakeClock(T0);
    const reads: number[] = [];
    const fresh = new FreshReads<{ from: string; to: string }, number>(
      async () => reads.push(1),
      { clock, maxAgeMs: 1000 },
      (f) => `${f.from}|${f.to}`,
    );
    await fresh.get({ from: '2026-12-03', to: '2026-12-09' });
    await fresh.get({ from: '2026-12-03', to: '2026-12-09' });
    await fresh.get({ from: '2026-12-04', to: '2026-12-09' });
    expect(reads.length).toBe(2);
  });

  test('answers too old are dropped as new reads come, not kept for ever', async () => {
    const { fresh, clock } = counted();
    await Promise.all(['a', 'b', 'c'].map((k) => fresh.get(k)));
    clock.advance(1000);
    await fresh.get('d');
    expect(fresh.size).toBe(1);
    clock.advance(500);
    await fresh.get('e'); // within the window of the last sweep: d is still fresh, nothing swept
    expect(fresh.size).toBe(2);
  });

  test('memory stays bounded: past 10,000 keys, answers too old are dropped before a new read is kept', async () => {
    const { fresh, clock } = counted();
    for (let i = 0; i < 10_000; i++) await fresh.get(`slot ${i}`);
    expect(fresh.size).toBe(10_000);
    clock.advance(1000);
    await fresh.get('one more');
    expect(fresh.size).toBe(1);
  });
});
