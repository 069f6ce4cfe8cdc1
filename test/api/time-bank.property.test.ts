import fc from 'fast-check';
import { Account, FamilyLink, TimeBankEntry, Volunteer } from '../../entities';
import { actorForAccount } from '../../server/services/access/actor';
import { type AppError } from '../../server/errors';
import { accountNamed, centreNamed, JIAXIN, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// 时间银行: whatever happens in whatever order — a visit credited once or again, hours spent by staff, hours given to
// family — no hour is counted twice: one credit per visit, and the balance is credits − spends − gifts out + gifts in,
// never below zero, as the holder's own page shows it.

type Op = { kind: 'credit'; visit: number } | { kind: 'spend'; minutes: number } | { kind: 'gift'; minutes: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), visit: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('spend' as const), minutes: fc.integer({ min: 1, max: 150 }) }),
  fc.record({ kind: fc.constant('gift' as const), minutes: fc.integer({ min: 1, max: 150 }) }),
);

describeEachDb('the time bank never counts an hour twice', (h) => {
  beforeAll(() => h().clock.set(T0));

  test('credits are once per visit; balance = credits − spends − gifts out + gifts in, never negative', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const staff = actorForAccount(await accountNamed(h(), (await h().services.repos.accounts.staffOf(jiaxin.id))[0].displayName), 'test');
    const wu = await seniorNamed(h(), '吴德明');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        run++;
        const now = h().clock.now();
        const account = await h().db.manager.save(Account, {
          displayName: `志愿者${run}`,
          roles: ['family' as const],
          active: true,
          miniOpenid: `o_tb_${run}_${Date.now()}`,
          createdAt: now,
          updatedAt: now,
        });
        await h().db.manager.save(FamilyLink, {
          seniorId: wu.id,
          familyAccountId: account.id,
          relation: '儿子',
          createdVia: 'staff' as const,
          createdAt: now,
          revokedAt: null,
          revokedByAccountId: null,
        });
        const v = await h().db.manager.save(Volunteer, {
          accountId: account.id,
          name: `志愿者${run}`,
          phone: null,
          centreId: jiaxin.id,
          regionPath: jiaxin.regionPath,
          active: true,
          registeredByAccountId: staff.accountId,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        const me = actorForAccount(account, 'test');
        const wuBefore = (await h().services.timeBank.view(me, 'senior', wu.id)).balanceMinutes;
        const credited = new Set<number>();
        let expected = 0;
        let given = 0;
        for (const o of ops) {
          if (o.kind === 'credit') {
            const visitId = 1_000_000 + run * 10 + o.visit;
            const got = await h().db.transaction((em) => h().services.timeBank.creditVisit(em, v.id, visitId, '张桂英'));
            expect(got).toBe(credited.has(visitId) ? 0 : 60);
            if (!credited.has(visitId)) expected += 60;
            credited.add(visitId);
            continue;
          }
          try {
            if (o.kind === 'spend') await h().services.timeBank.spend(staff, { holderKind: 'volunteer', holderId: v.id, minutes: o.minutes, note: '服务' });
            else await h().services.timeBank.gift(me, { seniorId: wu.id, minutes: o.minutes });
            expected -= o.minutes;
            if (o.kind === 'gift') given += o.minutes;
          } catch (err) {
            // Refused only when there was not enough.
            expect((err as AppError).code).toBe('TIME_BANK_NOT_ENOUGH');
            expect(o.minutes).toBeGreaterThan(expected);
          }
          // `expected` moves only by what the service accepted: below zero means it let an overdraft through.
          expect(expected).toBeGreaterThanOrEqual(0);
        }
        const seenByHolder = await h().services.timeBank.view(me, 'volunteer', v.id);
        expect(seenByHolder.balanceMinutes).toBe(expected);
        const rows = await h().db.manager.findBy(TimeBankEntry, { holderKind: 'volunteer', holderId: v.id });
        const credits = rows.filter((r) => r.kind === 'credit');
        expect(credits.length).toBe(credited.size);
        expect(new Set(credits.map((r) => r.visitId)).size).toBe(credits.length);
        const sum = (k: TimeBankEntry['kind']) => rows.filter((r) => r.kind === k).reduce((a, r) => a + r.minutes, 0);
        expect(sum('credit') - sum('spend') - sum('gift_out') + sum('gift_in')).toBe(expected);
        expect((await h().services.timeBank.view(me, 'senior', wu.id)).balanceMinutes).toBe(wuBefore + given);
      }),
      { numRuns: 15 },
    );
  });
});
