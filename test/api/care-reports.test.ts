import { Account, Region, TimeBankEntry, Visit } from '../../entities';
import { readXlsx } from '../../server/lib/spreadsheet';
import { JIAXIN, MAIYUQIAO, centreNamed, loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// 探访关爱月报 (issue 24): per community and month, visits done against planned, worries raised and resolved, volunteer
// hours — for administrators over a region and for a centre's staff (their own visits). A month of visits is made
// through the API (a volunteer's, staff's, worries, one made late in January), and every figure is checked against
// the same sums computed here straight from the visit and time-bank tables.

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(T0) + days * DAY);

interface Figures {
  plannedVisits: number;
  doneVisits: number;
  concernsRaised: number;
  concernsResolved: number;
  volunteerMinutes: number;
}
interface Row extends Figures {
  regionId: number | null;
  community: string;
}

describeEachDb('the care report', (h) => {
  const t = {} as Record<'district' | 'street' | 'otherStreet' | 'staff' | 'otherStaff' | 'volunteer' | 'senior', string>;
  async function setClock(when: Date | string): Promise<void> {
    h().clock.set(when);
    t.district = await loginConsole(h(), 'admin');
    t.street = await loginConsole(h(), 'admin-mishixiang');
    t.otherStreet = await loginConsole(h(), 'admin-hushu');
    t.staff = await loginConsole(h(), 'staff-jiaxin');
    t.otherStaff = await loginConsole(h(), 'staff-maiyuqiao');
    t.volunteer = await loginWechat(h(), 'o_family_05');
    t.senior = await loginWechat(h(), 'o_mini_senior_01');
  }
  const post = (path: string, auth: string, body: object) => h().http.post(`/api/v1${path}`).set('authorization', auth).send(body);
  const report = (auth: string, query: Record<string, string | number>) => h().http.get('/api/v1/care/reports').set('authorization', auth).query(query);
  const record = async (auth: string, v: Visit, concern = false) =>
    post(`/visits/${v.id}/record`, auth, {
      proof: { code: v.presenceCode },
      health: 'good',
      mood: concern ? 'low' : 'good',
      homeSafety: concern ? 'attention' : 'safe',
      concern,
      concernNote: concern ? '家里灯坏了' : '',
      version: v.version,
    }).expect(200);
  const dueOf = (centreId: number) => h().db.manager.find(Visit, { where: { centreId, status: 'due' }, order: { id: 'ASC' } });

  /** The month's figures per community, summed here from the tables (visits, time-bank credits, regions). */
  async function fromTables(month: string, regionPath: string, centreId: number | null): Promise<{ rows: Row[]; total: Figures }> {
    const [visits, credits, regions] = await Promise.all([
      h().db.manager.find(Visit),
      h().db.manager.findBy(TimeBankEntry, { kind: 'credit' }),
      h().db.manager.find(Region),
    ]);
    const first = `${month}-01`;
    const nextMonth = month.endsWith('-12')
      ? `${Number(month.slice(0, 4)) + 1}-01-01`
      : `${month.slice(0, 5)}${String(Number(month.slice(5)) + 1).padStart(2, '0')}-01`;
    const from = Date.parse(`${first}T00:00:00+08:00`);
    const to = Date.parse(`${nextMonth}T00:00:00+08:00`);
    const inScope = (v: Visit) => v.regionPath.startsWith(regionPath) && (centreId === null || v.centreId === centreId);
    const byId = new Map(visits.map((v) => [v.id, v]));
    const rows = new Map<string, Figures>();
    const row = (path: string) =>
      rows.get(path) ?? rows.set(path, { plannedVisits: 0, doneVisits: 0, concernsRaised: 0, concernsResolved: 0, volunteerMinutes: 0 }).get(path)!;
    for (const v of visits.filter(inScope)) {
      if (v.dueOn >= first && v.dueOn < nextMonth && v.status !== 'cancelled') {
        row(v.regionPath).plannedVisits++;
        if (v.status === 'done') row(v.regionPath).doneVisits++;
      }
      const doneAt = v.doneAt ? new Date(v.doneAt).getTime() : null;
      if (doneAt !== null && doneAt >= from && doneAt < to && v.concernStatus !== 'none') {
        row(v.regionPath).concernsRaised++;
        if (v.concernStatus === 'resolved') row(v.regionPath).concernsResolved++;
      }
    }
    for (const c of credits) {
      const v = c.visitId !== null ? byId.get(c.visitId) : undefined;
      const when = new Date(c.createdAt).getTime();
      if (v && inScope(v) && when >= from && when < to) row(v.regionPath).volunteerMinutes += c.minutes;
    }
    const names = new Map(regions.map((r) => [r.path, r]));
    const list = [...rows.entries()]
      .map(([path, f]) => ({ regionId: names.get(path)!.id, community: names.get(path)!.name, ...f }))
      .sort((a, b) => a.community.localeCompare(b.community, 'zh-Hans-CN') || a.regionId - b.regionId);
    const total = list.reduce(
      (s, r) => ({
        plannedVisits: s.plannedVisits + r.plannedVisits,
        doneVisits: s.doneVisits + r.doneVisits,
        concernsRaised: s.concernsRaised + r.concernsRaised,
        concernsResolved: s.concernsResolved + r.concernsResolved,
        volunteerMinutes: s.volunteerMinutes + r.volunteerMinutes,
      }),
      { plannedVisits: 0, doneVisits: 0, concernsRaised: 0, concernsResolved: 0, volunteerMinutes: 0 },
    );
    return { rows: list, total };
  }

  let zhangCommunity: Region;
  let lateVisitId: number;

  beforeAll(async () => {
    await setClock(T0);
    const district = await h().db.manager.findOneByOrFail(Region, { name: '拱墅区' });
    for (const [category, intervalDays] of [
      ['living_alone', 7],
      ['empty_nest', 14],
      ['low_income', 14],
    ] as const)
      await post('/visit-rules', t.district, { regionId: district.id, category, intervalDays }).expect(201);
    await h().services.visitPlans.plan();

    const zhang = await seniorNamed(h(), '张桂英');
    zhangCommunity = await h().db.manager.findOneByOrFail(Region, { id: zhang.regionId });
    const jiaxin = await centreNamed(h(), JIAXIN);
    const maiyuqiao = await centreNamed(h(), MAIYUQIAO);

    // 吴静 volunteers for 嘉新 and is paired with 张桂英: she makes her visit today (an hour in the time bank).
    const wu = await h().db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_05' });
    const volunteer = await post('/volunteers', t.staff, { accountId: wu.id, name: '吴静' }).expect(201);
    await post(`/volunteers/${volunteer.body.id}/pairings`, t.staff, { seniorId: zhang.id, consentBy: 'senior' }).expect(200);
    const jiaxinDue = await dueOf(jiaxin.id);
    const zhangsVisit = jiaxinDue.find((v) => v.seniorId === zhang.id)!;
    await record(t.volunteer, zhangsVisit);
    // 赵敏 makes another with a worry, and sees to it.
    const other = jiaxinDue.find((v) => v.seniorId !== zhang.id)!;
    const worried = await record(t.staff, other, true);
    await post(`/visits/${other.id}/resolve-concern`, t.staff, { resolution: '已派人修灯', version: worried.body.visit.version }).expect(200);
    // 卖鱼桥 (the other street) makes one with a worry still open.
    const far = (await dueOf(maiyuqiao.id))[0];
    expect(far).toBeDefined();
    await record(t.otherStaff, far, true);

    // A week on, the plan gives 张桂英 her next visit (to 吴静), made on the 9th: another hour.
    await setClock(at(8));
    await h().services.visitPlans.plan();
    await record(
      t.volunteer,
      (await dueOf(jiaxin.id)).find((v) => v.seniorId === zhang.id)!,
    );

    // One of 嘉新's December visits is only made on 2 January, with a worry: done in December's plan, worried in January.
    await setClock('2027-01-02T02:00:00.000Z');
    const late = (await dueOf(jiaxin.id)).find((v) => v.dueOn.startsWith('2026-12') && v.seniorId !== zhang.id)!;
    lateVisitId = late.id;
    await record(t.staff, late, true);
  });

  test('the street administrator: her street’s communities, each figure as the tables have it', async () => {
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    const res = await report(t.street, { month: '2026-12' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toEqual({ kind: 'region', id: street.id, name: '米市巷街道' });
    const want = await fromTables('2026-12', street.path, null);
    expect(res.body.rows).toEqual(want.rows);
    expect(res.body.total).toEqual(want.total);
    // 张桂英's community: her volunteer's two hours, 赵敏's worry raised and resolved; the late visit counts as done.
    const hers = res.body.rows.find((r: Row) => r.regionId === zhangCommunity.id);
    expect(hers).toMatchObject({ community: zhangCommunity.name, volunteerMinutes: 120 });
    expect(res.body.rows.reduce((s: number, r: Row) => s + r.concernsResolved, 0)).toBe(1);
    expect((await h().db.manager.findOneByOrFail(Visit, { id: lateVisitId })).dueOn.startsWith('2026-12')).toBe(true);
    expect(hers.doneVisits).toBeGreaterThanOrEqual(3);
    expect(hers.plannedVisits).toBeGreaterThan(hers.doneVisits);
    // Nothing of the other street.
    const streets = await h().db.manager.findBy(Region, { level: 'community' });
    const outside = streets.filter((r) => !r.path.startsWith(street.path)).map((r) => r.id);
    expect(res.body.rows.filter((r: Row) => outside.includes(r.regionId!))).toEqual([]);
  });

  test('the district administrator: every community; the open worry of 卖鱼桥 is raised, not resolved; January has the late worry', async () => {
    const district = await h().db.manager.findOneByOrFail(Region, { name: '拱墅区' });
    const dec = (await report(t.district, { month: '2026-12' }).expect(200)).body;
    const want = await fromTables('2026-12', district.path, null);
    expect(dec.rows).toEqual(want.rows);
    expect(dec.total).toEqual(want.total);
    expect(dec.total).toMatchObject({ concernsRaised: 2, concernsResolved: 1, volunteerMinutes: 120 });
    const jan = (await report(t.district, { month: '2027-01' }).expect(200)).body;
    expect(jan.rows).toEqual((await fromTables('2027-01', district.path, null)).rows);
    expect(jan.total).toMatchObject({ concernsRaised: 1, concernsResolved: 0, doneVisits: 0 });
    // A month with nothing: no rows, zeros.
    const nov = (await report(t.district, { month: '2026-11' }).expect(200)).body;
    expect(nov).toMatchObject({ rows: [], total: { plannedVisits: 0, doneVisits: 0, concernsRaised: 0, concernsResolved: 0, volunteerMinutes: 0 } });
  });

  test('a centre’s staff: their own centre’s visits only, within a region that holds their centre', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    const res = (await report(t.staff, { month: '2026-12' }).expect(200)).body;
    expect(res.scope).toEqual({ kind: 'centre', id: jiaxin.id, name: JIAXIN });
    const want = await fromTables('2026-12', '/', jiaxin.id);
    expect(res.rows).toEqual(want.rows);
    expect(res.total).toEqual(want.total);
    expect(res.total).toMatchObject({ concernsRaised: 1, concernsResolved: 1, volunteerMinutes: 120 });
    expect((await report(t.staff, { month: '2026-12', regionId: street.id }).expect(200)).body.rows).toEqual(want.rows);
  });

  test('nobody else: the other street, staff naming another street, seniors; a bad month is named in Chinese', async () => {
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    const hushu = await h().db.manager.findOneByOrFail(Region, { name: '湖墅街道' });
    expect((await report(t.otherStreet, { month: '2026-12', regionId: street.id })).body.error.code).toBe('DASHBOARD_SCOPE_NOT_ALLOWED');
    expect((await report(t.staff, { month: '2026-12', regionId: hushu.id })).status).toBe(403);
    expect((await report(t.senior, { month: '2026-12' })).body.error.code).toBe('DASHBOARD_NOT_ALLOWED');
    const bad = await report(t.street, { month: '2026-13' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.month).toContain('月份');
  });

  test('the xlsx: Chinese headers, a row per community as in the JSON, hours to a tenth, totals, and what each column counts', async () => {
    const json = (await report(t.street, { month: '2026-12' }).expect(200)).body;
    const res = await h()
      .http.get('/api/v1/care/reports.xlsx')
      .query({ month: '2026-12' })
      .set('authorization', t.street)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="care-report-2026-12.xlsx"; filename*=UTF-8''${encodeURIComponent('米市巷街道-2026-12-探访关爱月报.xlsx')}`,
    );
    const sheets = await readXlsx(res.body as Buffer);
    const sheet = sheets.get('探访关爱月报')!;
    expect(sheet[0]).toEqual(['社区', '应探访(次)', '已探访(次)', '完成率', '发现情况(件)', '已处理(件)', '志愿服务(小时)']);
    const line = (label: string, f: Figures) => [
      label,
      f.plannedVisits,
      f.doneVisits,
      f.plannedVisits === 0 ? '—' : `${Math.round((f.doneVisits / f.plannedVisits) * 100)}%`,
      f.concernsRaised,
      f.concernsResolved,
      Math.round(f.volunteerMinutes / 6) / 10,
    ];
    expect(sheet.slice(1)).toEqual([...json.rows.map((r: Row) => line(r.community, r)), line('合计', json.total)]);
    expect(sheet.find((r) => r[0] === zhangCommunity.name)![6]).toBe(2);
    const about = sheets.get('说明')!;
    expect(about[0]).toEqual(['范围', '米市巷街道2026年12月探访关爱月报']);
    expect(about.map((r) => r[0])).toEqual(expect.arrayContaining(['应探访', '已探访', '发现情况', '已处理', '志愿服务']));
    expect((await h().http.get('/api/v1/care/reports.xlsx').query({ month: '2026-12' }).set('authorization', t.senior)).status).toBe(403);
  });
});
