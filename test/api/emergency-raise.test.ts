import { loginConsole, loginWechat, seen, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// POST /api/v1/emergencies: the mini-program's 助急 button. The senior for themself or a linked family member for
// their parent; the family and the centre's staff are told at once (the same EmergencyService.raise as the chat).

describeEachDb('助急 from the mini-program', (h) => {
  beforeEach(() => h().clock.set(T0));

  test('the senior raises one: stored as a mini-program alert, the daughter and the centre told, staff see it', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const senior = await loginWechat(h(), 'o_mini_senior_01');
    const res = await h().http.post('/api/v1/emergencies').set('authorization', senior).send({ seniorId: zhang.id });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ alertId: expect.any(Number), notified: expect.arrayContaining(['女儿']), centrePhone: expect.any(String) });
    // The centre's staff see it in their list, as a mini-program alert.
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const open = (await seen(h(), staff, '/emergencies')).items.filter((a: { id: number }) => a.id === res.body.alertId);
    expect(open).toEqual([expect.objectContaining({ senior: expect.objectContaining({ id: zhang.id }), channel: 'miniprogram', status: 'open', message: '' })]);
  });

  test('a linked daughter may raise one for her mother; an unlinked user, staff and bad input may not', async () => {
    h().clock.advance(3600_000); // an hour after the test above: a new emergency, not a repeat of that one
    const zhang = await seniorNamed(h(), '张桂英');
    const daughter = await loginWechat(h(), 'o_family_01');
    const raised = await h().http.post('/api/v1/emergencies').set('authorization', daughter).send({ seniorId: zhang.id, message: '电话打不通' });
    expect(raised.status).toBe(201);
    const staffSee = (await seen(h(), await loginConsole(h(), 'staff-jiaxin'), '/emergencies')).items.find((a: { id: number }) => a.id === raised.body.alertId);
    expect(staffSee).toMatchObject({ message: '电话打不通', channel: 'miniprogram' });

    const stranger = await loginWechat(h(), 'o_mp_stranger');
    const refused = await h().http.post('/api/v1/emergencies').set('authorization', stranger).send({ seniorId: zhang.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const byStaff = await h().http.post('/api/v1/emergencies').set('authorization', staff).send({ seniorId: zhang.id });
    expect([byStaff.status, byStaff.body.error.code]).toEqual([403, 'ALERT_RAISER_NOT_ALLOWED']);
    const bad = await h().http.post('/api/v1/emergencies').set('authorization', daughter).send({ seniorId: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await h().http.post('/api/v1/emergencies').set('authorization', daughter).send({ seniorId: 999999 })).status).toBe(404);
    expect((await h().http.post('/api/v1/emergencies').send({ seniorId: zhang.id })).status).toBe(401);
  });
});
