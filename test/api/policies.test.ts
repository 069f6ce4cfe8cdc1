import { AuditLog, Booking, Region, Senior, type BookingStatus, type SeniorCategory, type ServiceKind } from '../../entities';
import { shanghaiInstant } from '../../server/lib/time';
import { loginConsole, loginWechat, seniorNamed, slotOf, JIAXIN } from '../helpers/actors';
import { describeEachDb, T0, type Harness } from '../helpers/harness';

/**
 * Subsidy policies, on SQLite and MariaDB: an administrator previews a policy (who would qualify, by category and
 * region; what it would have cost last month), creates it, publishes a new version from a date (the old one ends
 * the day before), retires it — and a booking made before keeps the subsidy it was priced with. Today is Tuesday
 * 1 December 2026; "last month" is November.
 *
 * The preview's fixture is built here by hand: a street of its own (测试街道, communities 甲社区 and 乙社区) with
 * six seniors and their November bookings, so every expected figure below can be worked out on paper.
 */

interface Fixture {
  streetId: number;
  communityA: number;
  communityB: number;
}

async function region(h: Harness, name: string, level: Region['level'], parent: Region): Promise<Region> {
  const r = await h.db.manager.save(Region, h.db.manager.create(Region, { name, level, parentId: parent.id, path: '', createdAt: h.clock.now() }));
  r.path = `${parent.path}${r.id}/`;
  return h.db.manager.save(Region, r);
}

async function senior(
  h: Harness,
  name: string,
  birthDate: string,
  community: Region,
  categories: SeniorCategory[],
  abilityLevel: number,
  active = true,
): Promise<Senior> {
  const now = h.clock.now();
  return h.db.manager.save(
    Senior,
    h.db.manager.create(Senior, {
      name,
      gender: 'female',
      birthDate,
      idCardLast4: null,
      phone: null,
      address: '测试地址',
      regionId: community.id,
      regionPath: community.path,
      homeCentreId: null,
      latitude: null,
      longitude: null,
      categories,
      abilityLevel,
      dietNotes: '',
      emergencyContacts: [],
      active,
      createdAt: now,
      updatedAt: now,
    }),
  );
}

