import { AuditLog, Region, Visit } from '../../entities';
import { JIAXIN, centreNamed, loginConsole, loginWechat, seen, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// 探访关爱 (issue 24): administrators' visit rules, the plan job turning them into visits (fake clock), the lists,
// recording a visit with proof of presence and a worry that reaches the centre and the family, and overdue visits
// escalating to the centre and then the street, once each.

const DAY = 86_400_000;

describeEachDb('visit plans and visits', (h) => {
  const t = {} as Record<'street' | 'otherStreet' | 'staff' | 'otherStaff' | 'senior' | 'daughter' | 'district', string>;
  let zhangId: number;
  let ruleId: number;

  /** Console sessions last hours: after the clock moves by days everyone signs in again. */
  async function signIn(): Promise<void> {
    t.street = await loginConsole(h(), 'admin-mishixiang');
    t.otherStreet = await loginConsole(h(), 'admin-hushu');
    t.district = await loginConsole(h(), 'admin');
    t.staff = await loginConsole(h(), 'staff-jiaxin');
    t.otherStaff = await loginConsole(h(), 'staff-maiyuqiao');
    t.senior = await loginWechat(h(), 'o_mini_senior_01');
    t.daughter = await loginWechat(h(), 'o_family_01');
  }
  async function setClock(at: Date | string): Promise<void> {
    h().clock.set(at);
    await signIn();
  }

  beforeAll(async () => {
    await setClock(T0);
    zhangId = (await seniorNamed(h(), '张桂英')).id;
  });

  const post = (path: string, auth: string, body: object) => h().http.post(`/api/v1${path}`).set('authorization', auth).send(body);

  test('a street administrator sets a rule for their street; others may not; bad input is named in Chinese', async () => {
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    const bad = await post('/visit-rules', t.street, { regionId: street.id, category: 'living_alone', intervalDays: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.intervalDays).toContain('探访间隔天数');
    expect((await post('/visit-rules', t.otherStreet, { regionId: street.id, category: 'living_alone', intervalDays: 7 })).body.error.code).toBe(
      'VISIT_RULE_NOT_ALLOWED',
    );
    expect((await post('/visit-rules', t.staff, { regionId: street.id, category: 'living_alone', intervalDays: 7 })).status).toBe(403);

    const made = await post('/visit-rules', t.street, { regionId: street.id, category: 'living_alone', minAge: 80, intervalDays: 7, silenceDays: 5 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ categoryLabel: '独居', minAge: 80, intervalDays: 7, silenceDays: 5, active: true, version: 1 });
    ruleId = made.body.id;
    await post('/visit-rules', t.street, { regionId: street.id, category: 'empty_nest', intervalDays: 14 }).expect(201);
    // Staff of a centre in the street see the rules that cover them.
    const seenByStaff = (await seen(h(), t.staff, '/visit-rules')).items;
    expect(seenByStaff.map((r: { categoryLabel: string }) => r.categoryLabel).sort()).toEqual(['独居', '空巢']);
    // An edit on a stale version is refused.
    const stale = await h().http.patch(`/api/v1/visit-rules/${ruleId}`).set('authorization', t.street).send({ intervalDays: 6, version: 9 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'VERSION_CONFLICT']);
    const audit = await h().db.manager.findBy(AuditLog, { entityType: 'visit_rule', entityId: ruleId });
    expect(audit.map((a) => a.action)).toEqual(['visit_rule.create']);
  });

  test('the plan job gives every covered senior one visit, to a staff member of their centre; a rerun adds nothing', async () => {
    const planned = await h().services.visitPlans.plan();
    expect(planned).toBeGreaterThan(0);
    expect(await h().services.visitPlans.plan()).toBe(0);
    h().clock.advance(2 * 3600_000);
    expect(await h().services.visitPlans.plan()).toBe(0);

    const jiaxin = await centreNamed(h(), JIAXIN);
    const due = (await seen(h(), t.staff, `/visits?centreId=${jiaxin.id}&list=due`)).items;
    const hers = due.filter((v: { senior: { id: number } }) => v.senior.id === zhangId);
    expect(hers).toEqual([
      expect.objectContaining({ dueOn: '2026-12-01', status: 'due', overdueDays: 0, assignee: expect.objectContaining({ kind: 'staff' }) }),
    ]);
    // Every visit of the centre is for one of its seniors, one each.
    const seniors = due.map((v: { senior: { id: number } }) => v.senior.id);
    expect(new Set(seniors).size).toBe(seniors.length);
    // Only seniors 80 or older living alone, or empty-nest: 李建国 (低保, 76) has none.
    expect(due.some((v: { senior: { name: string } }) => v.senior.name === '李建国')).toBe(false);
    // The assigned staff member sees it as theirs; staff of another centre may not read this centre's list.
    expect((await seen(h(), t.staff, '/visits/mine')).items.some((v: { senior: { id: number } }) => v.senior.id === zhangId)).toBe(true);
    expect((await h().http.get(`/api/v1/visits?centreId=${jiaxin.id}`).set('authorization', t.otherStaff)).status).toBe(403);
  });

  test('a day later the visit is overdue; the escalation tells the centre after 3 days and the street after 6, once each', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    await setClock(new Date(new Date(T0).getTime() + DAY));
    const overdue = (await seen(h(), t.staff, `/visits?centreId=${jiaxin.id}&list=overdue`)).items;
    expect(overdue.find((v: { senior: { id: number } }) => v.senior.id === zhangId)).toMatchObject({ overdueDays: 1 });
    expect(await h().services.visitPlans.escalateOverdue()).toBe(0);

    await setClock(new Date(new Date(T0).getTime() + 3 * DAY));
    const before = h().sandbox.wxapi.allOutbox().length;
    const first = await h().services.visitPlans.escalateOverdue();
    expect(first).toBeGreaterThan(0);
    expect(await h().services.visitPlans.escalateOverdue()).toBe(0);
    const told = h().sandbox.wxapi.allOutbox().slice(before);
    expect(told.some((m) => JSON.stringify(m.payload).includes('张桂英') && JSON.stringify(m.payload).includes('逾期 3 天'))).toBe(true);
    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
    expect(visit.escalationLevel).toBe(1);

    await setClock(new Date(new Date(T0).getTime() + 6 * DAY));
    expect(await h().services.visitPlans.escalateOverdue()).toBe(first);
    expect(await h().services.visitPlans.escalateOverdue()).toBe(0);
    expect((await h().db.manager.findOneByOrFail(Visit, { id: visit.id })).escalationLevel).toBe(2);
    const audit = await h().db.manager.findBy(AuditLog, { entityType: 'visit', entityId: visit.id, action: 'visit.escalate' });
    expect(audit.map((a) => (a.detail as { level: number }).level).sort()).toEqual([1, 2]);
    // Still one open visit for her: the plan adds none beside it.
    expect(await h().services.visitPlans.plan()).toBe(0);
  });

  test('recording: too far away is refused, the wrong code too; the code her page shows proves it; a worry reaches staff and, with her consent, her daughter', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
    const form = { health: 'fair', mood: 'low', homeSafety: 'attention', needs: '想要扶手', note: '燃气灶旧了', version: visit.version };

    // Her daughter may not record; staff of another centre may not.
    expect((await post(`/visits/${visit.id}/record`, t.daughter, { ...form, proof: { code: '000000' } })).body.error.code).toBe('VISITOR_NOT_ALLOWED');
    expect((await post(`/visits/${visit.id}/record`, t.otherStaff, { ...form, proof: { code: '000000' } })).status).toBe(403);
    // 1 km north of her home: not there.
    const far = await post(`/visits/${visit.id}/record`, t.staff, { ...form, proof: { latitude: zhang.latitude! + 0.009, longitude: zhang.longitude } });
    expect([far.status, far.body.error.code]).toEqual([422, 'PRESENCE_NOT_PROVED']);
    expect(far.body.error.message).toContain('探访码');
    const wrong = await post(`/visits/${visit.id}/record`, t.staff, { ...form, proof: { code: visit.presenceCode === '123456' ? '654321' : '123456' } });
    expect(wrong.body.error.code).toBe('PRESENCE_CODE_WRONG');
    const noProof = await post(`/visits/${visit.id}/record`, t.staff, { ...form });
    expect(noProof.body.error.details.fields.proof).toContain('探访码');

    // Her page shows the code (to her; her daughter sees it too; staff do not need it).
    const code = await seen(h(), t.senior, `/seniors/${zhangId}/visit-code`);
    expect(code).toEqual({ code: visit.presenceCode, visitId: visit.id, dueOn: visit.dueOn });
    expect((await h().http.get(`/api/v1/seniors/${zhangId}/visit-code`).set('authorization', t.staff)).status).toBe(403);

    // She agrees that worries go to her daughter too.
    const sharing = await h().http.put(`/api/v1/seniors/${zhangId}/care-sharing`).set('authorization', t.senior).send({ share: true, version: zhang.version });
    expect(sharing.status).toBe(200);
    expect(sharing.body).toEqual({ shareCareWithFamily: true, version: zhang.version + 1 });

    const before = h().sandbox.wxapi.allOutbox().length;
    const done = await post(`/visits/${visit.id}/record`, t.staff, {
      ...form,
      proof: { code: code.code },
      concern: true,
      concernNote: '腿脚不便，独自洗澡危险',
    });
    expect(done.status).toBe(200);
    expect(done.body.visit).toMatchObject({ status: 'done', proof: 'code', health: 'fair', mood: 'low', needs: '想要扶手', concernStatus: 'open' });
    expect(done.body.notified).toEqual(['女儿']);
    expect(done.body.creditedMinutes).toBe(0);
    const told = h().sandbox.wxapi.allOutbox().slice(before);
    expect(told.filter((m) => JSON.stringify(m.payload).includes('独自洗澡危险')).length).toBeGreaterThanOrEqual(1);
    // Recorded once: again is refused.
    expect((await post(`/visits/${visit.id}/record`, t.staff, { ...form, version: visit.version + 1, proof: { code: code.code } })).body.error.code).toBe(
      'VISIT_NOT_DUE',
    );

    // The centre's list of worries has it; the family's page shows the visit and the worry.
    const jiaxin = await centreNamed(h(), JIAXIN);
    const concerns = (await seen(h(), t.staff, `/visits?centreId=${jiaxin.id}&list=concerns`)).items;
    expect(concerns.map((v: { id: number }) => v.id)).toContain(visit.id);
    const care = await seen(h(), t.daughter, `/seniors/${zhangId}/care`);
    expect(care.visits.find((v: { id: number }) => v.id === visit.id)).toMatchObject({ concernStatus: 'open', concernNote: '腿脚不便，独自洗澡危险' });

    // Resolved by staff, with what was done.
    const resolved = await post(`/visits/${visit.id}/resolve-concern`, t.staff, { resolution: '已联系女儿，安排助浴', version: done.body.visit.version });
    expect(resolved.body).toMatchObject({ concernStatus: 'resolved', concernResolution: '已联系女儿，安排助浴' });
    expect((await post(`/visits/${visit.id}/resolve-concern`, t.staff, { resolution: '再次', version: resolved.body.version })).body.error.code).toBe(
      'CONCERN_NOT_OPEN',
    );

    // The next plan run gives her the next visit a week after this one.
    expect(await h().services.visitPlans.plan()).toBeGreaterThanOrEqual(1);
    const next = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
    expect(next.dueOn).toBe('2026-12-14');
  });

  test('without her consent her daughter reads only when the next visit is and who comes; she, her centre and the administrators read the records', async () => {
    const withdraw = async (share: boolean) => {
      const zhang = await seniorNamed(h(), '张桂英');
      const res = await h().http.put(`/api/v1/seniors/${zhangId}/care-sharing`).set('authorization', t.senior).send({ share, version: zhang.version });
      expect(res.body).toEqual({ shareCareWithFamily: share, version: zhang.version + 1 });
    };
    await withdraw(false);
    const next = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
    const hidden = await seen(h(), t.daughter, `/seniors/${zhangId}/care`);
    expect(hidden).toEqual({
      visits: [],
      next: { dueOn: '2026-12-14', visitor: expect.any(String) },
      sharedWithFamily: false,
      recordsHidden: true,
    });
    expect(hidden.next.visitor).not.toBe('');
    // No worry, note or answer of the form is anywhere in her daughter's answer.
    for (const word of ['腿脚不便', '已联系女儿', '想要扶手', '燃气灶旧了', 'fair', 'attention', 'concern', 'presenceCode', String(next.presenceCode)])
      expect(JSON.stringify(hidden)).not.toContain(word);

    // She herself, her centre's staff and the street administrator still read the visit, the worry and what was done.
    for (const who of [t.senior, t.staff, t.street]) {
      const full = await seen(h(), who, `/seniors/${zhangId}/care`);
      expect(full.recordsHidden).toBe(false);
      expect(full.sharedWithFamily).toBe(false);
      expect(full.visits.find((v: { status: string }) => v.status === 'done')).toMatchObject({
        health: 'fair',
        needs: '想要扶手',
        concernNote: '腿脚不便，独自洗澡危险',
        concernResolution: '已联系女儿，安排助浴',
      });
    }

    // She shares again: her daughter reads them too.
    await withdraw(true);
    const shared = await seen(h(), t.daughter, `/seniors/${zhangId}/care`);
    expect(shared).toMatchObject({ sharedWithFamily: true, recordsHidden: false, next: { dueOn: '2026-12-14' } });
    expect(shared.visits.find((v: { status: string }) => v.status === 'done')).toMatchObject({ concernNote: '腿脚不便，独自洗澡危险', mood: 'low' });
  });

  test('proof by location: within 300 m of her home', async () => {
    // Another senior of the centre with a visit due: recorded from 50 m away.
    const jiaxin = await centreNamed(h(), JIAXIN);
    const open = (await seen(h(), t.staff, `/visits?centreId=${jiaxin.id}&list=overdue`)).items[0];
    const senior = await h().db.manager.findOneByOrFail((await import('../../entities')).Senior, { id: open.senior.id });
    const res = await post(`/visits/${open.id}/record`, t.staff, {
      proof: { latitude: senior.latitude! + 0.00045, longitude: senior.longitude },
      health: 'good',
      mood: 'good',
      homeSafety: 'safe',
      version: open.version,
    });
    expect(res.status).toBe(200);
    expect(res.body.visit.proof).toBe('location');
    expect(res.body.visit.distanceM).toBeGreaterThan(40);
    expect(res.body.visit.distanceM).toBeLessThan(60);
    expect(res.body.notified).toEqual([]);
  });
});
