import { Booking, EmergencyAlert, Rating, type BookingStatus, type Centre, type Senior, type ServiceKind } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling, type Services } from '../../server/container';
import { shanghaiInstant } from '../../server/lib/time';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { CANTEEN, centreNamed, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seniorNamed, STREET_CENTRE } from '../helpers/actors';
import { describeEachDb, T0, type Harness } from '../helpers/harness';

/**
 * The dashboards and budgets, on SQLite and MariaDB, against a small fixture built by hand (the demo seeds no
 * bookings): every expected figure below is worked out on paper from the table in `buildFixture`. Today is
 * Tuesday 1 December 2026. Centres: 嘉新 (J) and the street centre (S) in 米市巷街道; 卖鱼桥 (M) and the canteen
 * (C) in 湖墅街道. The figures are read live first, then from the roll-up the dashboard-rollup job makes.
 */

interface People {
  zhang: Senior; // 张桂英: 86, 独居, ability level 1, lives in 嘉新社区 (米市巷)
  li: Senior; // 李建国: 76, 低保, level 0, 嘉新社区
  wang: Senior; // 王秀英: 88, 特困 + 独居, level 3, 左家新村社区 (米市巷)
  chen: Senior; // 陈阿毛: 68, no category, level 0, 卖鱼桥社区 (湖墅)
  zhou: Senior; // 周玉兰: 82, 低收入 + 空巢, level 2, 信义坊社区 (湖墅)
}

let codes = 0;
async function booking(h: Harness, c: Centre, s: Senior, serviceDate: string, kind: ServiceKind, status: BookingStatus, quantity: number, subsidyFen: number) {
  const at = shanghaiInstant(serviceDate, '08:00');
  const price = (kind === 'bath' ? 3000 : 1500) * quantity;
  const r = await h.db.manager.insert(Booking, {
    code: `DB${String(++codes).padStart(6, '0')}${h.kind[0]}`,
    seniorId: s.id,
    slotId: 1,
    serviceItemId: 1,
    centreId: c.id,
    category: kind === 'bath' ? 'bath' : 'meal',
    kind,
    serviceDate,
    bookedByAccountId: 1,
    bookedBy: 'family',
    channel: 'miniprogram',
    idempotencyKey: null,
    requestHash: null,
    quantity,
    unitPriceFen: price / quantity,
    priceFen: price,
    subsidyFen,
    copayFen: price - subsidyFen,
    subsidisedQuantity: subsidyFen > 0 ? quantity : 0,
    subsidyPolicyId: null,
    subsidyReason: '',
    status,
    deliveryMode: kind === 'bath' ? 'at_centre' : 'dine_in',
    note: '',
    createdAt: at,
    updatedAt: at,
    paymentDueAt: null,
    paidAt: null,
    confirmedAt: null,
    confirmedByAccountId: null,
    closedAt: null,
    closedByAccountId: null,
    closeReason: '',
    servedAt: status === 'served' || status === 'rated' ? at : null,
    servedByAccountId: null,
  });
  return Number(r.identifiers[0].id);
}

async function rating(h: Harness, bookingId: number, c: Centre, s: Senior, score: number) {
  await h.db.manager.insert(Rating, { bookingId, seniorId: s.id, centreId: c.id, accountId: 1, score, comment: '', createdAt: new Date(T0) });
}

async function alert(h: Harness, s: Senior, c: Centre, date: string, time: string, ackAfterSeconds: number | null) {
  const at = shanghaiInstant(date, time);
  const ack = ackAfterSeconds === null ? null : new Date(at.getTime() + ackAfterSeconds * 1000);
  await h.db.manager.insert(EmergencyAlert, {
    seniorId: s.id,
    centreId: c.id,
    raisedByAccountId: 1,
    channel: 'mp_chat',
    message: '救命',
    status: ack ? 'acknowledged' : 'open',
    escalationLevel: 0,
    lastEscalatedAt: at,
    acknowledgedByAccountId: ack ? 1 : null,
    acknowledgedAt: ack,
    resolvedAt: null,
    resolution: '',
    createdAt: at,
  });
}

