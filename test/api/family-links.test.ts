import { JIAXIN, loginConsole, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

describeEachDb('family links', (h) => {
  beforeEach(() => h().clock.set(T0));

  test('a senior issues a code, a family member links with it once, books, and the senior revokes the link', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const senior = await loginWechat(h(), 'o_mini_senior_01');
    const son = await loginWechat(h(), 'new-son-of-zhang'); // first visit: a new account
    const issued = await h().http.post(`/api/v1/seniors/${zhang.id}/link-codes`).set('authorization', senior).send();
    expect(issued.status).toBe(201);
    expect(issued.body.code).toMatch(/^\d{6}$/);
    expect(issued.body.expiresAt).toBe(new Date(Date.parse(T0) + 24 * 3600_000).toISOString());

    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-04');
    expect((await h().http.post('/api/v1/bookings').set('authorization', son).send({ seniorId: zhang.id, slotId: slot.id })).status).toBe(403);

    const linked = await h().http.post('/api/v1/family-links').set('authorization', son).send({ code: issued.body.code, relation: '儿子' });
    expect(linked.status).toBe(201);
    // The code was hers: it links him to 张桂英.
    expect(linked.body).toMatchObject({ relation: '儿子', senior: { id: zhang.id, name: '张桂英' } });

    const reused = await h()
      .http.post('/api/v1/family-links')
      .set('authorization', await loginWechat(h(), 'someone-else'))
      .send({ code: issued.body.code });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toEqual({ code: 'LINK_CODE_INVALID', message: '绑定码不对或已过期，请让老人重新获取' });

    const booked = await h().http.post('/api/v1/bookings').set('authorization', son).send({ seniorId: zhang.id, slotId: slot.id });
    expect(booked.status).toBe(201);
    expect(booked.body.bookedBy).toBe('family');

    const hers = await h().http.get('/api/v1/family-links').set('authorization', senior);
    const sonId = (await seen(h(), son, '/me')).id;
    const link = hers.body.items.find((l: { family: { accountId: number } }) => l.family.accountId === sonId);
    expect(link).toMatchObject({ id: linked.body.id, relation: '儿子', senior: { id: zhang.id } });
    expect((await h().http.delete(`/api/v1/family-links/${link.id}`).set('authorization', senior)).status).toBe(204);
    const after = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', son)
      .send({ seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'dinner', '2026-12-04')).id });
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('NOT_LINKED');
    expect((await h().http.get(`/api/v1/bookings/${booked.body.id}`).set('authorization', son)).status).toBe(403);
  });

  test('a code expires after 24 hours; staff can issue codes for their seniors; family cannot', async () => {
    const li = await seniorNamed(h(), '李建国');
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const issued = await h().http.post(`/api/v1/seniors/${li.id}/link-codes`).set('authorization', staff).send();
    expect(issued.status).toBe(201);
    const familyIssue = await h()
      .http.post(`/api/v1/seniors/${li.id}/link-codes`)
      .set('authorization', await loginWechat(h(), 'o_family_02'))
      .send();
    expect(familyIssue.status).toBe(403);

    h().clock.advance(24 * 3600_000 + 1000);
    const late = await h()
      .http.post('/api/v1/family-links')
      .set('authorization', await loginWechat(h(), 'late-nephew'))
      .send({ code: issued.body.code });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('LINK_CODE_INVALID');
  });

  test('guessing codes is slowed down, then stopped after five wrong tries', async () => {
    const guesser = await loginWechat(h(), 'code-guesser');
    const guess = (code: string) => h().http.post('/api/v1/family-links').set('authorization', guesser).send({ code });
    // Three tries at once, the fourth makes the next wait 5 seconds, the fifth locks for a quarter hour.
    for (const code of ['000001', '000002', '000003', '000004']) expect((await guess(code)).body.error.code).toBe('LINK_CODE_INVALID');
    const tooSoon = await guess('000005');
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error).toEqual({ code: 'LINK_CODE_TOO_MANY_TRIES', message: '绑定码输错次数太多，请 5 秒后再试', details: { retryAfterSeconds: 5 } });
    expect(tooSoon.headers['retry-after']).toBe('5');
    h().clock.advance(5000);
    expect((await guess('000005')).body.error.code).toBe('LINK_CODE_INVALID');
    const blocked = await guess('000006');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({ code: 'LINK_CODE_TOO_MANY_TRIES', message: '绑定码输错次数太多，请 15 分钟后再试' });
    const malformed = await h().http.post('/api/v1/family-links').set('authorization', guesser).send({ code: '12ab' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.fields.code).toBe('绑定码是 6 位数字');
  });
});
