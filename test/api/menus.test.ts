import { AuditLog } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling, type Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { centreNamed, JIAXIN, loginConsole, loginWechat, MAIYUQIAO } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

/**
 * A centre's week of menus, on SQLite and MariaDB: read by anyone, published in one request by the centre's staff
 * (or an administrator over it) — last week's copied and edited — with diet tags and allergens that the slot
 * listings (the mini-program) and the bot then show. Today is Tuesday 1 December 2026; this week began on Monday
 * 30 November (the demo's slots start today), next week begins on 7 December.
 */
const THIS_WEEK = '2026-11-30';
const NEXT_WEEK = '2026-12-07';

describeEachDb('weekly menus', (h) => {
  let runner: JobRunner<Services>;
  let jiaxin: number;
  let staff: string;

  beforeAll(async () => {
    runner = buildScheduling(h().services, { instance: 'menus-test', jobs: JOBS }).runner;
    jiaxin = (await centreNamed(h(), JIAXIN)).id;
    staff = await loginConsole(h(), 'staff-jiaxin');
    // Next week's slots, as the hourly job makes them (with this week's menus copied onto them).
    expect((await runner.run(jobNamed('slots-ahead')!, h().clock.now())).error).toBeNull();
  });
  beforeEach(() => h().clock.set(T0));

  const week = (monday: string, auth: string) => h().http.get(`/api/v1/centres/${jiaxin}/menus?week=${monday}`).set('authorization', auth);
  const publish = (monday: string, auth: string, body: object, centre = jiaxin) =>
    h().http.put(`/api/v1/centres/${centre}/menus/${monday}`).set('authorization', auth).send(body);
  type Meal = { kind: string; dishes: Array<{ name: string; flags: string[]; allergens: string[]; tagLabels: string[] }>; note: string; slotIds: number[] };
  type Week = { version: number; days: Array<{ date: string; weekday: number; meals: Meal[] }> };
  const meal = (w: Week, date: string, kind: string) => w.days.find((d) => d.date === date)!.meals.find((m) => m.kind === kind);
  const names = (m: Meal | undefined) => m?.dishes.map((d) => d.name) ?? [];

  test('a week reads Monday to Sunday with its meal slots and dishes; version 0 until first published', async () => {
    const family = await loginWechat(h(), 'o_family_01');
    const res = await week(THIS_WEEK, family).expect(200);
    const w = res.body as Week;
    expect(res.body).toMatchObject({ centreId: jiaxin, week: THIS_WEEK, weekEnd: '2026-12-06', version: 0, updatedAt: null });
    expect(w.days.map((d) => d.date)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(w.days.map((d) => d.weekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(w.days[0].meals).toEqual([]); // no slots were made for the day before the demo began
    expect(w.days[1].meals.map((m) => m.kind)).toEqual(['lunch', 'dinner']);
    expect(names(meal(w, '2026-12-01', 'lunch')).length).toBeGreaterThan(0);
    // Without ?week, this week.
    expect((await h().http.get(`/api/v1/centres/${jiaxin}/menus`).set('authorization', family).expect(200)).body.week).toBe(THIS_WEEK);
  });

  test("next week copied from this week and edited in one request; the mini-program's slots and the bot show the tags", async () => {
    const thisWeek = (await week(THIS_WEEK, staff).expect(200)).body as Week;
    const res = await publish(NEXT_WEEK, staff, {
      version: 0,
      copyFrom: THIS_WEEK,
      days: [
        // Monday had nothing to copy: written out.
        { date: '2026-12-07', kind: 'lunch', dishes: [{ name: '红烧冬瓜', flags: ['soft'] }, { name: '番茄蛋汤' }], note: '' },
        // Wednesday's lunch changes; Thursday has no dinner menu.
        {
          date: '2026-12-09',
          kind: 'lunch',
          dishes: [
            { name: '清蒸鲈鱼', flags: ['low_salt', 'soft'], allergens: ['fish'] },
            { name: '宫保鸡丁', allergens: ['peanut'] },
            { name: '杂粮饭', flags: ['diabetic'] },
          ],
          note: '糖尿病餐可换杂粮饭',
        },
        { date: '2026-12-10', kind: 'dinner', dishes: [] },
      ],
    }).expect(200);
    const w = res.body as Week & { skipped: unknown[] };
    expect(w.version).toBe(1);
    expect(w.skipped).toEqual([]);
    expect(names(meal(w, '2026-12-07', 'lunch'))).toEqual(['红烧冬瓜', '番茄蛋汤']);
    expect(names(meal(w, '2026-12-07', 'dinner'))).toEqual([]); // neither copied nor given
    for (const [to, from] of [
      ['2026-12-08', '2026-12-01'],
      ['2026-12-11', '2026-12-04'],
      ['2026-12-13', '2026-12-06'],
    ]) {
      expect(names(meal(w, to, 'lunch'))).toEqual(names(meal(thisWeek, from, 'lunch')));
      expect(names(meal(w, to, 'dinner'))).toEqual(names(meal(thisWeek, from, 'dinner')));
    }
    expect(names(meal(w, '2026-12-10', 'dinner'))).toEqual([]);
    expect(names(meal(w, '2026-12-10', 'lunch'))).toEqual(names(meal(thisWeek, '2026-12-03', 'lunch')));
    const wed = meal(w, '2026-12-09', 'lunch')!;
    expect(wed.note).toBe('糖尿病餐可换杂粮饭');
    expect(wed.dishes[0]).toEqual({
      name: '清蒸鲈鱼',
      flags: ['low_salt', 'soft'],
      allergens: ['fish'],
      flagLabels: ['少盐', '软食'],
      allergenLabels: ['鱼'],
      tagLabels: ['少盐', '软食', '含鱼'],
    });
    expect(wed.dishes[1].tagLabels).toEqual(['含花生']);
    expect(wed.dishes[2].tagLabels).toEqual(['糖尿病餐']);

    // What a family sees when choosing Wednesday's lunch in the mini-program.
    const family = await loginWechat(h(), 'o_family_01');
    const slots = await h().http.get(`/api/v1/slots?centreId=${jiaxin}&kind=lunch&from=2026-12-09&to=2026-12-09`).set('authorization', family).expect(200);
    expect(slots.body.items).toHaveLength(1);
    expect(slots.body.items[0].menu.dishes.map((d: { name: string; tagLabels: string[] }) => `${d.name}:${d.tagLabels.join('/')}`)).toEqual([
      '清蒸鲈鱼:少盐/软食/含鱼',
      '宫保鸡丁:含花生',
      '杂粮饭:糖尿病餐',
    ]);

    // The write is in the audit log.
    const audit = await h().db.manager.findBy(AuditLog, { action: 'menu.publish' });
    expect(audit.map((a) => a.detail)).toContainEqual(expect.objectContaining({ centreId: jiaxin, week: NEXT_WEEK, copiedFrom: THIS_WEEK }));
  });

  test("today's menu published with tags: the bot reads it out with them, briefly", async () => {
    const current = (await week(THIS_WEEK, staff).expect(200)).body as Week;
    // The whole week as it is, today's lunch changed (without copyFrom the request is the whole week).
    const days = current.days.flatMap((d) =>
      d.meals
        .filter((m) => m.dishes.length > 0)
        .map((m) => ({
          date: d.date,
          kind: m.kind,
          note: m.note,
          dishes: m.dishes.map((x) => ({ name: x.name, flags: x.flags, allergens: x.allergens })),
        })),
    );
    const lunch = days.find((m) => m.date === '2026-12-01' && m.kind === 'lunch')!;
    lunch.dishes = [
      { name: '清蒸鲈鱼', flags: ['soft', 'low_salt'], allergens: ['fish'] },
      { name: '米饭', flags: [], allergens: [] },
    ];
    await publish(THIS_WEEK, staff, { version: current.version, days }).expect(200);
    const reply = await h().sandbox.chat.send('o_senior_01', { kind: 'text', content: '今天午饭吃什么？' }, false);
    expect(reply.reply).toMatchObject({ type: 'text' });
    const text = (reply.reply as { content: string }).content;
    expect(text).toContain('今天午饭 11:00：清蒸鲈鱼（软食、少盐、含鱼）、米饭');
    expect(text.split('\n').length).toBeLessThanOrEqual(3);
  });

  test('on Thursday, days already gone keep the menu they were served with; the rest of the week is replaced', async () => {
    h().clock.set('2026-12-03T00:30:00.000Z'); // Thursday 08:30
    const staff = await loginConsole(h(), 'staff-jiaxin'); // console sessions last 12 hours
    const before = (await week(THIS_WEEK, staff).expect(200)).body as Week;
    const source = (await week(NEXT_WEEK, staff).expect(200)).body as Week;
    const res = await publish(THIS_WEEK, staff, { version: before.version, copyFrom: NEXT_WEEK }).expect(200);
    expect(res.body.skipped).toEqual(
      expect.arrayContaining([
        { date: '2026-12-01', kind: 'lunch', reason: 'day_passed' },
        { date: '2026-12-02', kind: 'dinner', reason: 'day_passed' },
      ]),
    );
    const after = res.body as Week;
    for (const date of ['2026-12-01', '2026-12-02']) {
      expect(names(meal(after, date, 'lunch'))).toEqual(names(meal(before, date, 'lunch')));
      expect(names(meal(after, date, 'dinner'))).toEqual(names(meal(before, date, 'dinner')));
    }
    expect(names(meal(after, '2026-12-03', 'lunch'))).toEqual(names(meal(source, '2026-12-10', 'lunch')));
    expect(names(meal(after, '2026-12-04', 'dinner'))).toEqual(names(meal(source, '2026-12-11', 'dinner')));
  });

  test('a stale edit is refused with 409 and changes nothing; the version read goes up by one per publication', async () => {
    const before = (await week(NEXT_WEEK, staff).expect(200)).body as Week;
    expect(before.version).toBeGreaterThanOrEqual(1);
    const keep = { date: '2026-12-08', kind: 'lunch', dishes: [{ name: '青菜豆腐' }] };
    const ok = await publish(NEXT_WEEK, staff, { version: before.version, copyFrom: NEXT_WEEK, days: [keep] }).expect(200);
    expect(ok.body.version).toBe(before.version + 1);
    // A second editor who read the week before that publication.
    const stale = await publish(NEXT_WEEK, staff, { version: before.version, copyFrom: NEXT_WEEK, days: [{ ...keep, dishes: [{ name: '炒白菜' }] }] }).expect(
      409,
    );
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    // A week never published takes version 0 only.
    const fresh = await publish('2026-12-14', staff, { version: 3, days: [] }).expect(409);
    expect(fresh.body.error.code).toBe('VERSION_CONFLICT');
    const after = (await week(NEXT_WEEK, staff).expect(200)).body as Week;
    expect(after.version).toBe(before.version + 1);
    expect(names(meal(after, '2026-12-08', 'lunch'))).toEqual(['青菜豆腐']);
  });

  test('only the centre’s staff and the administrators over it may publish', async () => {
    const body = { version: 0, days: [] };
    const other = await publish('2026-12-14', await loginConsole(h(), 'staff-maiyuqiao'), body).expect(403);
    expect(other.body.error.code).toBe('NOT_CENTRE_STAFF');
    expect((await publish('2026-12-14', await loginConsole(h(), 'admin-hushu'), body).expect(403)).body.error.code).toBe('NOT_CENTRE_STAFF');
    expect((await publish('2026-12-14', await loginWechat(h(), 'o_family_01'), body).expect(403)).body.error.code).toBe('NOT_CENTRE_STAFF');
    // The street's administrator may (the week of the 14th has one day of slots so far: nothing copied is lost).
    const res = await publish('2026-12-14', await loginConsole(h(), 'admin-mishixiang'), { version: 0, copyFrom: NEXT_WEEK }).expect(200);
    expect(res.body.version).toBe(1);
    expect(res.body.skipped.length).toBeGreaterThan(0); // 15–20 December have no slots yet
    expect(res.body.skipped).toContainEqual({ date: '2026-12-15', kind: 'lunch', reason: 'no_slot' });
    // And the centre must exist.
    expect((await publish('2026-12-14', staff, body, 999_999).expect(404)).body.error.code).toBe('CENTRE_NOT_FOUND');
    // Another centre's week is untouched.
    const maiyuqiao = (await centreNamed(h(), MAIYUQIAO)).id;
    expect((await h().http.get(`/api/v1/centres/${maiyuqiao}/menus?week=2026-12-14`).set('authorization', staff).expect(200)).body.version).toBe(0);
  });

  test('what is refused, with the field named in Chinese', async () => {
    const notMonday = await publish('2026-12-08', staff, { version: 0, days: [] }).expect(400);
    expect(notMonday.body.error.details.fields.week).toContain('星期一');
    const emptyName = await publish(NEXT_WEEK, staff, { version: 1, days: [{ date: '2026-12-08', kind: 'lunch', dishes: [{ name: ' ' }] }] }).expect(400);
    expect(emptyName.body.error.details.fields['days.0.dishes.0.name']).toContain('菜名');
    const badTag = await publish(NEXT_WEEK, staff, {
      version: 1,
      days: [{ date: '2026-12-08', kind: 'lunch', dishes: [{ name: '粥', flags: ['spicy'] }] }],
    }).expect(400);
    expect(badTag.body.error.details.fields['days.0.dishes.0.flags.0']).toContain('饮食标签');
    const noVersion = await publish(NEXT_WEEK, staff, { days: [] }).expect(400);
    expect(noVersion.body.error.details.fields.version).toContain('版本号');

    const current = ((await week(NEXT_WEEK, staff).expect(200)).body as Week).version;
    const outside = await publish(NEXT_WEEK, staff, { version: current, days: [{ date: '2026-12-14', kind: 'lunch', dishes: [{ name: '粥' }] }] }).expect(422);
    expect(outside.body.error.code).toBe('MENU_DATE_OUTSIDE_WEEK');
    const twice = await publish(NEXT_WEEK, staff, {
      version: current,
      days: [
        { date: '2026-12-08', kind: 'lunch', dishes: [{ name: '粥' }] },
        { date: '2026-12-08', kind: 'lunch', dishes: [{ name: '面' }] },
      ],
    }).expect(422);
    expect(twice.body.error.code).toBe('MENU_MEAL_REPEATED');
    const noSlot = await publish(NEXT_WEEK, staff, { version: current, days: [{ date: '2026-12-08', kind: 'breakfast', dishes: [{ name: '粥' }] }] }).expect(
      422,
    );
    expect(noSlot.body.error).toMatchObject({ code: 'MENU_NO_SLOT', details: { fields: { 'days.0': 'no slot' } } });
    expect(noSlot.body.error.message).toContain('2026-12-08 没有早餐时段');
    const past = await publish('2026-11-23', staff, { version: 0, days: [] }).expect(422);
    expect(past.body.error.code).toBe('MENU_WEEK_PAST');
    // Nothing of the refused requests was written.
    expect(((await week(NEXT_WEEK, staff).expect(200)).body as Week).version).toBe(current);
  });
});
