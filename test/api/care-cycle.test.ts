import { Account, AuditLog, Region, Visit } from '../../entities';
import { JIAXIN, centreNamed, loginConsole, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// The silence alarm (a senior living alone not heard from for days raises one 关爱 check per silence, fake clock),
// volunteers registered and paired by staff with the senior's consent, and the time bank their visits fill.

const DAY = 86_400_000;
const at = (days: number) => new Date(new Date(T0).getTime() + days * DAY);

describeEachDb('the silence alarm', (h) => {
  const t = {} as Record<'street' | 'staff' | 'otherStaff' | 'daughter', string>;
  async function setClock(when: Date | string): Promise<void> {
    h().clock.set(when);
    t.street = await loginConsole(h(), 'admin-mishixiang');
    t.staff = await loginConsole(h(), 'staff-jiaxin');
    t.otherStaff = await loginConsole(h(), 'staff-maiyuqiao');
    t.daughter = await loginWechat(h(), 'o_family_01');
  }
  const checksOf = async (centreId: number, status = 'open') => (await seen(h(), t.staff, `/care-checks?centreId=${centreId}&status=${status}`)).items;

  test('silent for the rule’s days raises one check for her centre; closed with a note; nothing twice; heard from again, then silent again, raises a new one', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const jiaxin = await centreNamed(h(), JIAXIN);
    // She books a meal on day 0 (a sign of life), and nothing more.
    await setClock(T0);
    await h()
      .http.post('/api/v1/bookings')
      .set('authorization', t.daughter)
      .send({ seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', '2026-12-04')).id })
      .expect(201);

    // Four days on: within the default week, nothing for her.
    await setClock(at(4));
    await h().services.careChecks.raiseSilent();
    expect((await checksOf(jiaxin.id)).some((c: { senior: { id: number } }) => c.senior.id === zhang.id)).toBe(false);

    // The street sets three days for seniors living alone over 80: now she is due a check.
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    await h()
      .http.post('/api/v1/visit-rules')
      .set('authorization', t.street)
      .send({ regionId: street.id, category: 'living_alone', minAge: 80, intervalDays: 7, silenceDays: 3 })
      .expect(201);
    const before = h().sandbox.wxapi.allOutbox().length;
    expect(await h().services.careChecks.raiseSilent()).toBeGreaterThan(0);
    expect(await h().services.careChecks.raiseSilent()).toBe(0);
    const open = (await checksOf(jiaxin.id)).filter((c: { senior: { id: number } }) => c.senior.id === zhang.id);
    expect(open).toEqual([expect.objectContaining({ status: 'open', silenceDays: 3, note: '' })]);
    const told = h().sandbox.wxapi.allOutbox().slice(before);
    expect(told.some((m) => JSON.stringify(m.payload).includes('张桂英') && JSON.stringify(m.payload).includes('没有音讯'))).toBe(true);

    // Staff of another centre may not see or close it; hers close it with what they found.
    expect((await h().http.get(`/api/v1/care-checks?centreId=${jiaxin.id}`).set('authorization', t.otherStaff)).status).toBe(403);
    const noNote = await h().http.post(`/api/v1/care-checks/${open[0].id}/close`).set('authorization', t.staff).send({ version: open[0].version });
    expect(noNote.body.error.details.fields.note).toContain('情况记录');
    const closed = await h()
      .http.post(`/api/v1/care-checks/${open[0].id}/close`)
      .set('authorization', t.staff)
      .send({ note: '上门看过，身体还好', version: open[0].version });
    expect(closed.body).toMatchObject({ status: 'closed', note: '上门看过，身体还好' });
    const again = await h()
      .http.post(`/api/v1/care-checks/${open[0].id}/close`)
      .set('authorization', t.staff)
      .send({ note: '再关', version: closed.body.version });
    expect(again.body.error.code).toBe('CARE_CHECK_CLOSED');
    expect((await h().db.manager.findBy(AuditLog, { entityType: 'care_check', entityId: open[0].id })).map((a) => a.action)).toEqual(['care_check.close']);

    // The same silence goes on: nothing new for her, days later.
    await setClock(at(9));
    await h().services.careChecks.raiseSilent();
    expect((await checksOf(jiaxin.id)).some((c: { senior: { id: number } }) => c.senior.id === zhang.id)).toBe(false);

    // She is heard from (a booking on day 9), then silent three days more: a new check.
    await h().services.slotTemplates.generateAhead();
    await h()
      .http.post('/api/v1/bookings')
      .set('authorization', t.daughter)
      .send({ seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', '2026-12-11')).id })
      .expect(201);
    await setClock(at(10));
    await h().services.careChecks.raiseSilent();
    expect((await checksOf(jiaxin.id)).some((c: { senior: { id: number } }) => c.senior.id === zhang.id)).toBe(false);
    await setClock(at(12.5));
    await h().services.careChecks.raiseSilent();
    expect((await checksOf(jiaxin.id)).filter((c: { senior: { id: number } }) => c.senior.id === zhang.id)).toHaveLength(1);
    expect((await checksOf(jiaxin.id, 'closed')).filter((c: { senior: { id: number } }) => c.senior.id === zhang.id)).toHaveLength(1);
  });
});

describeEachDb('volunteers and the time bank', (h) => {
  const t = {} as Record<'street' | 'staff' | 'otherStaff' | 'volunteer' | 'senior', string>;
  let volunteerAccount: Account;

  beforeAll(async () => {
    h().clock.set(T0);
    t.street = await loginConsole(h(), 'admin-mishixiang');
    t.staff = await loginConsole(h(), 'staff-jiaxin');
    t.otherStaff = await loginConsole(h(), 'staff-maiyuqiao');
    t.volunteer = await loginWechat(h(), 'o_family_05');
    t.senior = await loginWechat(h(), 'o_mini_senior_01');
    volunteerAccount = await h().db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_05' });
  });
  const post = (path: string, auth: string, body: object) => h().http.post(`/api/v1${path}`).set('authorization', auth).send(body);

  test('staff register a volunteer and pair her with 张桂英 (consent recorded); her visits go to the volunteer, who earns an hour per visit, once', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const jiaxin = await centreNamed(h(), JIAXIN);
    expect((await post('/volunteers', t.street, { accountId: volunteerAccount.id, name: '吴静' })).body.error.code).toBe('VOLUNTEER_REGISTRAR_NOT_ALLOWED');
    const bad = await post('/volunteers', t.staff, { accountId: volunteerAccount.id });
    expect(bad.body.error.details.fields.name).toContain('姓名');
    const made = await post('/volunteers', t.staff, { accountId: volunteerAccount.id, name: '吴静', phone: '13817220005' });
    expect(made.status).toBe(201);
    expect((await post('/volunteers', t.staff, { accountId: volunteerAccount.id, name: '吴静' })).body.error.code).toBe('VOLUNTEER_ALREADY_REGISTERED');
    const vid = made.body.id;
    expect((await post(`/volunteers/${vid}/pairings`, t.otherStaff, { seniorId: zhang.id, consentBy: 'senior' })).status).toBe(403);
    const paired = await post(`/volunteers/${vid}/pairings`, t.staff, { seniorId: zhang.id, consentBy: 'senior', consentNote: '老人当面同意' });
    expect(paired.body.seniors).toEqual([expect.objectContaining({ id: zhang.id, name: '张桂英', consentBy: 'senior' })]);
    expect((await seen(h(), t.staff, `/volunteers?centreId=${jiaxin.id}`)).items.map((v: { name: string }) => v.name)).toEqual(['吴静']);

    // The plan gives her visit to the volunteer, who sees it on her page.
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    await post('/visit-rules', t.street, { regionId: street.id, category: 'living_alone', minAge: 80, intervalDays: 7 }).expect(201);
    await h().services.visitPlans.plan();
    const home = await seen(h(), t.volunteer, '/volunteers/me');
    expect(home.visits).toEqual([
      expect.objectContaining({
        senior: expect.objectContaining({ name: '张桂英' }),
        assignee: expect.objectContaining({ kind: 'volunteer', name: '志愿者吴静' }),
      }),
    ]);
    expect(home.balanceMinutes).toBe(0);

    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhang.id, status: 'due' });
    const done = await post(`/visits/${visit.id}/record`, t.volunteer, {
      proof: { code: visit.presenceCode },
      health: 'good',
      mood: 'good',
      homeSafety: 'safe',
      note: '聊了一个小时',
      version: visit.version,
    });
    expect(done.status).toBe(200);
    expect(done.body.creditedMinutes).toBe(60);
    expect(done.body.visit.visitedBy).toBe('志愿者吴静');
    // Crediting the same visit again adds nothing.
    const again = await h().db.transaction((em) => h().services.timeBank.creditVisit(em, vid, visit.id, '张桂英'));
    expect(again).toBe(0);
    const bank = await seen(h(), t.volunteer, `/time-bank/volunteer/${vid}`);
    expect(bank).toMatchObject({ holder: { kind: 'volunteer', name: '吴静' }, balanceMinutes: 60 });
    expect(bank.entries).toEqual([expect.objectContaining({ kind: 'credit', minutes: 60, note: '探访张桂英', visitId: visit.id })]);
    // Staff of another centre may not read it.
    expect((await h().http.get(`/api/v1/time-bank/volunteer/${vid}`).set('authorization', t.otherStaff)).status).toBe(403);
  });

  test('spending is recorded by staff and never goes below zero; gifts only to her own family; a yearly statement adds up', async () => {
    const vid = (await seen(h(), t.volunteer, '/volunteers/me')).volunteer.id;
    const wu = await seniorNamed(h(), '吴德明');
    const zhang = await seniorNamed(h(), '张桂英');
    const tooMuch = await post('/time-bank/spend', t.staff, { holderKind: 'volunteer', holderId: vid, minutes: 61, note: '助浴' });
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([409, 'TIME_BANK_NOT_ENOUGH']);
    expect((await post('/time-bank/spend', t.volunteer, { holderKind: 'volunteer', holderId: vid, minutes: 10, note: '助浴' })).status).toBe(403);
    const spent = await post('/time-bank/spend', t.staff, { holderKind: 'volunteer', holderId: vid, minutes: 20, note: '理发' });
    expect(spent.body.balanceMinutes).toBe(40);

    expect((await post('/time-bank/gift', t.volunteer, { seniorId: zhang.id, minutes: 10 })).body.error.code).toBe('TIME_GIFT_NOT_ALLOWED');
    expect((await post('/time-bank/gift', t.volunteer, { seniorId: wu.id, minutes: 41 })).body.error.code).toBe('TIME_BANK_NOT_ENOUGH');
    const gift = await post('/time-bank/gift', t.volunteer, { seniorId: wu.id, minutes: 30 });
    expect(gift.body.balanceMinutes).toBe(10);
    const his = await seen(h(), t.volunteer, `/time-bank/senior/${wu.id}`);
    expect(his).toMatchObject({ balanceMinutes: 30, entries: [expect.objectContaining({ kind: 'gift_in', minutes: 30, note: '志愿者吴静转赠' })] });

    const statement = await seen(h(), t.volunteer, `/time-bank/volunteer/${vid}/statement?year=2026`);
    expect(statement).toMatchObject({
      year: 2026,
      openingMinutes: 0,
      creditedMinutes: 60,
      spentMinutes: 20,
      giftedOutMinutes: 30,
      giftedInMinutes: 0,
      closingMinutes: 10,
    });
    expect((await seen(h(), t.volunteer, `/time-bank/volunteer/${vid}/statement?year=2027`)).openingMinutes).toBe(10);
    const badYear = await h().http.get(`/api/v1/time-bank/volunteer/${vid}/statement?year=abc`).set('authorization', t.volunteer);
    expect(badYear.body.error.details.fields.year).toContain('年份');

    // Ending the pairing: the volunteer no longer has her among their seniors.
    const ended = await h().http.delete(`/api/v1/volunteers/${vid}/pairings/${zhang.id}`).set('authorization', t.staff);
    expect(ended.body.seniors).toEqual([]);
  });
});
