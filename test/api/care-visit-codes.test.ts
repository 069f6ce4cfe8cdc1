import { Account, AuditLog, Region, Visit } from '../../entities';
import { JIAXIN, centreNamed, loginConsole, loginWechat, seen } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// A visit's presence code is six digits: guessed one after another or sent all at once, wrong codes are counted per
// visitor account before they are checked (AttemptLimiter, policy visit_code_account), slowed down after three and
// locked for a quarter hour after five. The phone's location is no guess and still works; other visitors are not held up.

const MINUTE = 60_000;

interface VisitRow {
  id: number;
  version: number;
  senior: { id: number; name: string };
}

describeEachDb('guessing visit presence codes', (h) => {
  const t = {} as Record<'street' | 'staff' | 'volunteer', string>;
  let open: VisitRow[];

  const record = (auth: string, v: VisitRow, proof: object) =>
    h()
      .http.post(`/api/v1/visits/${v.id}/record`)
      .set('authorization', auth)
      .send({ proof, health: 'good', mood: 'good', homeSafety: 'safe', version: v.version });
  const codeOf = async (v: VisitRow) => (await h().db.manager.findOneByOrFail(Visit, { id: v.id })).presenceCode!;
  const wrongCodeOf = async (v: VisitRow) => ((await codeOf(v)) === '111111' ? '222222' : '111111');

  beforeAll(async () => {
    h().clock.set(T0);
    t.street = await loginConsole(h(), 'admin-mishixiang');
    t.staff = await loginConsole(h(), 'staff-jiaxin');
    t.volunteer = await loginWechat(h(), 'o_family_05');
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    for (const category of ['living_alone', 'empty_nest', 'very_old', 'minimum_living', 'low_income', 'disabled'])
      await h().http.post('/api/v1/visit-rules').set('authorization', t.street).send({ regionId: street.id, category, intervalDays: 7 }).expect(201);
    await h().services.visitPlans.plan();
    const jiaxin = await centreNamed(h(), JIAXIN);
    open = (await seen(h(), t.staff, `/visits?centreId=${jiaxin.id}&list=due`)).items;
    expect(open.length).toBeGreaterThanOrEqual(4);
  });

  test('one visitor, one code at a time: three wrong, a fourth, then a wait; the fifth locks for 15 minutes even the right code; location still works; another visitor is not held up', async () => {
    const [first, second, third] = open;
    const wrong = await wrongCodeOf(first);
    for (let i = 0; i < 4; i++) {
      const res = await record(t.staff, first, { code: wrong });
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([422, 'PRESENCE_CODE_WRONG', '探访码不对，请让老人再看一下']);
    }
    // The right code now: wait five seconds first.
    const wait = await record(t.staff, first, { code: await codeOf(first) });
    expect(wait.status).toBe(429);
    expect(wait.body.error).toEqual({
      code: 'VISIT_CODE_TOO_MANY_TRIES',
      message: '探访码输错次数太多，请 5 秒后再试，或在老人家里用手机定位',
      details: { retryAfterSeconds: 5 },
    });
    expect(wait.headers['retry-after']).toBe('5');

    h().clock.advance(5000);
    expect((await record(t.staff, first, { code: wrong })).body.error.code).toBe('PRESENCE_CODE_WRONG');
    const locked = await record(t.staff, first, { code: await codeOf(first) });
    expect([locked.status, locked.body.error.message]).toEqual([429, '探访码输错次数太多，请 15 分钟后再试，或在老人家里用手机定位']);
    // The lock is the visitor's, on every visit's code.
    expect((await record(t.staff, second, { code: await codeOf(second) })).status).toBe(429);

    // Standing at the senior's door, the phone's location proves it all the same.
    const home = await h().db.manager.findOneByOrFail((await import('../../entities')).Senior, { id: second.senior.id });
    const located = await record(t.staff, second, { latitude: home.latitude!, longitude: home.longitude! });
    expect([located.status, located.body.visit.proof]).toEqual([200, 'location']);

    // A volunteer paired with the third senior is not held up by the staff member's lock.
    const volunteerAccount = await h().db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_05' });
    const volunteer = await h()
      .http.post('/api/v1/volunteers')
      .set('authorization', t.staff)
      .send({ accountId: volunteerAccount.id, name: '吴静' })
      .expect(201);
    await h()
      .http.post(`/api/v1/volunteers/${volunteer.body.id}/pairings`)
      .set('authorization', t.staff)
      .send({ seniorId: third.senior.id, consentBy: 'senior' })
      .expect(200);
    const byVolunteer = await record(t.volunteer, third, { code: await codeOf(third) });
    expect([byVolunteer.status, byVolunteer.body.visit.proof, byVolunteer.body.creditedMinutes]).toEqual([200, 'code', 60]);

    // A quarter hour on, the right code proves the visit.
    h().clock.advance(15 * MINUTE);
    const done = await record(t.staff, first, { code: await codeOf(first) });
    expect([done.status, done.body.visit.status, done.body.visit.proof]).toEqual([200, 'done', 'code']);

    // The centre's audit log holds each wrong code and the lock, on the visit.
    const audit = await h().db.manager.findBy(AuditLog, { entityType: 'visit', entityId: first.id });
    expect(audit.filter((a) => a.action === 'visit_code.failed')).toHaveLength(5);
    expect(audit.filter((a) => a.action === 'attempts.locked').map((a) => a.detail.policy)).toEqual(['visit_code_account']);
    expect(audit.find((a) => a.action === 'visit_code.failed')).toMatchObject({ scopeCentreId: (await centreNamed(h(), JIAXIN)).id });
  });

  test('30 wrong codes at once from one visitor: at most four are checked, the rest wait, and the right code right after waits too', async () => {
    h().clock.advance(2 * 3600_000);
    t.staff = await loginConsole(h(), 'staff-jiaxin');
    const v = open[3];
    const right = await codeOf(v);
    const guesses = Array.from({ length: 30 }, (_, i) => String(100000 + i * 7919).slice(0, 6)).filter((c) => c !== right);
    const answers = await Promise.all(guesses.map((code) => record(t.staff, v, { code })));
    const statuses = answers.map((r) => r.status);
    const checked = statuses.filter((s) => s === 422).length;
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(guesses.length - checked);
    expect(answers.find((r) => r.status === 429)!.body.error.code).toBe('VISIT_CODE_TOO_MANY_TRIES');
    expect((await record(t.staff, v, { code: right })).status).toBe(429);
    expect((await h().db.manager.findOneByOrFail(Visit, { id: v.id })).status).toBe('due');
  });
});