/**
 *  #   centre date   kind    status           portions subsidy  rating
 *  1   J      11-29  lunch   served           1        300
 *  2   J      11-29  lunch   rated            2        600      5   (李建国)
 *  3   J      11-29  lunch   no_show          1        300          (王秀英)
 *  4   J      11-29  lunch   cancelled        1        0            (陈阿毛)
 *  5   J      11-29  dinner  served           1        200
 *  6   J      11-30  lunch   rated            1        300      4
 *  7   S      11-30  bath    served           1        1500         (周玉兰)
 *  8   M      11-29  lunch   rated            1        0        3   (陈阿毛)
 *  9   M      11-30  lunch   expired          1        0
 * 10   M      12-01  lunch   confirmed        1        300          (陈阿毛)
 * 11   M      12-01  lunch   served           1        300          (周玉兰)
 * 12   J      12-01  lunch   pending_payment  1        300
 * 13   C      12-02  lunch   confirmed        1        400
 * 14   J      11-15  lunch   served           1        300          (李建国)
 * (张桂英 where no one is named.) Alerts: 张桂英 at J 11-29 10:00 acknowledged after 90 s; 陈阿毛 at M 11-29 20:00
 * after 300 s; 王秀英 at 左家新村 11-30 09:00 never; 李建国 at J 11-20 after 30 s.
 */
async function buildFixture(h: Harness, p: People) {
  const [j, s, m, c, zuojia] = await Promise.all([
    centreNamed(h, JIAXIN),
    centreNamed(h, STREET_CENTRE),
    centreNamed(h, MAIYUQIAO),
    centreNamed(h, CANTEEN),
    centreNamed(h, '左家新村睦邻点'),
  ]);
  await booking(h, j, p.zhang, '2026-11-29', 'lunch', 'served', 1, 300);
  await rating(h, await booking(h, j, p.li, '2026-11-29', 'lunch', 'rated', 2, 600), j, p.li, 5);
  await booking(h, j, p.wang, '2026-11-29', 'lunch', 'no_show', 1, 300);
  await booking(h, j, p.chen, '2026-11-29', 'lunch', 'cancelled', 1, 0);
  await booking(h, j, p.zhang, '2026-11-29', 'dinner', 'served', 1, 200);
  await rating(h, await booking(h, j, p.zhang, '2026-11-30', 'lunch', 'rated', 1, 300), j, p.zhang, 4);
  await booking(h, s, p.zhou, '2026-11-30', 'bath', 'served', 1, 1500);
  await rating(h, await booking(h, m, p.chen, '2026-11-29', 'lunch', 'rated', 1, 0), m, p.chen, 3);
  await booking(h, m, p.chen, '2026-11-30', 'lunch', 'expired', 1, 0);
  await booking(h, m, p.chen, '2026-12-01', 'lunch', 'confirmed', 1, 300);
  await booking(h, m, p.zhou, '2026-12-01', 'lunch', 'served', 1, 300);
  await booking(h, j, p.zhang, '2026-12-01', 'lunch', 'pending_payment', 1, 300);
  await booking(h, c, p.chen, '2026-12-02', 'lunch', 'confirmed', 1, 400);
  await booking(h, j, p.li, '2026-11-15', 'lunch', 'served', 1, 300);
  await alert(h, p.zhang, j, '2026-11-29', '10:00', 90);
  await alert(h, p.chen, m, '2026-11-29', '20:00', 300);
  await alert(h, p.wang, zuojia, '2026-11-30', '09:00', null);
  await alert(h, p.li, j, '2026-11-20', '08:00', 30);
  return { j, s, m, c };
}

