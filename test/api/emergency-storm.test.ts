import { Account, EmergencyAlert } from '../../entities';
import { loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// Issue 20: the probes left 326 open alerts, each paging family and staff. A senior raising help again within
// minutes is in the same emergency: every raise is recorded and answered at once, the first pages everyone at once,
// the ones that follow join its alert and page nobody again. Later, or once it is resolved, a raise is a new alert.

const MINUTE = 60_000;

describeEachDb('助急 storms', (h) => {
  let alertId: number;
  beforeAll(() => h().clock.set(T0));

  /** The emergency subscribe messages an openid has had, by the alert page they open. */
  const pages = (openid: string) =>
    h()
      .sandbox.wxapi.outboxFor(openid)
      .filter((m) => m.templateId === h().config.templates.emergency.mini)
      .map((m) => m.payload.page as string);

  test('twenty raises at once from one senior: one alert, everyone paged once, every raise answered and recorded', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const auth = await loginWechat(h(), 'o_mini_senior_01');
    const raise = (message: string) => h().http.post('/api/v1/emergencies').set('authorization', auth).send({ seniorId: zhang.id, message });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => raise(`第${i + 1}次求助`)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(201));
    const alertIds = new Set(answers.map((r) => r.body.alertId));
    expect(alertIds.size).toBe(1);
    alertId = [...alertIds][0];
    // Every raiser hears at once who knows: the daughter and the centre, whether they were paged now or a moment ago.
    for (const r of answers) expect(r.body.notified).toEqual(['女儿', expect.stringContaining('工作人员')]);

    const rows = await h().db.manager.find(EmergencyAlert, { where: { seniorId: zhang.id }, order: { id: 'ASC' } });
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.status === 'open').map((r) => r.id)).toEqual([alertId]);
    expect(rows.filter((r) => r.status === 'joined').every((r) => r.joinedAlertId === alertId)).toBe(true);
    expect(new Set(rows.map((r) => r.message)).size).toBe(20); // every message kept

    expect(pages('o_family_01')).toEqual([expect.stringContaining(`id=${alertId}`)]);
    expect(pages('o_staff_jiaxin')).toEqual([expect.stringContaining(`id=${alertId}`)]);
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const open = await h().http.get('/api/v1/emergencies').set('authorization', staff).expect(200);
    expect(open.body.items.filter((a: { senior: { id: number } }) => a.senior.id === zhang.id).map((a: { id: number }) => a.id)).toEqual([alertId]);
  });

  test('raising again within minutes still joins (also once acknowledged); well after the last raise, it is a new alert', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const own = await h().db.manager.findOneByOrFail(Account, { seniorId: zhang.id });
    const staff = await loginConsole(h(), 'staff-jiaxin');
    await h().http.post(`/api/v1/emergencies/${alertId}/acknowledge`).set('authorization', staff).expect(200);
    const raise = (message: string) => h().services.emergencies.raise({ senior: zhang, raisedByAccountId: own.id, channel: 'mp_chat', message });

    h().clock.advance(8 * MINUTE);
    expect(await raise('还是不舒服')).toMatchObject({ alertId, joined: true });
    h().clock.advance(8 * MINUTE); // 16 minutes after the first, 8 after the last: still the same emergency
    expect(await raise('')).toMatchObject({ alertId, joined: true });
    expect(pages('o_staff_jiaxin')).toHaveLength(1);

    h().clock.advance(11 * MINUTE);
    const fresh = await raise('又摔了');
    expect(fresh.joined).toBe(false);
    expect(fresh.alertId).not.toBe(alertId);
    expect(pages('o_staff_jiaxin')).toEqual([expect.stringContaining(`id=${alertId}`), expect.stringContaining(`id=${fresh.alertId}`)]);
  });

  test("two seniors' raises at the same moment are two alerts", async () => {
    const [wang, li] = [await seniorNamed(h(), '王秀英'), await seniorNamed(h(), '李建国')];
    const [a, b] = await Promise.all(
      [wang, li].map((senior) => h().services.emergencies.raise({ senior, raisedByAccountId: 999_999, channel: 'mp_chat', message: '' })),
    );
    expect([a.joined, b.joined]).toEqual([false, false]);
    expect(a.alertId).not.toBe(b.alertId);
  });
});
