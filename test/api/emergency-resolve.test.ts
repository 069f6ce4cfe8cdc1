import { EmergencyAlert } from '../../entities';
import { loginConsole, loginWechat, seen, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// POST /api/v1/emergencies/:id/resolve: 处理完毕. Staff of the senior's centre (and the administrators over it) close an
// alert with how it ended and a note; an open one counts as acknowledged by them, the raises joined to it close with
// it, escalation stops, it leaves GET /emergencies and shows under ?status=resolved; the closing is audit-logged.

const MINUTE = 60_000;

interface Alert {
  id: number;
  status: string;
  senior: { id: number };
  version: number;
  outcome: string | null;
  outcomeLabel: string | null;
  resolution: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
}

describeEachDb('助急 处理完毕', (h) => {
  beforeEach(() => h().clock.set(T0));

  const raise = async (openid: string, seniorId: number, message = '') =>
    (
      await h()
        .http.post('/api/v1/emergencies')
        .set('authorization', await loginWechat(h(), openid))
        .send({ seniorId, message })
        .expect(201)
    ).body.alertId as number;

  test('an open alert and the raises joined to it are closed in one go: it leaves the list, escalation stops, the log says who', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const alertId = await raise('o_mini_senior_01', zhang.id, '摔倒了');
    await raise('o_mini_senior_01', zhang.id, '起不来'); // joins it
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const listed = (await seen<{ items: Alert[] }>(h(), staff, '/emergencies')).items.find((a) => a.id === alertId)!;
    expect(listed).toMatchObject({ status: 'open', outcome: null, resolvedAt: null, version: 1 });

    h().clock.advance(2 * MINUTE);
    const res = await h()
      .http.post(`/api/v1/emergencies/${alertId}/resolve`)
      .set('authorization', staff)
      .send({ outcome: 'on_site', note: '社工上门扶起，无外伤', version: listed.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: alertId,
      status: 'resolved',
      outcome: 'on_site',
      outcomeLabel: '已到场处理',
      resolution: '社工上门扶起，无外伤',
      resolvedAt: h().clock.now().toISOString(),
      acknowledgedAt: h().clock.now().toISOString(), // resolving an open one acknowledges it
      version: 2,
    });

    // Gone from the list staff work from; shown with the resolved ones, the joined raise not listed separately.
    expect((await seen<{ items: Alert[] }>(h(), staff, '/emergencies')).items.map((a) => a.id)).not.toContain(alertId);
    const rows = await h().db.manager.find(EmergencyAlert, { where: { seniorId: zhang.id, joinedAlertId: alertId } });
    expect(rows.map((r) => [r.status, r.outcome])).toEqual([['resolved', 'on_site']]); // the joined raise closed with it
    const closed = (await seen<{ items: Alert[] }>(h(), staff, '/emergencies?status=resolved')).items;
    expect(closed.filter((a) => a.senior.id === zhang.id).map((a) => [a.id, a.outcomeLabel])).toEqual([[alertId, '已到场处理']]);

    // Nobody is paged about it any more, however long it is.
    const paged = h().sandbox.wxapi.outboxFor('o_staff_jiaxin').length;
    h().clock.advance(30 * MINUTE);
    await h().services.emergencies.escalateUnacknowledged();
    expect(h().sandbox.wxapi.outboxFor('o_staff_jiaxin')).toHaveLength(paged);

    // A raise after it is a new emergency, not joined to the closed one.
    const next = await raise('o_mini_senior_01', zhang.id, '又不舒服');
    expect(next).not.toBe(alertId);

    const log = await h().http.get('/api/v1/audit-log').query({ action: 'emergency.resolve', entityId: alertId }).set('authorization', staff).expect(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        actionLabel: '求助处理完毕',
        entity: expect.objectContaining({ type: 'emergency_alert', id: alertId }),
        detail: expect.objectContaining({ outcome: 'on_site', note: '社工上门扶起，无外伤', wasStatus: 'open' }),
      }),
    ]);
  });

  test('an acknowledged alert keeps who acknowledged it; the street administrator may close one; twice is refused', async () => {
    h().clock.advance(3 * 3600_000);
    const zhang = await seniorNamed(h(), '张桂英');
    const alertId = await raise('o_family_01', zhang.id, '电话打不通');
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const acked = (await h().http.post(`/api/v1/emergencies/${alertId}/acknowledge`).set('authorization', staff).expect(200)).body as Alert;
    expect(acked.version).toBe(2);

    h().clock.advance(10 * MINUTE);
    const admin = await loginConsole(h(), 'admin-mishixiang');
    const res = await h()
      .http.post(`/api/v1/emergencies/${alertId}/resolve`)
      .set('authorization', admin)
      .send({ outcome: 'family_handled', note: '女儿已赶到' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', outcomeLabel: '家属已处理', acknowledgedAt: acked.acknowledgedAt });

    const again = await h().http.post(`/api/v1/emergencies/${alertId}/resolve`).set('authorization', staff).send({ outcome: 'false_alarm', note: '误报' });
    expect([again.status, again.body.error.code, again.body.error.message]).toEqual([409, 'ALERT_ALREADY_RESOLVED', '这条求助已经处理完毕了']);
  });

  test('refused: unknown alert, staff of another centre, the family, a stale version, a missing note or outcome', async () => {
    h().clock.advance(6 * 3600_000);
    const zhang = await seniorNamed(h(), '张桂英');
    const alertId = await raise('o_mini_senior_01', zhang.id);
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const post = (auth: string, id: number, body: object) => h().http.post(`/api/v1/emergencies/${id}/resolve`).set('authorization', auth).send(body);
    const ok = { outcome: 'hospital', note: '已送市一医院' };

    const missing = await post(staff, 999_999, ok);
    expect([missing.status, missing.body.error.code, missing.body.error.message]).toEqual([404, 'ALERT_NOT_FOUND', '没有找到这条求助']);
    const other = await post(await loginConsole(h(), 'staff-maiyuqiao'), alertId, ok);
    expect([other.status, other.body.error.code]).toEqual([403, 'ALERT_HANDLER_NOT_ALLOWED']);
    expect(other.body.error.message).toBe('只有老人所在站点的工作人员和上级管理员可以处理这条求助');
    expect((await post(await loginWechat(h(), 'o_family_01'), alertId, ok)).status).toBe(403);

    const bad = await post(staff, alertId, { outcome: 'gone', note: '  ' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(bad.body.error.details.fields).toEqual({ outcome: expect.stringContaining('处理结果'), note: expect.stringContaining('处理情况') });

    const stale = await post(staff, alertId, { ...ok, version: 7 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'VERSION_CONFLICT']);
    // Nothing changed by the refusals: still open and listed.
    expect((await seen<{ items: Alert[] }>(h(), staff, '/emergencies')).items.find((a) => a.id === alertId)).toMatchObject({ status: 'open', version: 1 });
    expect((await post(staff, alertId, { ...ok, version: 1 })).body).toMatchObject({ status: 'resolved', outcomeLabel: '已送医' });
  });
});
