import { AuditLog, Booking, Centre, CLAIMABLE_BOOKING_STATUSES, Settlement, SettlementDiscrepancy, SettlementLine } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling } from '../../server/container';
import { readXlsx, type Cell } from '../../server/lib/spreadsheet';
import type { Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { CANTEEN, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seen, STREET_CENTRE } from '../helpers/actors';
import { describeEachDb } from '../helpers/harness';
import { at, expectMatches, FIGURES, keyed, liveNovember, MONTH, ZUOJIA, type Figures, type Line } from '../helpers/settlement-month';

// The monthly subsidy settlement, end to end on SQLite and MariaDB: November lived through the real API
// (test/helpers/settlement-month.ts); the job on the 1st; the frozen settlement compared line by line with sums
// computed straight from the tables; the xlsx and CSV read back; who may see what; a refund learned of after the
// settlement froze.

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describeEachDb(
  'monthly subsidy settlement',
  (h) => {
    let runner: JobRunner<Services>;
    let november: Awaited<ReturnType<typeof liveNovember>>;

    // Sessions are short for the console (12 h) and the clock moves a month: sign in afresh for each step.
    const wx = (openid: string) => loginWechat(h(), openid);
    const staff = (username: string) => loginConsole(h(), username);

    // A month of bookings, payments and check-ins is some hundred requests: more than jest's 30 s on a busy machine.
    beforeAll(async () => {
      runner = buildScheduling(h().services, { instance: 'test-instance', jobs: JOBS }).runner;
      november = await liveNovember(h);
    }, 120_000);

    const runJob = async (tick: Date) => {
      h().clock.set(tick);
      const r = await runner.run(jobNamed('monthly-settlement')!, tick);
      expect(r.error).toBeNull();
      return r.processed;
    };

    test('the job on the 1st settles last month once; a rerun does nothing', async () => {
      expect(jobNamed('monthly-settlement')).toMatchObject({ schedule: '30 2 1 * *', timezone: 'Asia/Shanghai' });
      const tick = at('2026-12-01', '02:30');
      expect(await runJob(tick)).toBe(1); // one top-level region: 拱墅区
      expect(await runJob(tick)).toBe(0);
      expect(await runJob(at('2026-12-01', '03:00'))).toBe(0);
      const admin = await staff('admin');
      expect(await seen(h(), admin, `/settlements?month=${MONTH}`)).toMatchObject({
        month: MONTH,
        region: { name: '拱墅区' },
        version: 1,
        trigger: 'job',
        generatedAt: tick.toISOString(),
      });
      // Last month only: October, whose last lunch was served on the 31st, is not settled by it.
      expect((await h().http.get('/api/v1/settlements?month=2026-10').set('authorization', admin)).status).toBe(404);
    });

    test('every line and the totals match sums computed straight from bookings, payments and refunds', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const admin = await staff('admin');
      const res = await h().http.get(`/api/v1/settlements?month=${MONTH}`).set('authorization', admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ month: MONTH, region: { name: '拱墅区' }, scope: { name: '拱墅区' }, version: 1, trigger: 'job' });
      await expectMatches(h, res.body, '/');

      // And by hand, so that the comparison above cannot pass on two empty sets.
      const got = keyed(res.body.lines);
      expect(got.get(`${JIAXIN}|高龄老人助餐补贴`)).toMatchObject({
        servedBookings: 3, // 1, 2 (reduced to one portion) and 30 November
        servedPortions: 3,
        priceFen: 4500,
        subsidyFen: 900,
        copayDueFen: 3600,
        copayPaidFen: 1200 + 2700 + 1200,
        copayRefundedFen: 1500,
        copayCollectedFen: 3600,
        refundCount: 1,
        refundFen: 1500,
      });
      expect(got.get(`${JIAXIN}|低保老人助餐补贴`)).toMatchObject({
        servedBookings: 1,
        subsidyFen: 750,
        copayDueFen: 750,
        copayCollectedFen: 750,
        refundCount: 2, // the cancelled dinner (6 元) and October's lunch refunded in November (7.50 元)
        refundFen: 600 + 750,
      });
      expect(got.get(`${ZUOJIA}|特困老人助餐补贴`)).toMatchObject({ servedBookings: 1, subsidyFen: 1500, copayDueFen: 0, copayPaidFen: 0 });
      expect(got.get(`${STREET_CENTRE}|无补贴`)).toMatchObject({
        servedBookings: 1,
        policyId: null,
        subsidyFen: 0,
        copayDueFen: 3000,
        copayCollectedFen: 3000,
      });
      expect(got.get(`${CANTEEN}|高龄老人助餐补贴`)).toMatchObject({ servedBookings: 1, subsidyFen: 300, copayCollectedFen: 1100 });
      expect(got.has(`${ZUOJIA}|米市巷街道低收入老人午餐补贴`)).toBe(false); // the no-show
      expect(res.body.totals).toMatchObject({ servedBookings: 12, subsidyFen: 900 + 750 + 1500 + 300 + 300 + 300 + 300, refundCount: 3 });
      // price = subsidy + co-payment due, on every line.
      for (const l of res.body.lines as Line[]) expect(l.priceFen).toBe(l.subsidyFen + l.copayDueFen);
      // The claim is the served bookings' subsidy, to the fen.
      const served = (await h().db.manager.find(Booking)).filter((b) => CLAIMABLE_BOOKING_STATUSES.includes(b.status) && b.serviceDate.startsWith(MONTH));
      expect(res.body.totals.subsidyFen).toBe(served.reduce((t, b) => t + b.subsidyFen, 0));

      // 现场付 at the canteen, counted apart from WeChat Pay; the lunch two yuan short flags its line and is listed.
      const counter = got.get(`${CANTEEN}|无补贴`)!;
      expect(counter).toMatchObject({
        servedBookings: 2,
        copayDueFen: 2800,
        copayPaidFen: 0,
        copayCounterFen: 2600,
        copayCollectedFen: 2600,
        reconciled: false,
        unreconciledBookings: 1,
      });
      expect(counter.unreconciled).toEqual([
        expect.objectContaining({
          bookingId: november.counterShort,
          serviceDate: '2026-11-02',
          copayDueFen: 1400,
          counterFen: 1200,
          collectedFen: 1200,
          differenceFen: -200,
        }),
      ]);
      // 卖鱼桥: the abnormal refund paid back by bank transfer reconciles; the dinner whose refund is still to be
      // retried does not (12 元 held that should go back).
      const maiyuqiao = got.get(`${MAIYUQIAO}|高龄老人助餐补贴`)!;
      expect(maiyuqiao).toMatchObject({ servedBookings: 3, copayDueFen: 3300, copayRefundedOfflineFen: 1500, reconciled: false, unreconciledBookings: 1 });
      expect(maiyuqiao.unreconciled).toEqual([expect.objectContaining({ bookingId: november.stillRefunding, refundingFen: 1200, differenceFen: 1200 })]);
      expect(got.get(`${JIAXIN}|高龄老人助餐补贴`)).toMatchObject({ reconciled: true, unreconciled: [], unreconciledBookings: 0 });
      expect(res.body.totals.unreconciledBookings).toBe(2);
      const stored = await h().db.manager.findBy(SettlementDiscrepancy, { settlementId: res.body.id });
      expect(stored.map((d) => d.bookingId).sort()).toEqual([november.counterShort, november.stillRefunding].sort());
    });

    test('the xlsx and the CSV carry the same numbers, in yuan, with Chinese headers', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const admin = await staff('admin');
      const json = (await h().http.get(`/api/v1/settlements?month=${MONTH}`).set('authorization', admin).expect(200)).body as {
        lines: Line[];
        totals: Figures;
      };
      const inFile = FIGURES.filter((k) => k !== 'unreconciledBookings');
      const check = (ok: boolean, n: number) => (ok ? '相符' : `不符：${n} 个预约`);
      const rows: Cell[][] = [
        ...json.lines.map((l) => [l.centreName, l.policyName, ...inFile.map((k) => l[k]), check(l.reconciled, l.unreconciledBookings)]),
        [
          '合计',
          '',
          ...inFile.map((k) => json.totals[k]),
          check(
            json.lines.every((l) => l.reconciled),
            json.totals.unreconciledBookings,
          ),
        ],
      ];
      const headers = [
        '站点',
        '补贴政策',
        '服务人次',
        '服务份数',
        '服务金额(元)',
        '补贴金额(元)',
        '应付自付(元)',
        '微信实付(元)',
        '现场收取(元)',
        '已退自付(元)',
        '线下退回(元)',
        '个人自付(元)',
        '本月退款笔数',
        '退款(元)',
        '自付核对',
      ];
      const money = new Set([4, 5, 6, 7, 8, 9, 10, 11, 13]);

      const xlsx = await h()
        .http.get(`/api/v1/settlements/${MONTH}.xlsx`)
        .set('authorization', admin)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(xlsx.headers['content-disposition']).toBe(
        `attachment; filename="settlement-${MONTH}.xlsx"; filename*=UTF-8''${encodeURIComponent(`拱墅区-${MONTH}-补贴结算.xlsx`)}`,
      );
      const sheets = await readXlsx(xlsx.body as Buffer);
      const sheet = sheets.get('补贴结算')!;
      expect(sheet[0]).toEqual(headers);
      expect(sheet.length).toBe(rows.length + 1);
      sheet.slice(1).forEach((r, i) => {
        expect(r.slice(0, 2)).toEqual(rows[i].slice(0, 2).map(String));
        // Money cells are numbers in yuan (summable in Excel); back to fen they are exactly the JSON's.
        for (let c = 2; c < headers.length; c++) expect(money.has(c) ? Math.round((r[c] as number) * 100) : r[c]).toBe(rows[i][c]);
      });
      expect(sheets.get('说明')![0][0]).toBe('拱墅区2026年11月助老服务补贴结算');
      // The bookings behind the flagged lines, one row each, with what was due and what came in and went out.
      const behind = sheets.get('自付不符明细')!;
      expect(behind[0]).toEqual([
        '站点',
        '补贴政策',
        '预约码',
        '服务日期',
        '应付自付(元)',
        '微信实付(元)',
        '现场收取(元)',
        '已退自付(元)',
        '线下退回(元)',
        '退款未完成(元)',
        '个人自付(元)',
        '差额(元)',
      ]);
      const listed = json.lines.flatMap((l) =>
        l.unreconciled.map((u) => [l.centreName, l.policyName, u.bookingCode, u.serviceDate, Number(yuan(u.differenceFen))]),
      );
      expect(behind.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[11]])).toEqual(listed);
      expect(listed).toHaveLength(2);

      const csv = await h()
        .http.get(`/api/v1/settlements/${MONTH}.csv`)
        .set('authorization', admin)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`拱墅区-${MONTH}-补贴结算.csv`)}`);
      const bytes = csv.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs to read UTF-8
      const text = bytes.subarray(3).toString('utf8');
      expect(text.endsWith('\r\n')).toBe(true);
      const records = text
        .slice(0, -2)
        .split('\r\n')
        .map((l) => l.split(','));
      expect(records[0]).toEqual(headers);
      expect(records.slice(1)).toEqual(rows.map((r) => r.map((v, c) => (money.has(c) ? yuan(v as number) : String(v)))));
    });

    test('who may see it: administrators only, each their own street; only the district (re)generates', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const get = (auth: string) => h().http.get(`/api/v1/settlements?month=${MONTH}`).set('authorization', auth);
      expect((await h().http.get(`/api/v1/settlements?month=${MONTH}`)).status).toBe(401);
      const family = await get(await wx('o_family_01'));
      expect(family.status).toBe(403);
      expect(family.body.error.code).toBe('SETTLEMENT_VIEW_NOT_ALLOWED');
      expect((await get(await staff('staff-jiaxin'))).status).toBe(403);
      expect(
        (
          await h()
            .http.get(`/api/v1/settlements/${MONTH}.csv`)
            .set('authorization', await staff('staff-jiaxin'))
        ).status,
      ).toBe(403);

      const street = await get(await staff('admin-mishixiang'));
      expect(street.status).toBe(200);
      expect(street.body.scope.name).toBe('米市巷街道');
      const names = new Set((street.body.lines as Line[]).map((l) => l.centreName));
      expect(names).toEqual(new Set([JIAXIN, ZUOJIA, STREET_CENTRE]));
      const mishixiang = (await h().db.manager.findOneByOrFail(Centre, { name: STREET_CENTRE })).regionPath;
      await expectMatches(h, street.body, mishixiang);

      const other = await get(await staff('admin-hushu'));
      expect(new Set((other.body.lines as Line[]).map((l) => l.centreName))).toEqual(new Set([MAIYUQIAO, CANTEEN]));
      const csv = await h()
        .http.get(`/api/v1/settlements/${MONTH}.csv`)
        .set('authorization', await staff('admin-hushu'));
      expect(csv.headers['content-disposition']).toContain(encodeURIComponent(`湖墅街道-${MONTH}-补贴结算.csv`));
      expect(csv.text).toContain(MAIYUQIAO);
      expect(csv.text).not.toContain(JIAXIN);

      const streetPost = await h()
        .http.post('/api/v1/settlements')
        .set('authorization', await staff('admin-mishixiang'))
        .send({ month: MONTH, regenerate: true });
      expect(streetPost.status).toBe(403);
      expect(
        (
          await h()
            .http.post('/api/v1/settlements')
            .set('authorization', await staff('staff-jiaxin'))
            .send({ month: MONTH })
        ).status,
      ).toBe(403);
    });

    test('bad or unsettled months: VALIDATION_FAILED naming the field, MONTH_NOT_ENDED / MONTH_IN_FUTURE, or SETTLEMENT_NOT_FOUND', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const admin = await staff('admin');
      for (const q of ['month=2026-13', 'month=2026-1', 'month=abc', '']) {
        const res = await h().http.get(`/api/v1/settlements?${q}`).set('authorization', admin);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { month: expect.any(String) } } });
      }
      for (const [month, code] of [
        ['2026-12', 'MONTH_NOT_ENDED'],
        ['2027-01', 'MONTH_IN_FUTURE'],
      ]) {
        const res = await h().http.post('/api/v1/settlements').set('authorization', admin).send({ month });
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({ code, details: { fields: { month: expect.any(String) } } });
      }
      expect((await h().http.get('/api/v1/settlements/2026-13.xlsx').set('authorization', admin)).status).toBe(400);
      const bad = await h().http.post('/api/v1/settlements').set('authorization', admin).send({ month: MONTH, regenerate: 'yes' });
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { regenerate: expect.any(String) } } });
      const none = await h().http.get('/api/v1/settlements?month=2026-09').set('authorization', admin);
      expect(none.status).toBe(404);
      expect(none.body.error).toMatchObject({ code: 'SETTLEMENT_NOT_FOUND', message: '这个月的补贴结算还没有生成' });
    });

    test('a refund learned of after the settlement froze changes nothing until an administrator regenerates', async () => {
      const admin = async () => staff('admin');
      const before = (
        await h()
          .http.get(`/api/v1/settlements?month=${MONTH}`)
          .set('authorization', await admin())
          .expect(200)
      ).body;
      const maiyuqiaoLine = (body: { lines: Line[] }) => keyed(body.lines).get(`${MAIYUQIAO}|高龄老人助餐补贴`)!;
      expect(maiyuqiaoLine(before)).toMatchObject({ refundCount: 0, refundFen: 0 });

      // Reconciliation asks WeChat Pay about the quiet refund: it succeeded at 23:58 on 30 November.
      h().clock.set(at('2026-12-01', '10:00'));
      expect((await h().services.payments.reconcile()).refundsQueried).toBe(1);
      const { refunds } = await seen(h(), await wx('o_family_04'), `/bookings/${november.lateRefund}/payments`);
      expect(refunds).toEqual([expect.objectContaining({ status: 'success', succeededAt: at('2026-11-30', '23:58').toISOString() })]);

      const frozen = (
        await h()
          .http.get(`/api/v1/settlements?month=${MONTH}`)
          .set('authorization', await admin())
          .expect(200)
      ).body;
      expect(frozen).toEqual(before);
      const again = await h()
        .http.post('/api/v1/settlements')
        .set('authorization', await admin())
        .send({ month: MONTH });
      expect(again.status).toBe(200); // exists: returned as it is
      expect(again.body).toEqual(before);

      h().clock.set(at('2026-12-01', '10:30'));
      const regenerated = await h()
        .http.post('/api/v1/settlements')
        .set('authorization', await admin())
        .send({ month: MONTH, regenerate: true });
      expect(regenerated.status).toBe(200);
      expect(regenerated.body).toMatchObject({ version: 2, trigger: 'admin', generatedAt: at('2026-12-01', '10:30').toISOString() });
      expect(maiyuqiaoLine(regenerated.body)).toMatchObject({ refundCount: 1, refundFen: 1200 });
      // Reconciliation also retried the dinner's failed refund: that line's money adds up now.
      expect(maiyuqiaoLine(regenerated.body)).toMatchObject({ reconciled: true, unreconciledBookings: 0, unreconciled: [] });
      expect(maiyuqiaoLine(before)).toMatchObject({ reconciled: false });
      await expectMatches(h, regenerated.body, '/');
      expect(regenerated.body.totals.subsidyFen).toBe(before.totals.subsidyFen);
      expect(await h().db.manager.count(Settlement)).toBe(1);
      const settlementId = regenerated.body.id as number;
      expect(await h().db.manager.countBy(SettlementLine, { settlementId })).toBe(regenerated.body.lines.length);
      const log = await h().db.manager.find(AuditLog, { where: { entityType: 'settlement', entityId: settlementId }, order: { id: 'ASC' } });
      expect(log.map((l) => [l.action, l.actorRole, l.detail.version])).toEqual([
        ['settlement.generate', 'system', 1],
        ['settlement.regenerate', 'admin', 2],
      ]);

      // The job on a later 1st settles December, and leaves November alone.
      expect(await runJob(at('2027-01-01', '02:30'))).toBe(1);
      const settled = async (month: string) => seen(h(), await admin(), `/settlements?month=${month}`);
      expect(await settled(MONTH)).toMatchObject({ version: 2, trigger: 'admin' });
      const december = await settled('2026-12');
      expect(december).toMatchObject({ version: 1, trigger: 'job' });
      // 1 December's lunch was booked and paid but never served: neither month's claim. December has only the
      // dinner's refund that reconciliation retried on 1 December: money back that month, nothing claimed.
      expect((await seen(h(), await wx('o_family_01'), `/bookings/${november.dec1}`)).status).toBe('pending_confirmation');
      expect(december.lines).toEqual([
        expect.objectContaining({ centreName: MAIYUQIAO, servedBookings: 0, subsidyFen: 0, refundCount: 1, refundFen: 1200, reconciled: true }),
      ]);
      expect(
        (
          await h()
            .http.get('/api/v1/settlements?month=2026-10')
            .set('authorization', await admin())
        ).status,
      ).toBe(404);
    });

    test('two administrators generating the same month at once make one settlement', async () => {
      h().clock.set(at('2027-01-02', '09:00'));
      const post = async () =>
        h()
          .http.post('/api/v1/settlements')
          .set('authorization', await staff('admin'))
          .send({ month: '2026-10' });
      const answers = await Promise.all([post(), post(), post()]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await h().db.manager.countBy(Settlement, { month: '2026-10' })).toBe(1);
      // October: the lunch served on the 31st; its subsidy is October's claim, not November's.
      expect(answers[0].body.totals).toMatchObject({ servedBookings: 1, subsidyFen: 300 });
      expect(await h().db.manager.countBy(SettlementLine, { settlementId: answers[0].body.id })).toBe(answers[0].body.lines.length);
    });
  },
  { seed: false },
);