let codes = 0;
/** A booking row as the booking service would have left it (only what subsidy figures read matters here). */
async function booking(
  h: Harness,
  s: Senior,
  serviceDate: string,
  kind: ServiceKind,
  status: BookingStatus,
  quantity: number,
  unitPriceFen: number,
  subsidyFen: number,
): Promise<void> {
  const at = shanghaiInstant(serviceDate, '08:00');
  await h.db.manager.insert(Booking, {
    code: `TP${String(++codes).padStart(6, '0')}${h.kind[0]}`,
    seniorId: s.id,
    slotId: 1,
    serviceItemId: 1,
    centreId: 1,
    category: kind === 'bath' ? 'bath' : 'meal',
    kind,
    serviceDate,
    bookedByAccountId: 1,
    bookedBy: 'staff',
    channel: 'console',
    idempotencyKey: null,
    requestHash: null,
    quantity,
    unitPriceFen,
    priceFen: unitPriceFen * quantity,
    subsidyFen,
    copayFen: unitPriceFen * quantity - subsidyFen,
    subsidisedQuantity: subsidyFen > 0 ? quantity : 0,
    subsidyPolicyId: null,
    subsidyReason: '',
    status,
    deliveryMode: 'dine_in',
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
}

/**
 * 测试街道 (under the district): six seniors — ages on 1 December 2026 in brackets — and their November.
 *   甲 (86, 独居, level 0, 甲社区): lunches 3 Nov (1 portion, subsidy 200), 4 Nov (2, 400), 5 Nov (1, 200); a dinner 3 Nov
 *        (1, 100); a lunch 6 Nov cancelled.
 *   乙 (76, 低保, level 2, 甲社区): lunch 3 Nov (1, 750).
 *   丙 (82 today: born 1 Dec 1944, no category, level 3, 乙社区): lunch 10 Nov rated (1, 300); lunch 11 Nov no-show.
 *   丁 (79 today, 80 tomorrow: born 2 Dec 1946, 特困 + 独居, level 0, 乙社区): lunch 12 Nov (1, 1500).
 *   戊 (96, level 4, 乙社区) — moved away (inactive): lunch 12 Nov (1, 300).
 *   己 (66, 低收入, level 1, 甲社区): lunch 13 Nov (1, 500).
 * Lunch is 15 元, dinner 12 元. A December lunch of 甲 (not last month) is also there.
 */
async function buildFixture(h: Harness): Promise<Fixture> {
  const district = await h.db.manager.findOneByOrFail(Region, { level: 'district' });
  const street = await region(h, '测试街道', 'street', district);
  const a = await region(h, '甲社区', 'community', street);
  const b = await region(h, '乙社区', 'community', street);
  const jia = await senior(h, '测试甲', '1940-05-01', a, ['living_alone'], 0);
  const yi = await senior(h, '测试乙', '1950-01-01', a, ['minimum_living'], 2);
  const bing = await senior(h, '测试丙', '1944-12-01', b, [], 3);
  const ding = await senior(h, '测试丁', '1946-12-02', b, ['hardship', 'living_alone'], 0);
  const wu = await senior(h, '测试戊', '1930-03-03', b, [], 4, false);
  const ji = await senior(h, '测试己', '1960-06-06', a, ['low_income'], 1);
  await booking(h, jia, '2026-11-03', 'lunch', 'served', 1, 1500, 200);
  await booking(h, jia, '2026-11-04', 'lunch', 'served', 2, 1500, 400);
  await booking(h, jia, '2026-11-05', 'lunch', 'served', 1, 1500, 200);
  await booking(h, jia, '2026-11-03', 'dinner', 'served', 1, 1200, 100);
  await booking(h, jia, '2026-11-06', 'lunch', 'cancelled', 1, 1500, 0);
  await booking(h, jia, '2026-12-01', 'lunch', 'confirmed', 1, 1500, 200);
  await booking(h, yi, '2026-11-03', 'lunch', 'served', 1, 1500, 750);
  await booking(h, bing, '2026-11-10', 'lunch', 'rated', 1, 1500, 300);
  await booking(h, bing, '2026-11-11', 'lunch', 'no_show', 1, 1500, 300);
  await booking(h, ding, '2026-11-12', 'lunch', 'served', 1, 1500, 1500);
  await booking(h, wu, '2026-11-12', 'lunch', 'served', 1, 1500, 300);
  await booking(h, ji, '2026-11-13', 'lunch', 'served', 1, 1500, 500);
  return { streetId: street.id, communityA: a.id, communityB: b.id };
}

describeEachDb('subsidy policies', (h) => {
  let fx: Fixture;
  let admin: string;

  beforeAll(async () => {
    fx = await buildFixture(h());
    admin = await loginConsole(h(), 'admin');
  });
  beforeEach(() => h().clock.set(T0));

  const elderlyLunch = (over: object = {}) => ({
    regionId: fx.streetId,
    name: '测试街道高龄午餐补贴',
    description: '80 岁以上每餐减 3 元',
    category: 'meal',
    serviceKinds: ['lunch'],
    minAge: 80,
    method: 'fixed',
    amountFen: 300,
    maxPerDay: 1,
    monthlyCapFen: 500,
    validFrom: '2026-12-01',
    ...over,
  });
  const preview = (body: object, auth = admin) => h().http.post('/api/v1/policies/preview').set('authorization', auth).send(body);
  const categories = (res: { body: { qualifying: { byCategory: Array<{ category: string; seniors: number }> } } }) =>
    Object.fromEntries(res.body.qualifying.byCategory.map((c) => [c.category, c.seniors]));

  test('the preview counts who qualifies by category and region, and what it would have cost in November, as worked out by hand', async () => {
    const res = await preview(elderlyLunch()).expect(200);
    // 80+ on 1 December: 甲 (86) and 丙 (82 that day); 丁 is 79, 戊 has moved away.
    expect(res.body.asOf).toBe('2026-12-01');
    expect(res.body.qualifying.seniors).toBe(2);
    expect(categories(res)).toEqual({
      hardship: 0,
      minimum_living: 0,
      low_income: 0,
      disabled: 0,
      living_alone: 1,
      empty_nest: 0,
      very_old: 0,
      family_planning_special: 0,
      none: 1,
    });
    expect(res.body.qualifying.byRegion).toEqual([
      { regionId: fx.communityA, name: '甲社区', seniors: 1 },
      { regionId: fx.communityB, name: '乙社区', seniors: 1 },
    ]);
    // 甲's lunches: 3 Nov 300; 4 Nov two portions but one a day: 300, and the 500 monthly cap leaves 200; 5 Nov
    // nothing left. 丙: 10 Nov 300 (the no-show on the 11th is not served). Dinner is not this policy's.
    expect(res.body.cost).toMatchObject({
      month: '2026-11',
      bookings: 4,
      portions: 5,
      seniorsServed: 2,
      estimatedMonthlyFen: 800,
      actualFen: 200 + 400 + 200 + 300,
      currentVersionFen: null,
    });
    expect(res.body.cost.basis).toContain('2026-11');
    expect(res.body.cost.basis).toContain('2 人核销了 4 单（5 份）');

    // From 2 December 丁 turns 80 and qualifies too: her 12 Nov lunch adds 300.
    const later = await preview(elderlyLunch({ validFrom: '2026-12-02' })).expect(200);
    expect(later.body.asOf).toBe('2026-12-02');
    expect(later.body.qualifying.seniors).toBe(3);
    expect(categories(later)).toMatchObject({ hardship: 1, living_alone: 2, none: 1 });
    expect(later.body.qualifying.byRegion.map((r: { seniors: number }) => r.seniors)).toEqual([1, 2]);
    expect(later.body.cost).toMatchObject({ bookings: 5, portions: 6, seniorsServed: 3, estimatedMonthlyFen: 1100 });

    // Half price for 低保 or 低收入 at any age, no caps: 乙 750 + 己 750.
    const halfPrice = await preview(
      elderlyLunch({
        minAge: null,
        seniorCategories: ['minimum_living', 'low_income'],
        method: 'percent',
        percent: 50,
        amountFen: 0,
        maxPerDay: null,
        monthlyCapFen: null,
      }),
    ).expect(200);
    expect(halfPrice.body.qualifying.seniors).toBe(2);
    expect(categories(halfPrice)).toMatchObject({ minimum_living: 1, low_income: 1, none: 0 });
    expect(halfPrice.body.cost).toMatchObject({ bookings: 2, portions: 2, estimatedMonthlyFen: 1500, actualFen: 1250 });

    // Ability level 3 or worse: only 丙 (戊 has moved away).
    const disabled = await preview(elderlyLunch({ minAge: null, minAbilityLevel: 3, monthlyCapFen: null })).expect(200);
    expect(disabled.body.qualifying.seniors).toBe(1);
    expect(disabled.body.cost).toMatchObject({ bookings: 1, estimatedMonthlyFen: 300 });
  });

  test('create, a new version from a date, retire: the old version ends the day before, and the versions read in order', async () => {
    const created = await h().http.post('/api/v1/policies').set('authorization', admin).send(elderlyLunch()).expect(201);
    expect(created.body).toMatchObject({ status: 'current', revision: 1, version: 1, validFrom: '2026-12-01', validTo: null, regionName: '测试街道' });
    const id = created.body.id;

    // The preview of a new version compares with the current one on the same November bookings.
    const next = elderlyLunch({ amountFen: 400, monthlyCapFen: null, validFrom: '2026-12-10' });
    const compared = await preview({ ...next, replaces: id }).expect(200);
    // On 10 December 丁 is 80 too. New terms: 甲 400 × 3 days, 丙 400, 丁 400; the current ones: 800 + 丁's 300.
    expect(compared.body.cost).toMatchObject({ estimatedMonthlyFen: 1200 + 400 + 400, currentVersionFen: 800 + 300 });

    const revised = await h()
      .http.post(`/api/v1/policies/${id}/versions`)
      .set('authorization', admin)
      .send({ ...next, version: 1 })
      .expect(201);
    expect(revised.body).toMatchObject({
      status: 'scheduled',
      revision: 2,
      previousVersionId: id,
      amountFen: 400,
      monthlyCapFen: null,
      validFrom: '2026-12-10',
    });
    expect(revised.body.versions.map((v: { id: number; validTo: string | null; status: string }) => [v.id, v.validTo, v.status])).toEqual([
      [id, '2026-12-09', 'superseded'],
      [revised.body.id, null, 'scheduled'],
    ]);
    const old = await h().http.get(`/api/v1/policies/${id}`).set('authorization', admin).expect(200);
    expect(old.body).toMatchObject({ version: 2, supersededById: revised.body.id, validTo: '2026-12-09' });

    // The superseded version takes no more edits; a stale version number is refused.
    const again = await h()
      .http.post(`/api/v1/policies/${id}/versions`)
      .set('authorization', admin)
      .send({ ...next, version: 2 })
      .expect(409);
    expect(again.body.error.code).toBe('POLICY_SUPERSEDED');
    const stale = await h().http.post(`/api/v1/policies/${revised.body.id}/retire`).set('authorization', admin).send({ version: 7 }).expect(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');

    const retired = await h()
      .http.post(`/api/v1/policies/${revised.body.id}/retire`)
      .set('authorization', admin)
      .send({ version: 1, lastDay: '2026-12-20' })
      .expect(200);
    expect(retired.body).toMatchObject({ status: 'retired', validTo: '2026-12-20', version: 2 });
    expect(retired.body.retiredAt).toBe(T0);
    const twice = await h().http.post(`/api/v1/policies/${revised.body.id}/retire`).set('authorization', admin).send({ version: 2 }).expect(409);
    expect(twice.body.error.code).toBe('POLICY_RETIRED');

    const list = await h().http.get(`/api/v1/policies?regionId=${fx.streetId}`).set('authorization', admin).expect(200);
    expect(list.body.items.map((p: { id: number }) => p.id)).toEqual(expect.arrayContaining([id, revised.body.id]));
    const retiredOnly = await h().http.get('/api/v1/policies?status=retired').set('authorization', admin).expect(200);
    expect(retiredOnly.body.items.map((p: { id: number }) => p.id)).toEqual([revised.body.id]);

    const audit = await h().db.manager.find(AuditLog, { where: [{ entityType: 'subsidy_policy' }], order: { id: 'ASC' } });
    expect(audit.map((a) => a.action)).toEqual(['policy.create', 'policy.revise', 'policy.retire']);
    expect(audit[1].detail).toMatchObject({
      previousId: id,
      previousEnds: '2026-12-09',
      changed: { amountFen: { from: 300, to: 400 }, validFrom: { from: '2026-12-01', to: '2026-12-10' } },
    });
  });

  test('a new version never changes a booking already made: it keeps the subsidy it was priced with, and new bookings get the new terms', async () => {
    const family = await loginWechat(h(), 'o_family_01');
    const zhang = await seniorNamed(h(), '张桂英');
    const lunch = await slotOf(h(), JIAXIN, 'lunch', '2026-12-02');
    const quote = await h().http.post('/api/v1/quotes').set('authorization', family).send({ seniorId: zhang.id, slotId: lunch.id }).expect(200);
    const policy = quote.body.policy.id;
    const booked = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', family)
      .set('Idempotency-Key', `policy-test-${h().kind}`)
      .send({ seniorId: zhang.id, slotId: lunch.id })
      .expect(201);
    expect(booked.body.subsidyFen).toBe(300); // 高龄老人助餐补贴: 3 元 a meal, one a day
    const before = await h().http.get(`/api/v1/policies/${policy}`).set('authorization', admin).expect(200);
    expect(before.body.name).toBe('高龄老人助餐补贴');

    const {
      id: _id,
      status: _s,
      revision: _r,
      previousVersionId: _p,
      supersededById: _x,
      retiredAt: _t,
      version,
      createdAt: _c,
      updatedAt: _u,
      regionName: _n,
      versions: _v,
      ...terms
    } = before.body;
    const v2 = await h()
      .http.post(`/api/v1/policies/${policy}/versions`)
      .set('authorization', admin)
      .send({ ...terms, amountFen: 500, validFrom: '2026-12-02', version })
      .expect(201);

    // The booking made under the first version: unchanged, as the family sees it.
    const after = await h().http.get(`/api/v1/bookings/${booked.body.id}`).set('authorization', family).expect(200);
    expect(after.body).toMatchObject({ subsidyFen: 300, copayFen: booked.body.copayFen, priceFen: booked.body.priceFen });
    // Today's dinner is still under the first version (it ends today); tomorrow's under the new one.
    const dinnerToday = await slotOf(h(), JIAXIN, 'dinner', '2026-12-01');
    const dinnerTomorrow = await slotOf(h(), JIAXIN, 'dinner', '2026-12-02');
    const q1 = await h().http.post('/api/v1/quotes').set('authorization', family).send({ seniorId: zhang.id, slotId: dinnerToday.id }).expect(200);
    expect(q1.body).toMatchObject({ subsidyFen: 300, policy: { id: policy } });
    const q2 = await h().http.post('/api/v1/quotes').set('authorization', family).send({ seniorId: zhang.id, slotId: dinnerTomorrow.id }).expect(200);
    expect(q2.body).toMatchObject({ subsidyFen: 500, policy: { id: v2.body.id } });

    // Retired after the 3rd: the 4th's dinner gets nothing from it.
    await h().http.post(`/api/v1/policies/${v2.body.id}/retire`).set('authorization', admin).send({ version: 1, lastDay: '2026-12-03' }).expect(200);
    const q3 = await h()
      .http.post('/api/v1/quotes')
      .set('authorization', family)
      .send({ seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'dinner', '2026-12-04')).id })
      .expect(200);
    expect(q3.body.policy?.id ?? null).not.toBe(v2.body.id);
    expect(q3.body.subsidyFen).toBe(0);
    expect((await h().http.get(`/api/v1/bookings/${booked.body.id}`).set('authorization', family).expect(200)).body.subsidyFen).toBe(300);
  });

  test('who may: administrators over the region write; staff read what applies at their centre; others are refused', async () => {
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const hushu = await loginConsole(h(), 'admin-hushu');
    const family = await loginWechat(h(), 'o_family_01');
    expect((await h().http.post('/api/v1/policies').set('authorization', staff).send(elderlyLunch()).expect(403)).body.error.code).toBe('POLICY_ADMIN_ONLY');
    expect((await preview(elderlyLunch(), staff).expect(403)).body.error.code).toBe('POLICY_ADMIN_ONLY');
    // A street administrator cannot write for another street, nor change the district's policy.
    expect((await h().http.post('/api/v1/policies').set('authorization', hushu).send(elderlyLunch()).expect(403)).body.error.code).toBe(
      'POLICY_REGION_OUT_OF_SCOPE',
    );
    const districtPolicy = (await h().http.get('/api/v1/policies?status=current').set('authorization', admin).expect(200)).body.items.find(
      (p: { name: string }) => p.name === '低保老人助餐补贴',
    );
    const denied = await h()
      .http.post(`/api/v1/policies/${districtPolicy.id}/retire`)
      .set('authorization', hushu)
      .send({ version: districtPolicy.version })
      .expect(403);
    expect(denied.body.error.code).toBe('POLICY_REGION_OUT_OF_SCOPE');
    expect((await h().http.get('/api/v1/policies').set('authorization', family).expect(403)).body.error.code).toBe('POLICY_VIEW_NOT_ALLOWED');

    // Staff at 嘉新 (米市巷街道) read the district's policies and their street's, not 湖墅's nor 测试街道's.
    const seen = (await h().http.get('/api/v1/policies?limit=200').set('authorization', staff).expect(200)).body.items.map((p: { name: string }) => p.name);
    expect(seen).toEqual(expect.arrayContaining(['低保老人助餐补贴', '米市巷街道低收入老人午餐补贴']));
    expect(seen).not.toContain('测试街道高龄午餐补贴');
    const hushuSees = (await h().http.get('/api/v1/policies?limit=200').set('authorization', hushu).expect(200)).body.items.map(
      (p: { name: string }) => p.name,
    );
    expect(hushuSees).toContain('低保老人助餐补贴');
    expect(hushuSees).not.toContain('米市巷街道低收入老人午餐补贴');
  });

  test('what is refused, with the field named in Chinese', async () => {
    const post = (body: object) => h().http.post('/api/v1/policies').set('authorization', admin).send(body);
    const noAmount = await post(elderlyLunch({ amountFen: 0 })).expect(400);
    expect(noAmount.body.error.details.fields.amountFen).toContain('补贴金额');
    const wrongKind = await post(elderlyLunch({ serviceKinds: ['bath'] })).expect(400);
    expect(wrongKind.body.error.details.fields.serviceKinds).toContain('服务项目');
    const badPercent = await post(elderlyLunch({ method: 'percent', percent: 120 })).expect(400);
    expect(badPercent.body.error.details.fields.percent).toContain('补贴比例');
    const noName = await post(elderlyLunch({ name: '' })).expect(400);
    expect(noName.body.error.details.fields.name).toContain('政策名称');
    const badDate = await post(elderlyLunch({ validFrom: '2026-02-30' })).expect(400);
    expect(badDate.body.error.details.fields.validFrom).toContain('生效日期');
    expect((await post(elderlyLunch({ validFrom: '2026-11-30' })).expect(422)).body.error.code).toBe('POLICY_START_IN_PAST');
    expect((await post(elderlyLunch({ validTo: '2026-11-30' })).expect(422)).body.error.code).toBe('POLICY_END_BEFORE_START');
    expect((await post(elderlyLunch({ regionId: 999_999 })).expect(404)).body.error.code).toBe('REGION_NOT_FOUND');
    const missing = await h().http.post('/api/v1/policies/999999/retire').set('authorization', admin).send({ version: 1 }).expect(404);
    expect(missing.body.error.code).toBe('POLICY_NOT_FOUND');
  });
});