describeEachDb('dashboards and budgets', (h) => {
  let centres: { j: Centre; s: Centre; m: Centre; c: Centre };
  let runner: JobRunner<Services>;
  let admin: string;
  let street: string;
  let staff: string;

  beforeAll(async () => {
    const p: People = {
      zhang: await seniorNamed(h(), '张桂英'),
      li: await seniorNamed(h(), '李建国'),
      wang: await seniorNamed(h(), '王秀英'),
      chen: await seniorNamed(h(), '陈阿毛'),
      zhou: await seniorNamed(h(), '周玉兰'),
    };
    centres = await buildFixture(h(), p);
    runner = buildScheduling(h().services, { instance: 'dashboard-test', jobs: JOBS }).runner;
    admin = await loginConsole(h(), 'admin');
    street = await loginConsole(h(), 'admin-mishixiang');
    staff = await loginConsole(h(), 'staff-jiaxin');
  });
  beforeEach(() => h().clock.set(T0));

  const get = (path: string, auth: string) => h().http.get(`/api/v1${path}`).set('authorization', auth);
  const RANGE = 'from=2026-11-28&to=2026-12-01';
  const DATES = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'];

  /** The figures that must read the same live and from the roll-up. */
  async function allFigures() {
    return {
      meals: (await get(`/dashboard/meals?${RANGE}`, admin).expect(200)).body,
      november: (await get('/dashboard/subsidy?month=2026-11', admin).expect(200)).body,
      december: (await get('/dashboard/subsidy', admin).expect(200)).body,
      seniors: (await get('/dashboard/seniors?from=2026-11&to=2026-12', admin).expect(200)).body,
      ratings: (await get(`/dashboard/ratings?${RANGE}&interval=day`, admin).expect(200)).body,
      weeklyRatings: (await get(`/dashboard/ratings?${RANGE}`, admin).expect(200)).body,
      monthlyRatings: (await get(`/dashboard/ratings?from=2026-11-01&to=2026-12-01&interval=month`, staff).expect(200)).body,
      staffMeals: (await get(`/dashboard/meals?${RANGE}`, staff).expect(200)).body,
    };
  }

  test('meals booked and served per centre per day, and the served rate of the days that ended (district)', async () => {
    const res = await get(`/dashboard/meals?${RANGE}`, admin).expect(200);
    expect(res.body).toMatchObject({ scope: { kind: 'region', name: '拱墅区' }, from: '2026-11-28', to: '2026-12-01', dates: DATES, rolledUpThrough: null });
    expect(res.body.centres).toEqual([
      { centreId: centres.j.id, name: JIAXIN, booked: [0, 5, 1, 1], served: [0, 4, 1, 0], servedRate: [null, 0.8, 1, null] },
      { centreId: centres.m.id, name: MAIYUQIAO, booked: [0, 1, 0, 2], served: [0, 1, 0, 1], servedRate: [null, 1, null, null] },
    ]);
    expect(res.body.total).toEqual({ booked: [0, 6, 1, 3], served: [0, 5, 1, 1], servedRate: [null, 0.8333, 1, null] });
    expect(res.body.summary).toEqual({ booked: 10, served: 7, servedRate: 0.8571 });
  });

  test('each sees their own scope: the street its centres, the staff their centre; outside it is 403', async () => {
    const streetMeals = await get(`/dashboard/meals?${RANGE}`, street).expect(200);
    expect(streetMeals.body.scope).toMatchObject({ kind: 'region', name: '米市巷街道' });
    expect(streetMeals.body.centres.map((c: { centreId: number }) => c.centreId)).toEqual([centres.j.id]);
    const staffMeals = await get(`/dashboard/meals?${RANGE}`, staff).expect(200);
    expect(staffMeals.body.scope).toEqual({ kind: 'centre', id: centres.j.id, name: JIAXIN });
    expect(staffMeals.body.total).toEqual({ booked: [0, 5, 1, 1], served: [0, 4, 1, 0], servedRate: [null, 0.8, 1, null] });
    // A district administrator may narrow to one centre; a street one may not look across.
    const narrowed = await get(`/dashboard/meals?${RANGE}&centreId=${centres.m.id}`, admin).expect(200);
    expect(narrowed.body.total.booked).toEqual([0, 1, 0, 2]);

    const hushu = await loginConsole(h(), 'admin-hushu');
    const family = await loginWechat(h(), 'o_family_01');
    for (const [path, auth, code] of [
      [`/dashboard/meals?centreId=${centres.j.id}`, hushu, 'DASHBOARD_SCOPE_NOT_ALLOWED'],
      [`/dashboard/meals?centreId=${centres.m.id}`, staff, 'DASHBOARD_SCOPE_NOT_ALLOWED'],
      ['/dashboard/subsidy?regionId=' + centres.j.regionId, hushu, 'DASHBOARD_SCOPE_NOT_ALLOWED'],
      ['/dashboard/meals', family, 'DASHBOARD_NOT_ALLOWED'],
      ['/dashboard/seniors', family, 'DASHBOARD_NOT_ALLOWED'],
      ['/dashboard/ratings', family, 'DASHBOARD_NOT_ALLOWED'],
      ['/dashboard/emergencies', family, 'DASHBOARD_NOT_ALLOWED'],
      ['/dashboard/subsidy', family, 'DASHBOARD_NOT_ALLOWED'],
    ] as const) {
      const res = await get(path, auth).expect(403);
      expect(res.body.error.code).toBe(code);
    }
  });

  test("budgets: an administrator sets one per region and month; the subsidy dashboard sets this month's spending against it", async () => {
    const district = await h()
      .http.post('/api/v1/budgets')
      .set('authorization', admin)
      .send({ regionId: Number(regionOf(centres.j, 1)), month: '2026-11', amountFen: 10_000 })
      .expect(201);
    expect(district.body).toMatchObject({ regionName: '拱墅区', month: '2026-11', amountFen: 10_000, version: 1 });
    const streetBudget = await h()
      .http.post('/api/v1/budgets')
      .set('authorization', street)
      .send({ regionId: Number(regionOf(centres.j, 2)), month: '2026-11', amountFen: 5_000, note: '街道配套' })
      .expect(201);
    expect(streetBudget.body).toMatchObject({ regionName: '米市巷街道', note: '街道配套' });
    const dup = await h()
      .http.post('/api/v1/budgets')
      .set('authorization', admin)
      .send({ regionId: Number(regionOf(centres.j, 1)), month: '2026-11', amountFen: 1 })
      .expect(409);
    expect(dup.body.error.code).toBe('BUDGET_EXISTS');

    // November: J 300 + 600 + 200 + 300 + 300 (the 15th) = 1,700 on meals; S 1,500 on a bath; M nothing subsidised.
    const nov = await get('/dashboard/subsidy?month=2026-11', admin).expect(200);
    expect(nov.body).toMatchObject({
      month: '2026-11',
      budget: { id: district.body.id, amountFen: 10_000, version: 1 },
      spentFen: 3_200,
      committedFen: 0,
      remainingFen: 6_800,
      usedRate: 0.32,
    });
    expect(nov.body.dates).toHaveLength(30);
    expect(nov.body.cumulativeSpentFen[13]).toBe(0); // the 14th
    expect(nov.body.cumulativeSpentFen[14]).toBe(300); // the 15th
    expect(nov.body.cumulativeSpentFen.slice(27)).toEqual([300, 1_400, 3_200]);
    expect(nov.body.byCategory).toEqual([
      { category: 'meal', spentFen: 1_700, committedFen: 0 },
      { category: 'bath', spentFen: 1_500, committedFen: 0 },
      { category: 'home_visit', spentFen: 0, committedFen: 0 },
    ]);
    expect(nov.body.byRegion.map((r: object) => r)).toEqual([
      { regionId: Number(regionOf(centres.j, 2)), name: '米市巷街道', budgetFen: 5_000, spentFen: 3_200, committedFen: 0 },
      { regionId: Number(regionOf(centres.m, 2)), name: '湖墅街道', budgetFen: null, spentFen: 0, committedFen: 0 },
    ]);
    expect(nov.body.byCentre.find((c: { centreId: number }) => c.centreId === centres.s.id)).toMatchObject({ spentFen: 1_500 });

    // December so far (the default): M served 300 today; open bookings commit 300 (M) + 300 (J, unpaid) + 400 (C, tomorrow).
    const dec = await get('/dashboard/subsidy', admin).expect(200);
    expect(dec.body).toMatchObject({
      month: '2026-12',
      budget: null,
      spentFen: 300,
      committedFen: 1_000,
      remainingFen: null,
      dates: ['2026-12-01'],
      cumulativeSpentFen: [300],
    });
    // Staff see their centre's figures, without a budget.
    const mine = await get('/dashboard/subsidy?month=2026-11', staff).expect(200);
    expect(mine.body).toMatchObject({ scope: { kind: 'centre', id: centres.j.id }, budget: null, spentFen: 1_700, byRegion: [] });

    // Editing: the version read, or 409.
    const edited = await h().http.put(`/api/v1/budgets/${district.body.id}`).set('authorization', admin).send({ amountFen: 12_000, version: 1 }).expect(200);
    expect(edited.body).toMatchObject({ amountFen: 12_000, version: 2 });
    const stale = await h().http.put(`/api/v1/budgets/${district.body.id}`).set('authorization', admin).send({ amountFen: 9_000, version: 1 }).expect(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    expect((await get('/dashboard/subsidy?month=2026-11', admin).expect(200)).body).toMatchObject({ remainingFen: 8_800, usedRate: 0.2667 });

    // Who may: not staff; a street administrator neither for the district nor for another street.
    const hushu = await loginConsole(h(), 'admin-hushu');
    const body = { regionId: Number(regionOf(centres.j, 2)), month: '2026-12', amountFen: 1 };
    expect((await h().http.post('/api/v1/budgets').set('authorization', staff).send(body).expect(403)).body.error.code).toBe('BUDGET_ADMIN_ONLY');
    expect((await h().http.post('/api/v1/budgets').set('authorization', hushu).send(body).expect(403)).body.error.code).toBe('BUDGET_REGION_OUT_OF_SCOPE');
    expect(
      (await h().http.put(`/api/v1/budgets/${district.body.id}`).set('authorization', street).send({ amountFen: 1, version: 2 }).expect(403)).body.error.code,
    ).toBe('BUDGET_REGION_OUT_OF_SCOPE');
    expect((await get('/budgets', staff).expect(403)).body.error.code).toBe('BUDGET_ADMIN_ONLY');
    const listed = await get('/budgets?month=2026-11', street).expect(200);
    expect(listed.body).toMatchObject({ total: 1, items: [{ regionName: '米市巷街道', amountFen: 5_000 }] });
    expect((await get('/budgets', admin).expect(200)).body.total).toBe(2);

    // Validation names the field.
    const bad = await h().http.post('/api/v1/budgets').set('authorization', admin).send({ regionId: 1, month: '2026-13', amountFen: -5 }).expect(400);
    expect(bad.body.error.details.fields.month).toContain('月份');
    expect(bad.body.error.details.fields.amountFen).toContain('预算金额');
    const noVersion = await h().http.put(`/api/v1/budgets/${district.body.id}`).set('authorization', admin).send({ amountFen: 1 }).expect(400);
    expect(noVersion.body.error.details.fields.version).toContain('版本号');
  });

  test('seniors served by category each month: distinct people, 高龄 by birth date, 失能 by assessment', async () => {
    const res = await get('/dashboard/seniors?from=2026-11&to=2026-12', admin).expect(200);
    expect(res.body.months).toEqual(['2026-11', '2026-12']);
    // November: 张桂英, 李建国 (J), 周玉兰 (S), 陈阿毛 (M); 王秀英 did not come. December so far: 周玉兰.
    expect(res.body.total).toEqual([4, 1]);
    const byBucket = Object.fromEntries(res.body.buckets.map((b: { bucket: string; seniors: number[] }) => [b.bucket, b.seniors]));
    expect(byBucket).toEqual({
      hardship: [0, 0],
      minimum_living: [1, 0],
      low_income: [1, 1],
      living_alone: [1, 0],
      empty_nest: [1, 1],
      family_planning_special: [0, 0],
      oldest_old: [2, 1],
      disabled: [2, 1],
    });
    expect(res.body.buckets.find((b: { bucket: string }) => b.bucket === 'oldest_old').label).toBe('高龄');
    const streetRes = await get('/dashboard/seniors?month=2026-11&from=2026-11&to=2026-11', street).expect(200);
    expect(streetRes.body.total).toEqual([3]); // J and S: 张桂英, 李建国, 周玉兰
    const staffRes = await get('/dashboard/seniors?from=2026-11&to=2026-11', staff).expect(200);
    expect(staffRes.body.total).toEqual([2]);
    expect(Object.fromEntries(staffRes.body.buckets.map((b: { bucket: string; seniors: number[] }) => [b.bucket, b.seniors[0]]))).toMatchObject({
      living_alone: 1,
      minimum_living: 1,
      oldest_old: 1,
      disabled: 1,
      empty_nest: 0,
    });
  });

  test('ratings over time by the service day, per centre, by day and by week', async () => {
    const byDay = await get(`/dashboard/ratings?${RANGE}&interval=day`, admin).expect(200);
    expect(byDay.body.buckets).toEqual(DATES);
    expect(byDay.body.centres).toEqual([
      { centreId: centres.j.id, name: JIAXIN, count: [0, 1, 1, 0], average: [null, 5, 4, null] },
      { centreId: centres.m.id, name: MAIYUQIAO, count: [0, 1, 0, 0], average: [null, 3, null, null] },
    ]);
    expect(byDay.body.total).toEqual({ count: [0, 2, 1, 0], average: [null, 4, 4, null] });
    const byWeek = await get(`/dashboard/ratings?${RANGE}`, admin).expect(200);
    expect(byWeek.body).toMatchObject({ interval: 'week', buckets: ['2026-11-23', '2026-11-30'], total: { count: [2, 1], average: [4, 4] } });
    const byMonth = await get('/dashboard/ratings?from=2026-11-01&to=2026-12-01&interval=month', staff).expect(200);
    expect(byMonth.body).toMatchObject({ buckets: ['2026-11-01', '2026-12-01'], total: { count: [2, 0], average: [4.5, null] } });
  });

  test('emergencies: raised, acknowledged, and the seconds it took (median, 90th percentile)', async () => {
    const res = await get(`/dashboard/emergencies?${RANGE}&interval=day`, admin).expect(200);
    expect(res.body).toMatchObject({
      buckets: DATES,
      raised: [0, 2, 1, 0],
      acknowledged: [0, 2, 0, 0],
      medianSeconds: [null, 90, null, null],
      p90Seconds: [null, 300, null, null],
      summary: { raised: 3, acknowledged: 2, unacknowledged: 1, medianSeconds: 90, p90Seconds: 300, maxSeconds: 300 },
    });
    // The street: alerts of seniors living in it (张桂英 and 王秀英); the staff: alerts at their centre.
    const streetRes = await get(`/dashboard/emergencies?${RANGE}&interval=day`, street).expect(200);
    expect(streetRes.body).toMatchObject({ raised: [0, 1, 1, 0], acknowledged: [0, 1, 0, 0], summary: { unacknowledged: 1 } });
    const staffRes = await get('/dashboard/emergencies?from=2026-11-01&to=2026-11-30&interval=month', staff).expect(200);
    expect(staffRes.body).toMatchObject({ buckets: ['2026-11-01'], raised: [2], medianSeconds: [30], p90Seconds: [90] });
  });

  test('ranges are checked: reversed, too long, or malformed, naming the field', async () => {
    expect((await get('/dashboard/meals?from=2026-12-01&to=2026-11-01', admin).expect(422)).body.error.code).toBe('DATE_RANGE_REVERSED');
    expect((await get('/dashboard/meals?from=2025-01-01&to=2026-12-01', admin).expect(422)).body.error.code).toBe('DATE_RANGE_TOO_LONG');
    const bad = await get('/dashboard/ratings?from=2026-11-31&interval=year', admin).expect(400);
    expect(bad.body.error.details.fields.from).toContain('开始日期');
    expect(bad.body.error.details.fields.interval).toContain('统计间隔');
    expect((await get('/dashboard/subsidy?month=2026-1', admin).expect(400)).body.error.details.fields.month).toContain('月份');
  });

  test('the roll-up job: the same figures after it runs, read from the roll-up; a rerun changes nothing', async () => {
    const live = await allFigures();
    const run = await runner.run(jobNamed('dashboard-rollup')!, h().clock.now());
    expect(run.error).toBeNull();
    const rolled = await allFigures();
    expect(rolled.meals.rolledUpThrough).toBe('2026-11-30');
    const strip = (f: Awaited<ReturnType<typeof allFigures>>) =>
      JSON.parse(JSON.stringify(f, (k, v) => (['rolledUpThrough', 'countedAt', 'asOf'].includes(k) ? undefined : v)));
    expect(strip(rolled)).toEqual(strip(live));
    expect(rolled.seniors.countedAt).toEqual([T0, T0]);

    await runner.run(jobNamed('dashboard-rollup')!, h().clock.now());
    expect(strip(await allFigures())).toEqual(strip(live));

    // A past day changed afterwards (staff checked in the no-show late) shows once the job has run again.
    const wang = await seniorNamed(h(), '王秀英');
    await h().db.manager.update(Booking, { seniorId: wang.id, serviceDate: '2026-11-29' }, { status: 'served' });
    expect((await get(`/dashboard/meals?${RANGE}`, admin).expect(200)).body.total.served).toEqual([0, 5, 1, 1]);
    h().clock.set('2026-12-01T00:45:00.000Z');
    await runner.run(jobNamed('dashboard-rollup')!, h().clock.now());
    expect((await get(`/dashboard/meals?${RANGE}`, admin).expect(200)).body.total.served).toEqual([0, 6, 1, 1]);
  });
});

/** The id of the region at `depth` (1 = district, 2 = street) above a centre, from its path. */
function regionOf(c: Centre, depth: number): string {
  return c.regionPath.split('/').filter(Boolean)[depth - 1];
}
