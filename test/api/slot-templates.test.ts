import { Slot, SlotTemplate } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling } from '../../server/container';
import { addDays, isoWeekday, shanghaiInstant } from '../../server/lib/time';
import type { Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { centreNamed, JIAXIN, loginConsole, loginWechat, seen, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

/**
 * Weekly slot templates and the slots-ahead job, on SQLite and MariaDB: the demo seeds a week of slots from its
 * templates; the job keeps MULIN_SLOT_DAYS_AHEAD (14) days made, never a second copy, never a change to a slot
 * that exists.
 */
const DAYS = 14;

/** A slot as the catalogue lists it. */
interface Listed {
  id: number;
  centreId: number;
  serviceItem: { id: number };
  date: string;
  start: string;
  startsAt: string;
  capacity: number;
  booked: number;
  bookable: boolean;
  bookingCutoffAt: string;
  workerName: string | null;
  menu: { dishes: unknown[] } | null;
}

describeEachDb('slot templates', (h) => {
  let runner: JobRunner<Services>;
  let staff: string;
  let family: string;

  beforeAll(async () => {
    runner = buildScheduling(h().services, { instance: 'slots-test', jobs: JOBS }).runner;
    staff = await loginConsole(h(), 'staff-jiaxin');
    family = await loginWechat(h(), 'o_family_01');
  });
  beforeEach(() => h().clock.set(T0));

  async function runJob(): Promise<number> {
    const r = await runner.run(jobNamed('slots-ahead')!, h().clock.now());
    expect(r.error).toBeNull();
    return r.processed ?? 0;
  }
  const key = (s: Pick<Slot, 'serviceItemId' | 'startsAt' | 'workerName'>) => `${s.serviceItemId}|${s.startsAt.toISOString()}|${s.workerName}`;
  const listedKey = (s: Listed) => `${s.serviceItem.id}|${s.startsAt}|${s.workerName ?? ''}`;
  /** The slots a family sees listed from `from` on, for `days` days (of every centre, or of one). */
  const listed = async (from: string, days: number, q: Record<string, string | number> = {}): Promise<Listed[]> =>
    (
      await h()
        .http.get('/api/v1/slots')
        .query({ ...q, from, to: addDays(from, days - 1) })
        .set('authorization', family)
        .expect(200)
    ).body.items;
  /** A centre's service of a kind, as its page shows it. */
  const itemOf = async (centreId: number, kind: string): Promise<{ id: number }> =>
    (await seen(h(), family, `/centres/${centreId}`)).serviceItems.find((i: { kind: string }) => i.kind === kind);

  /** What the templates call for over the next DAYS days, worked out here from the rows, not by the service. */
  async function expectedSlots(): Promise<Map<string, { template: SlotTemplate; date: string }>> {
    const now = h().clock.now();
    const out = new Map<string, { template: SlotTemplate; date: string }>();
    for (const t of await h().db.manager.findBy(SlotTemplate, { active: true })) {
      for (let d = 0; d < DAYS; d++) {
        const date = addDays(TODAY, d);
        if (!t.weekdays.includes(String(isoWeekday(date)))) continue;
        if (shanghaiInstant(addDays(date, -t.bookingCutoffDays), t.bookingCutoffTime) <= now) continue;
        out.set(key({ serviceItemId: t.serviceItemId, startsAt: shanghaiInstant(date, t.startTime), workerName: t.workerName }), { template: t, date });
      }
    }
    return out;
  }

  test("the job fills the next 14 days from the templates exactly once, with last week's menus; a rerun makes nothing", async () => {
    const before = await listed(TODAY, DAYS);
    const expected = await expectedSlots();
    const missing = [...expected.keys()].filter((k) => !before.some((s) => listedKey(s) === k));
    expect(missing.length).toBeGreaterThan(50);

    expect(await runJob()).toBe(missing.length);
    const after = await listed(TODAY, DAYS);
    expect(after).toHaveLength(before.length + missing.length);
    const keys = after.map(listedKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of expected.keys()) expect(keys).toContain(k);
    // A made slot has its template's capacity and cut-offs, and can be booked.
    const made = after.filter((s) => !before.some((b) => b.id === s.id));
    for (const s of made.slice(0, 20)) {
      const { template, date } = expected.get(listedKey(s))!;
      expect(s).toMatchObject({ centreId: template.centreId, date, capacity: template.capacity, booked: 0, bookable: true });
      expect(s.bookingCutoffAt).toBe(shanghaiInstant(addDays(date, -template.bookingCutoffDays), template.bookingCutoffTime).toISOString());
    }
    // Lunch a week from today starts with today's lunch menu.
    const jiaxin = await centreNamed(h(), JIAXIN);
    const lunch = await itemOf(jiaxin.id, 'lunch');
    const slotOn = (date: string) => after.find((s) => s.serviceItem.id === lunch.id && s.date === date)!;
    expect(slotOn(addDays(TODAY, 7)).menu!.dishes).toEqual(slotOn(TODAY).menu!.dishes);

    expect(await runJob()).toBe(0);
    expect(await listed(TODAY, DAYS)).toHaveLength(after.length);
  });

  test('a new template makes its slots at once; a slot that exists (booked) is left exactly as it was', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const lunch = await itemOf(jiaxin.id, 'lunch');
    const lunches = (from: string, days: number) => listed(from, days, { serviceItemId: lunch.id });
    // Book tomorrow's 11:00 lunch, then add a template that also covers 11:00 with another capacity.
    const tomorrow = addDays(TODAY, 1);
    const [slot] = await lunches(tomorrow, 1);
    const zhang = await seniorNamed(h(), '张桂英');
    await h()
      .http.post('/api/v1/bookings')
      .set('authorization', family)
      .set('Idempotency-Key', 'tpl-test-1')
      .send({ seniorId: zhang.id, slotId: slot.id, deliveryMode: 'pick_up' })
      .expect(201);
    const booked = await h().db.manager.findOneByOrFail(Slot, { id: slot.id });
    const bookedSeen = await seen(h(), family, `/slots/${slot.id}`);

    const body = {
      serviceItemId: lunch.id,
      weekdays: [1, 2, 3, 4, 5],
      start: '11:00',
      end: '12:30',
      capacity: 5,
      bookingCutoff: { daysBefore: 0, time: '09:30' },
      cancelCutoff: { daysBefore: 0, time: '09:00' },
    };
    const second = { ...body, start: '12:30', end: '13:30', capacity: 30 };
    const weekdaysAhead = Array.from({ length: DAYS }, (_, d) => addDays(TODAY, d)).filter(
      (d) => isoWeekday(d) <= 5 && shanghaiInstant(d, '09:30') > h().clock.now(),
    );
    // The listing a senior sees that day (read now, and shared for a moment: see FreshReads) has the new slot at once.
    const startsListed = async () =>
      (
        (
          await h()
            .http.get('/api/v1/slots')
            .query({ centreId: jiaxin.id, kind: 'lunch', from: weekdaysAhead[0], to: weekdaysAhead[0] })
            .set('authorization', family)
            .expect(200)
        ).body.items as Array<{ start: string }>
      ).map((x) => x.start);
    expect(await startsListed()).not.toContain('12:30');
    const res = await h().http.post(`/api/v1/centres/${jiaxin.id}/slot-templates`).set('authorization', staff).send(second).expect(201);
    expect(res.body.slotsMade).toBe(weekdaysAhead.length);
    expect(await startsListed()).toContain('12:30');
    const ofCapacity30 = async (from: string, days: number) => (await lunches(from, days)).filter((s) => s.capacity === 30).map((s) => s.date);
    expect(await ofCapacity30(TODAY, DAYS)).toEqual(weekdaysAhead);

    await h().http.post(`/api/v1/centres/${jiaxin.id}/slot-templates`).set('authorization', staff).send(body).expect(201);
    // Not a column of the booked slot changed (updatedAt included), so what the family sees is as it was.
    expect(await h().db.manager.findOneByOrFail(Slot, { id: slot.id })).toEqual(booked);
    expect(await seen(h(), family, `/slots/${slot.id}`)).toEqual(bookedSeen);
    expect(bookedSeen.booked).toBe(1);
    expect((await lunches(tomorrow, 1)).map((s) => [s.start, s.workerName])).toEqual([
      ['11:00', null],
      ['12:30', null],
    ]);

    // Deactivated: nothing more is made from it; what it made stays.
    const list = (await h().http.get(`/api/v1/centres/${jiaxin.id}/slot-templates`).set('authorization', staff).expect(200)).body.items;
    const extra = list.find((t: { start: string }) => t.start === '12:30');
    await h().http.delete(`/api/v1/slot-templates/${extra.id}`).set('authorization', staff).expect(204);
    h().clock.set(new Date(Date.parse(T0) + 3 * 86_400_000));
    await runJob();
    // Up to the last day the job now makes: the slots the template made before it went, and no more.
    expect(await ofCapacity30(TODAY, 3 + DAYS)).toEqual(weekdaysAhead);
    const again = await loginConsole(h(), 'staff-jiaxin'); // three days on, a fresh console session
    expect((await h().http.delete(`/api/v1/slot-templates/${extra.id}`).set('authorization', again)).status).toBe(404);
  });

  test("only the centre's staff and administrators over it; wrong input is refused with the field", async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const lunch = await itemOf(jiaxin.id, 'lunch');
    const other = await loginConsole(h(), 'staff-dongyuan');
    expect((await h().http.get(`/api/v1/centres/${jiaxin.id}/slot-templates`).set('authorization', other)).status).toBe(403);
    expect((await h().http.get(`/api/v1/centres/${jiaxin.id}/slot-templates`).set('authorization', family)).status).toBe(403);
    const admin = await loginConsole(h(), 'admin-mishixiang');
    const seeded = (await h().http.get(`/api/v1/centres/${jiaxin.id}/slot-templates`).set('authorization', admin).expect(200)).body.items;
    expect(seeded.map((t: { start: string }) => t.start)).toEqual(expect.arrayContaining(['11:00', '17:00']));

    const base = {
      serviceItemId: lunch.id,
      weekdays: [1],
      start: '11:00',
      end: '12:00',
      capacity: 10,
      bookingCutoff: { daysBefore: 0, time: '09:00' },
      cancelCutoff: { daysBefore: 0, time: '09:00' },
    };
    const post = (b: unknown) =>
      h()
        .http.post(`/api/v1/centres/${jiaxin.id}/slot-templates`)
        .set('authorization', staff)
        .send(b as object);
    const cases: Array<[unknown, string, number, string]> = [
      [{ ...base, end: '10:00' }, 'end', 422, 'SLOT_END_BEFORE_START'],
      [{ ...base, bookingCutoff: { daysBefore: 0, time: '11:30' } }, 'bookingCutoff', 422, 'CUTOFF_AFTER_START'],
      [{ ...base, start: '25:00' }, 'start', 400, 'VALIDATION_FAILED'],
      [{ ...base, weekdays: [] }, 'weekdays', 400, 'VALIDATION_FAILED'],
      [{ ...base, capacity: 0 }, 'capacity', 400, 'VALIDATION_FAILED'],
    ];
    for (const [b, field, status, code] of cases) {
      const r = await post(b);
      expect([r.status, r.body.error.code]).toEqual([status, code]);
      expect(Object.keys(r.body.error.details.fields)).toContain(field);
    }
    const dongyuan = await centreNamed(h(), '嘉新东园睦邻点');
    const foreign = await itemOf(dongyuan.id, 'lunch');
    const r = await post({ ...base, serviceItemId: foreign.id });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'SERVICE_ITEM_NOT_IN_CENTRE', message: '这个服务项目不属于本站点' });
    const templates = (await seen(h(), staff, `/centres/${jiaxin.id}/slot-templates`)).items;
    expect(templates.filter((t: { start: string; end: string }) => t.start === '11:00' && t.end === '12:00')).toEqual([]);
  });
});
