import { JIAXIN, MAIYUQIAO, STREET_CENTRE, loginConsole, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';
import { REFERENCE_MAX_AGE_MS } from '../../server/lib/fresh-reads';
import { Centre, ServiceItem, SubsidyPolicy } from '../../entities';

/** Quotes for each demo subsidy policy, and the caps counted from existing bookings. */
describeEachDb('subsidy quotes', (h) => {
  let admin: string;
  beforeAll(async () => {
    admin = await loginConsole(h(), 'admin');
  });
  beforeEach(() => h().clock.set(T0));

  async function quote(seniorName: string, slotId: number, quantity = 1) {
    const senior = await seniorNamed(h(), seniorName);
    const res = await h().http.post('/api/v1/quotes').set('authorization', admin).send({ seniorId: senior.id, slotId, quantity });
    expect(res.status).toBe(200);
    return res.body;
  }
  async function book(seniorName: string, slotId: number, quantity = 1) {
    const senior = await seniorNamed(h(), seniorName);
    const res = await h().http.post('/api/v1/bookings').set('authorization', admin).send({ seniorId: senior.id, slotId, quantity });
    expect(res.status).toBe(201);
    return res.body;
  }

  test.each([
    ['张桂英', 1500, 300, '高龄老人助餐补贴'],
    ['李建国', 1500, 750, '低保老人助餐补贴'],
    ['王秀英', 1500, 1500, '特困老人助餐补贴'],
    ['吴德明', 1500, 500, '米市巷街道低收入老人午餐补贴'],
  ])('lunch at the Jiaxin centre for %s: price %i, subsidy %i (%s)', async (name, price, subsidy, policy) => {
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-05');
    const q = await quote(name, slot.id);
    expect(q).toMatchObject({ priceFen: price, subsidyFen: subsidy, copayFen: price - subsidy, policy: { name: policy } });
    expect(q.reason).toContain(policy);
  });

  test('a policy switched off stops pricing bookings at once and quotes within a second; switched on, it applies again', async () => {
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-04');
    const policy = await h().db.manager.findOneByOrFail(SubsidyPolicy, { name: '低保老人助餐补贴' });
    const names = (q: { considered: Array<{ name: string }> }) => q.considered.map((c) => c.name);
    const before = await quote('李建国', slot.id);
    expect(before).toMatchObject({ subsidyFen: 750, policy: { name: '低保老人助餐补贴' } });
    expect(names(before)).not.toContain('失能老人助浴补贴'); // only meal policies price a meal
    await h().db.manager.update(SubsidyPolicy, { id: policy.id }, { active: false });
    try {
      // A booking reads the policies as they are now: what is charged and subsidised follows the switch at once.
      const b = await book('李建国', slot.id);
      expect(b.subsidyFen).toBeLessThan(750);
      expect(b.copayFen).toBe(1500 - b.subsidyFen);
      await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', admin).send({ reason: '测试' });
      // A quote may use the policies read at most REFERENCE_MAX_AGE_MS ago (another instance may have read them
      // then); once that has passed it follows the switch too, with the booking's figures.
      expect(await quote('李建国', slot.id)).toMatchObject({ subsidyFen: 750 });
      h().clock.advance(REFERENCE_MAX_AGE_MS);
      const q = await quote('李建国', slot.id);
      expect(names(q)).not.toContain('低保老人助餐补贴');
      expect(q).toMatchObject({ subsidyFen: b.subsidyFen, copayFen: b.copayFen });
    } finally {
      await h().db.manager.update(SubsidyPolicy, { id: policy.id }, { active: true });
    }
    h().clock.advance(REFERENCE_MAX_AGE_MS);
    expect(await quote('李建国', slot.id)).toMatchObject({ subsidyFen: 750, policy: { name: '低保老人助餐补贴' } });
    expect(await book('李建国', slot.id)).toMatchObject({ subsidyFen: 750, copayFen: 750 });
  });

  test('no policy for a 68-year-old with no category: full price, and the quote says why', async () => {
    const q = await quote('陈阿毛', (await slotOf(h(), MAIYUQIAO, 'lunch', '2026-12-05')).id);
    expect(q).toMatchObject({ priceFen: 1500, subsidyFen: 0, copayFen: 1500, policy: null, reason: '本次服务没有适用的补贴政策' });
    expect(q.considered.find((c: { name: string }) => c.name === '高龄老人助餐补贴')).toMatchObject({ eligible: false, why: '未满 80 周岁' });
  });

  test('a street policy does not reach another street: 周玉兰 (湖墅, 低收入) gets the district 80+ subsidy only', async () => {
    const q = await quote('周玉兰', (await slotOf(h(), MAIYUQIAO, 'lunch', '2026-12-05')).id);
    expect(q).toMatchObject({ subsidyFen: 300, policy: { name: '高龄老人助餐补贴' } });
    expect(q.considered.find((c: { name: string }) => c.name === '米市巷街道低收入老人午餐补贴')).toMatchObject({ eligible: false, why: '不在政策覆盖的地区' });
  });

  test('the lunch-only street policy does not price dinner: 吴德明 falls back to the 80+ subsidy', async () => {
    const q = await quote('吴德明', (await slotOf(h(), JIAXIN, 'dinner', '2026-12-05')).id);
    expect(q).toMatchObject({ priceFen: 1200, subsidyFen: 300, policy: { name: '高龄老人助餐补贴' } });
  });

  test('one subsidised lunch and one dinner a day: a second portion and a second lunch pay full price', async () => {
    const lunch = await slotOf(h(), JIAXIN, 'lunch', '2026-12-06');
    const two = await book('张桂英', lunch.id, 2);
    expect(two).toMatchObject({ priceFen: 3000, subsidyFen: 300, copayFen: 2700 });
    const elsewhere = await quote('张桂英', (await slotOf(h(), '嘉新东园睦邻点', 'lunch', '2026-12-06')).id);
    expect(elsewhere).toMatchObject({ subsidyFen: 0, copayFen: 1500 });
    expect(elsewhere.reason).toContain('当天已享受过 1 份补贴');
    const dinner = await quote('张桂英', (await slotOf(h(), JIAXIN, 'dinner', '2026-12-06')).id);
    expect(dinner.subsidyFen).toBe(300);

    // Cancelling gives the day's subsidy back.
    const cancelled = await h().http.post(`/api/v1/bookings/${two.id}/cancel`).set('authorization', admin).send({});
    expect(cancelled.status).toBe(200);
    expect((await quote('张桂英', (await slotOf(h(), '嘉新东园睦邻点', 'lunch', '2026-12-06')).id)).subsidyFen).toBe(300);
  });

  test("quotes asked at the same moment are read together, each counting only that senior's own bookings", async () => {
    const lunch = await slotOf(h(), JIAXIN, 'lunch', '2026-12-07');
    await book('张桂英', lunch.id);
    const elsewhere = (await slotOf(h(), '嘉新东园睦邻点', 'lunch', '2026-12-07')).id;
    const dinner = (await slotOf(h(), JIAXIN, 'dinner', '2026-12-07')).id;
    const [used, other, sameSenior] = await Promise.all([quote('张桂英', elsewhere), quote('李建国', elsewhere), quote('张桂英', dinner)]);
    expect(used).toMatchObject({ subsidyFen: 0, copayFen: 1500 });
    expect(other).toMatchObject({ subsidyFen: 750, copayFen: 750 });
    expect(sameSenior.subsidyFen).toBe(300);
  });

  test('a slot of a withdrawn service or of a closed centre is not found: no quote, no booking', async () => {
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-05');
    const senior = await seniorNamed(h(), '张桂英');
    const ask = async () => {
      const body = { seniorId: senior.id, slotId: slot.id, quantity: 1 };
      return [
        await h().http.post('/api/v1/quotes').set('authorization', admin).send(body),
        await h().http.post('/api/v1/bookings').set('authorization', admin).send(body),
      ];
    };
    const bookingsOfSlot = async () => (await seen(h(), admin, `/bookings?centreId=${slot.centreId}&slotId=${slot.id}`)).total;
    const before = await bookingsOfSlot();
    for (const [entity, id] of [
      [ServiceItem, slot.serviceItemId],
      [Centre, slot.centreId],
    ] as const) {
      await h().db.manager.update(entity, { id }, { active: false });
      try {
        for (const res of await ask()) expect([res.status, res.body.error?.code]).toEqual([404, 'SLOT_NOT_FOUND']);
      } finally {
        await h().db.manager.update(entity, { id }, { active: true });
      }
    }
    expect(await bookingsOfSlot()).toBe(before);
    expect((await ask())[0].status).toBe(200);
  });

  test('the monthly bath cap: 80 % of 30 元 twice, then only what is left of 48 元', async () => {
    // That day's bath times, as the mini-program lists them (in order).
    const baths = (
      await seen(h(), admin, `/slots?serviceItemId=${(await slotOf(h(), STREET_CENTRE, 'bath', '2026-12-04')).serviceItemId}&from=2026-12-04&to=2026-12-04`)
    ).items;
    expect((await book('王秀英', baths[0].id)).subsidyFen).toBe(2400);
    expect((await book('王秀英', baths[1].id)).subsidyFen).toBe(2400);
    const third = await quote('王秀英', baths[2].id);
    expect(third).toMatchObject({ priceFen: 3000, subsidyFen: 0, copayFen: 3000 });
    expect(third.reason).toContain('本月补贴已用完');
    // 张桂英 is ability level 1: the bath policy needs level 2.
    const notDisabled = await quote('张桂英', baths[2].id);
    expect(notDisabled.subsidyFen).toBe(0);
  });

  test('home visits: 30 元 a visit for 低保, capped at 90 元 a month', async () => {
    // Today's and tomorrow's visits closed the evening before: from the 3rd on, as the mini-program lists them.
    const cleaning = (
      await seen(h(), admin, `/slots?serviceItemId=${(await slotOf(h(), STREET_CENTRE, 'cleaning', '2026-12-03')).serviceItemId}&from=2026-12-03&to=2026-12-31`)
    ).items;
    const subsidies = [];
    for (const slot of cleaning.slice(0, 3)) subsidies.push((await book('李建国', slot.id)).subsidyFen);
    expect(subsidies).toEqual([3000, 3000, 3000]);
    const fourth = await quote('李建国', cleaning[3].id);
    expect(fourth).toMatchObject({ priceFen: 5000, subsidyFen: 0, copayFen: 5000 });
  });
});
