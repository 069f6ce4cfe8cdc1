import { In } from 'typeorm';
import { BotConversation, WechatInbound, WechatPushClaim } from '../../entities';
import { BatchLoader } from '../../server/lib/batch-loader';
import { Batcher } from '../../server/lib/batcher';
import { describeEachDb, T0 } from '../helpers/harness';

/**
 * The bot's hot path writes in batches (Batcher + EntityRows' multi-row statements). These check, on both
 * databases, that a batch means exactly what the same writes one at a time would have meant.
 */
describeEachDb('batched writes', (h) => {
  const at = new Date(T0);
  const exchange = (key: string, openid: string, reply: string, intent: string, ids: { accountId?: number; seniorId?: number } = {}) => ({
    dedupeKey: key,
    openid,
    msgType: 'text',
    receivedAt: at,
    said: `said ${key}`,
    intent,
    accountId: ids.accountId ?? null,
    seniorId: ids.seniorId ?? null,
    reply,
    handledAt: at,
  });

  test('concurrent claims in one turn: each key is won once, by its first claimer; existing keys are lost', async () => {
    const repo = h().services.repos.wechatInbound;
    expect(await repo.claim('bw:old', at)).toBe(true);
    const results = await Promise.all(['bw:a', 'bw:old', 'bw:b', 'bw:a', 'bw:a'].map((k) => repo.claim(k, at)));
    expect(results).toEqual([true, false, true, false, false]);
    expect(await h().db.manager.countBy(WechatPushClaim, { dedupeKey: In(['bw:old', 'bw:a', 'bw:b']) })).toBe(3);
  });

  test('exchanges recorded together land on their own rows; a key recorded twice keeps the first, a rewrite replaces it', async () => {
    const repo = h().services.repos.wechatInbound;
    await Promise.all([
      repo.record(exchange('bw:r1', 'o_batch_r', '"一"', 'help', { accountId: 7 })),
      repo.record(exchange('bw:r3', 'o_batch_r', '"三"', 'menu', { seniorId: 9 })),
    ]);
    // A second write for a key already there does not fail the writes batched with it.
    await Promise.all([repo.record(exchange('bw:r1', 'o_batch_r', '"again"', 'help')), repo.record(exchange('bw:r2', 'o_batch_r', '"二"', 'bookings'))]);
    const rows = async () =>
      (await h().db.manager.find(WechatInbound, { where: { openid: 'o_batch_r' }, order: { dedupeKey: 'ASC' } })).map((r) => [
        r.dedupeKey,
        r.said,
        r.reply,
        r.intent,
        r.accountId,
        r.seniorId,
        r.handledAt?.toISOString() ?? null,
      ]);
    expect(await rows()).toEqual([
      ['bw:r1', 'said bw:r1', '"一"', 'help', 7, null, T0],
      ['bw:r2', 'said bw:r2', '"二"', 'bookings', null, null, T0],
      ['bw:r3', 'said bw:r3', '"三"', 'menu', null, 9, T0],
    ]);
    await repo.rewrite(exchange('bw:r3', 'o_batch_r', '"sorry"', 'error'));
    expect((await rows())[2]).toEqual(['bw:r3', 'said bw:r3', '"sorry"', 'error', null, null, T0]);
  });

  test('pending steps set together: new rows inserted, existing ones replaced, the later of two writes wins', async () => {
    const repo = h().services.repos.botConversations;
    await repo.set('o_bw_1', { kind: 'menu' }, at, 60_000);
    await Promise.all([
      repo.set('o_bw_1', { kind: 'rate', seniorId: 1, bookingId: 2 }, at, 60_000),
      repo.set('o_bw_2', { kind: 'menu' }, at, 60_000),
      repo.set('o_bw_2', null, at, 60_000),
    ]);
    expect(await repo.pending('o_bw_1', at)).toEqual({ kind: 'rate', seniorId: 1, bookingId: 2 });
    expect(await repo.pending('o_bw_2', at)).toBeNull();
    expect(await h().db.manager.countBy(BotConversation, { openid: 'o_bw_2' })).toBe(1);
    // Expired steps are not pending.
    expect(await repo.pending('o_bw_1', new Date(at.getTime() + 61_000))).toBeNull();
  });
});

describe('Batcher', () => {
  test('writes pushed in one turn are flushed together, each caller getting its own answer', async () => {
    const flushed: number[][] = [];
    const b = new Batcher<number, number>(async (xs) => {
      flushed.push(xs);
      return xs.map((x) => x * 10);
    });
    expect(await Promise.all([b.push(1), b.push(2), b.push(3)])).toEqual([10, 20, 30]);
    expect(await b.push(4)).toBe(40);
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  test('while a flush runs, what is pushed waits and goes out together in the next one, in order', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const b = new Batcher<number, number>(async (xs) => {
      flushed.push(xs);
      if (flushed.length === 1) await new Promise<void>((r) => (release = r));
      return xs;
    });
    const turn = () => new Promise((r) => setImmediate(r));
    const first = b.push(1);
    await turn();
    const later = [b.push(2)];
    await turn();
    later.push(b.push(3));
    await turn();
    expect(flushed).toEqual([[1]]);
    release();
    expect(await first).toBe(1);
    expect(await Promise.all(later)).toEqual([2, 3]);
    expect(flushed).toEqual([[1], [2, 3]]);
  });

  test('a failed flush fails every write of its batch, and only those', async () => {
    let fail = true;
    const b = new Batcher<number, number>(async (xs) => {
      if (fail) throw new Error('database gone');
      return xs;
    });
    const first = [b.push(1), b.push(2)];
    await expect(Promise.all(first)).rejects.toThrow('database gone');
    await expect(first[1]).rejects.toThrow('database gone');
    fail = false;
    expect(await b.push(3)).toBe(3);
  });
});

describe('BatchLoader', () => {
  test('keys asked for in one turn are loaded by one call, each once; every caller gets its own answer', async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader<string, number>(async (keys) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
    });
    expect(await Promise.all(['a', 'bb', 'a', 'missing'].map((k) => loader.load(k)))).toEqual([1, 2, 1, undefined]);
    expect(calls).toEqual([['a', 'bb', 'missing']]);
  });
});
