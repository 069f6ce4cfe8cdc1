import { Account, Booking, CareCheck, FamilyLink, Refund, Region, ServiceItem, SlotTemplate, Visit } from '../../entities';
import { createApp, routesOfApp } from '../../server/app';
import { ERRORS } from '../../server/errors';
import { JIAXIN, centreNamed, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { CONSOLE_PASSWORD, describeEachDb, T0, type Harness } from '../helpers/harness';

/*
 * Every route × every role (issue 20). The routes come from the app's own routers (routesOfApp), so a route added
 * without a row below fails the first test. The subjects are 张桂英, a senior of the Jiaxin care centre in the
 * 米市巷 street, and her records; the roles stand at every distance from her: herself, her linked daughter, a family
 * member linked to nobody, staff of her centre, of another centre in her street and of a centre in another street,
 * the administrators of her street, of the other street, and of the district.
 *
 * A row says who gets through (any answer but a refusal: the request may still be refused for its state, 409, or
 * be a 404 for a month with no settlement) and, where it is not the usual 401/403, what the others get.
 *
 * ADDING A ROUTE: one row in MATRIX, keyed `METHOD /path` as the router declares it. `allow` lists the roles that
 * get through; `req` builds the request (path params, query, body) from the fixtures, fresh per call if the route
 * uses something up; `refused` overrides the status (and code) a refused role gets.
 */

const ROLES = [
  'anon',
  'senior',
  'family',
  'stranger',
  'staff',
  'staffSameStreet',
  'staffOtherStreet',
  'streetAdmin',
  'otherStreetAdmin',
  'districtAdmin',
] as const;
type Role = (typeof ROLES)[number];

const SIGNED_IN: Role[] = ROLES.filter((r) => r !== 'anon');
const STAFF_AND_ADMINS: Role[] = ['staff', 'staffSameStreet', 'staffOtherStreet', 'streetAdmin', 'otherStreetAdmin', 'districtAdmin'];
const ADMINS: Role[] = ['streetAdmin', 'otherStreetAdmin', 'districtAdmin'];
/** Those responsible for 张桂英 and her centre. */
const OVER_HER: Role[] = ['staff', 'streetAdmin', 'districtAdmin'];
/** Herself, her daughter, and those responsible for her. */
const HER_PEOPLE: Role[] = ['senior', 'family', ...OVER_HER];
const ADMINS_OVER_HER: Role[] = ['streetAdmin', 'districtAdmin'];

interface Req {
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** A session of its own for this request (logout ends the one it uses). */
  freshSession?: boolean;
}

interface Row {
  /** Who gets through; `anyone` includes the anonymous; `outside` is a WeChat-facing route that knows no sessions. */
  allow: Role[] | 'anyone' | 'outside';
  req?: (fx: Fixtures, role: Role) => Req | Promise<Req>;
  /** What a refused role gets instead of 403 (the anonymous always get 401). */
  refused?: Partial<Record<Role, number | { status: number; code: string }>>;
}

interface Fixtures {
  h: Harness;
  zhangId: number;
  jiaxinId: number;
  jiaxinLunchId: number;
  booking: { id: number; code: string };
  refundId: number;
  alertId: number;
  noticeId: number;
  mishixiangRegionId: number;
  lunchItemId: number;
  reminderTemplate: string;
  ruleId: number;
  visitId: number;
  careCheckId: number;
  volunteerId: number;
  volunteerAccountId: number;
  freshLinkOfZhang(): Promise<number>;
  freshTemplate(): Promise<number>;
  freshNotice(): Promise<number>;
}

const OUTSIDE: Row = { allow: 'outside' };

export const MATRIX: Record<string, Row> = {
  // ---- the public account, WeChat Pay and health: no sessions there; every role gets what the anonymous get ----
  'GET /healthz': OUTSIDE,
  'GET /wechat': OUTSIDE,
  'POST /wechat': OUTSIDE,
  'POST /pay/notify': OUTSIDE,
  'POST /pay/refund-notify': OUTSIDE,
  'GET /pay/jsapi': OUTSIDE,
  'POST /pay/jsapi': { allow: 'outside', req: () => ({ body: { t: 'not-a-real-pay-link-token' } }) },

  // ---- sign-in ----
  'POST /api/v1/auth/login': { allow: 'anyone', req: () => ({ body: { code: 'demo:o_family_05' } }) },
  'POST /api/v1/auth/password-login': { allow: 'anyone', req: () => ({ body: { username: 'staff-zuojia', password: CONSOLE_PASSWORD } }) },
  'POST /api/v1/auth/logout': { allow: SIGNED_IN, req: () => ({ freshSession: true }) },
  'GET /api/v1/me': { allow: SIGNED_IN },

  // ---- the catalogue: anyone signed in browses ----
  'GET /api/v1/centres': { allow: SIGNED_IN },
  'GET /api/v1/centres/:id': { allow: SIGNED_IN, req: (fx) => ({ params: { id: fx.jiaxinId } }) },
  'GET /api/v1/slots': { allow: SIGNED_IN, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },
  'GET /api/v1/slots/:id': { allow: SIGNED_IN, req: (fx) => ({ params: { id: fx.jiaxinLunchId } }) },

  // ---- bookings ----
  'POST /api/v1/quotes': { allow: HER_PEOPLE, req: (fx) => ({ body: { seniorId: fx.zhangId, slotId: fx.jiaxinLunchId } }) },
  'POST /api/v1/bookings': { allow: HER_PEOPLE, req: (fx) => ({ body: { seniorId: fx.zhangId, slotId: fx.jiaxinLunchId } }) },
  'GET /api/v1/bookings': { allow: HER_PEOPLE, req: (fx) => ({ query: { seniorId: fx.zhangId } }) },
  'POST /api/v1/bookings/check-in': {
    allow: OVER_HER,
    req: (fx) => ({ body: { code: fx.booking.code } }),
    refused: {
      staffSameStreet: { status: 409, code: 'WRONG_CENTRE' },
      staffOtherStreet: { status: 409, code: 'WRONG_CENTRE' },
      otherStreetAdmin: { status: 409, code: 'WRONG_CENTRE' },
    },
  },
  'GET /api/v1/bookings/:id': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.booking.id } }) },
  'POST /api/v1/bookings/:id/cancel': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.booking.id }, body: { reason: '矩阵测试' } }) },
  'POST /api/v1/bookings/:id/confirm': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.booking.id } }) },
  'POST /api/v1/bookings/:id/reject': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.booking.id }, body: { reason: '矩阵测试' } }) },
  'POST /api/v1/bookings/:id/no-show': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.booking.id } }) },
  'POST /api/v1/bookings/:id/rating': { allow: ['senior', 'family'], req: (fx) => ({ params: { id: fx.booking.id }, body: { score: 5 } }) },

  // ---- money ----
  'POST /api/v1/bookings/:id/pay': { allow: ['senior', 'family'], req: (fx) => ({ params: { id: fx.booking.id }, body: {} }) },
  'GET /api/v1/bookings/:id/payments': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.booking.id } }) },
  'POST /api/v1/bookings/:id/reduce': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.booking.id }, body: { quantity: 1 } }) },
  'GET /api/v1/payments': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId, date: '2026-12-02' } }) },
  'GET /api/v1/payments/problems': { allow: STAFF_AND_ADMINS },
  'POST /api/v1/refunds/:id/retry': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.refundId } }) },

  // ---- seniors and their families ----
  'GET /api/v1/seniors': { allow: STAFF_AND_ADMINS },
  'GET /api/v1/seniors/:id': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.zhangId } }) },
  'POST /api/v1/seniors/:id/link-codes': { allow: ['senior', ...OVER_HER], req: (fx) => ({ params: { id: fx.zhangId } }) },
  'GET /api/v1/seniors/:id/family-links': { allow: ['senior', ...OVER_HER], req: (fx) => ({ params: { id: fx.zhangId } }) },
  'GET /api/v1/family-links': { allow: SIGNED_IN },
  // A wrong code: whoever is signed in may try one (and is told it is wrong); nobody is linked by the matrix.
  'POST /api/v1/family-links': { allow: SIGNED_IN, req: () => ({ body: { code: '000000' } }) },
  'DELETE /api/v1/family-links/:id': { allow: ['senior', ...OVER_HER], req: async (fx) => ({ params: { id: await fx.freshLinkOfZhang() } }) },
  'POST /api/v1/seniors/:id/wechat-binding': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.zhangId } }) },
  'GET /api/v1/seniors/:id/conversation': { allow: ['senior', ...OVER_HER], req: (fx) => ({ params: { id: fx.zhangId } }) },

  // ---- 助急 ----
  'POST /api/v1/emergencies': { allow: ['senior', 'family'], req: (fx) => ({ body: { seniorId: fx.zhangId, message: '矩阵测试' } }) },
  'GET /api/v1/emergencies': { allow: STAFF_AND_ADMINS },
  'POST /api/v1/emergencies/:id/acknowledge': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.alertId } }) },

  // ---- policy notices ----
  'POST /api/v1/notices/preview': {
    allow: ADMINS_OVER_HER,
    req: (fx) => ({ body: { audience: { regionId: fx.mishixiangRegionId, roles: ['senior'] } } }),
  },
  'POST /api/v1/notices': {
    allow: ADMINS_OVER_HER,
    req: (fx) => ({
      body: { title: '矩阵测试', body: '矩阵测试', audience: { regionId: fx.mishixiangRegionId, roles: ['senior'] }, scheduledAt: '2027-01-01T09:00:00+08:00' },
    }),
  },
  'GET /api/v1/notices': { allow: ADMINS },
  'GET /api/v1/notices/:id': { allow: ADMINS_OVER_HER, req: (fx) => ({ params: { id: fx.noticeId } }), refused: { otherStreetAdmin: 404 } },
  'POST /api/v1/notices/:id/cancel': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => ({ params: { id: await fx.freshNotice() } }),
    refused: { otherStreetAdmin: 404 },
  },
  'GET /api/v1/me/notices': { allow: SIGNED_IN },
  // Delivered to the street's seniors, their families and its centres' staff: the others are told there is none.
  'GET /api/v1/me/notices/:id': {
    allow: ['senior', 'family', 'staff', 'staffSameStreet'],
    req: (fx) => ({ params: { id: fx.noticeId } }),
    refused: { stranger: 404, staffOtherStreet: 404, streetAdmin: 404, otherStreetAdmin: 404, districtAdmin: 404 },
  },

  // ---- subscribe-message consent: whoever has a mini-program identity (the demo administrators have none) ----
  'POST /api/v1/subscriptions': {
    allow: ['senior', 'family', 'stranger', 'staff', 'staffSameStreet', 'staffOtherStreet'],
    req: (fx) => ({ body: { templateIds: [fx.reminderTemplate], result: { [fx.reminderTemplate]: 'accept' } } }),
  },

  // ---- slot templates ----
  'GET /api/v1/centres/:id/slot-templates': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId } }) },
  'POST /api/v1/centres/:id/slot-templates': {
    allow: OVER_HER,
    req: (fx) => ({
      params: { id: fx.jiaxinId },
      body: {
        serviceItemId: fx.lunchItemId,
        weekdays: [7],
        start: '15:00',
        end: '16:00',
        capacity: 5,
        bookingCutoff: { daysBefore: 0, time: '09:00' },
        cancelCutoff: { daysBefore: 0, time: '09:00' },
      },
    }),
  },
  'DELETE /api/v1/slot-templates/:id': { allow: OVER_HER, req: async (fx) => ({ params: { id: await fx.freshTemplate() } }) },

  // ---- settlements and jobs: administrators ----
  'GET /api/v1/settlements': { allow: ADMINS, req: () => ({ query: { month: '2026-11' } }) },
  'GET /api/v1/settlements/:month.xlsx': { allow: ADMINS, req: () => ({ params: { month: '2026-11' } }) },
  'GET /api/v1/settlements/:month.csv': { allow: ADMINS, req: () => ({ params: { month: '2026-11' } }) },
  'POST /api/v1/settlements': { allow: ['districtAdmin'], req: () => ({ body: { month: '2026-11' } }) },
  'GET /api/v1/jobs/runs': { allow: ADMINS },

  // ---- the care cycle (issue 24): visit rules, visits, worries ----
  'GET /api/v1/visit-rules': { allow: STAFF_AND_ADMINS },
  'POST /api/v1/visit-rules': {
    allow: ADMINS_OVER_HER,
    req: (fx) => ({ body: { regionId: fx.mishixiangRegionId, category: 'empty_nest', intervalDays: 14 } }),
  },
  'PATCH /api/v1/visit-rules/:id': { allow: ADMINS_OVER_HER, req: (fx) => ({ params: { id: fx.ruleId }, body: { intervalDays: 7, version: 999 } }) },
  'GET /api/v1/visits': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId, list: 'due' } }) },
  'GET /api/v1/visits/mine': { allow: SIGNED_IN },
  // Her centre's staff record her visits (a wrong code here: refused for the proof, not for who they are).
  'POST /api/v1/visits/:id/record': {
    allow: ['staff'],
    req: (fx) => ({ params: { id: fx.visitId }, body: { proof: { code: '000000' }, health: 'good', mood: 'good', homeSafety: 'safe', version: 1 } }),
  },
  'POST /api/v1/visits/:id/resolve-concern': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.visitId }, body: { resolution: '矩阵测试', version: 1 } }) },
  'GET /api/v1/seniors/:id/visit-code': { allow: ['senior', 'family'], req: (fx) => ({ params: { id: fx.zhangId } }) },
  'GET /api/v1/seniors/:id/care': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.zhangId } }) },
  'PUT /api/v1/seniors/:id/care-sharing': {
    allow: ['senior', ...OVER_HER],
    req: (fx) => ({ params: { id: fx.zhangId }, body: { share: true, version: 999 } }),
  },
};

/** The built-in WeChat (sandbox mode only): it imitates WeChat's servers and knows no Mulin sessions. */
const OUTSIDE_PREFIXES = ['/sandbox'];

/** A refusal, whatever its status: these codes never mean "you got through". */
const DENIAL_CODES = new Set([...Object.entries(ERRORS).flatMap(([code, e]) => (e.status === 403 ? [code] : [])), 'UNAUTHENTICATED', 'WRONG_CENTRE']);

function rowFor(method: string, path: string): Row | undefined {
  return MATRIX[`${method} ${path}`] ?? (OUTSIDE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`)) ? OUTSIDE : undefined);
}

describeEachDb('every route × every role', (h) => {
  const tokens = {} as Record<Role, string | undefined>;
  const logins: Record<Exclude<Role, 'anon'>, () => Promise<string>> = {
    senior: () => loginWechat(h(), 'o_mini_senior_01'),
    family: () => loginWechat(h(), 'o_family_01'),
    stranger: () => loginWechat(h(), 'o_family_06'),
    staff: () => loginConsole(h(), 'staff-jiaxin'),
    staffSameStreet: () => loginConsole(h(), 'staff-dongyuan'),
    staffOtherStreet: () => loginConsole(h(), 'staff-maiyuqiao'),
    streetAdmin: () => loginConsole(h(), 'admin-mishixiang'),
    otherStreetAdmin: () => loginConsole(h(), 'admin-hushu'),
    districtAdmin: () => loginConsole(h(), 'admin'),
  };
  let fx: Fixtures;

  beforeAll(async () => {
    h().clock.set(T0);
    for (const role of SIGNED_IN) tokens[role] = await logins[role as Exclude<Role, 'anon'>]();
    fx = await fixtures(h(), tokens);
  });

  async function send(method: string, path: string, role: Role, row: Row): Promise<{ status: number; code?: string }> {
    const req = (await row.req?.(fx, role)) ?? {};
    const url = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(req.params?.[name] ?? '0')));
    const auth = role === 'anon' ? undefined : req.freshSession ? await logins[role as Exclude<Role, 'anon'>]() : tokens[role];
    let call = h().http[method.toLowerCase() as 'get'](url);
    if (auth) call = call.set('authorization', auth);
    if (req.query) call = call.query(req.query);
    const res = method === 'GET' || method === 'DELETE' ? await call : await call.send((req.body ?? {}) as object);
    return { status: res.status, code: res.body?.error?.code };
  }

  test('every route the app serves has a row, and every row is a route the app serves', () => {
    const routes = routesOfApp(createApp(h().services));
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((r) => !rowFor(r.method, r.path)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(MATRIX).filter((k) => !served.has(k))).toEqual([]);
  });

  test('the refused are refused: 401 without a session, 403 (or what the row says) for the rest', async () => {
    const wrong: string[] = [];
    for (const { method, path } of routesOfApp(createApp(h().services))) {
      const row = rowFor(method, path)!;
      if (!Array.isArray(row.allow)) continue;
      for (const role of ROLES.filter((r) => !(row.allow as Role[]).includes(r))) {
        const want = role === 'anon' ? { status: 401, code: 'UNAUTHENTICATED' } : (row.refused?.[role] ?? 403);
        const { status, code } = typeof want === 'number' ? { status: want, code: undefined } : want;
        const got = await send(method, path, role, row);
        if (got.status !== status || (code !== undefined && got.code !== code))
          wrong.push(`${method} ${path} as ${role}: ${got.status} ${got.code}, wanted ${status} ${code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('the allowed get through (refused for a state, or a missing month, perhaps; never for who they are), and never a 5xx', async () => {
    const wrong: string[] = [];
    for (const { method, path } of routesOfApp(createApp(h().services))) {
      const row = rowFor(method, path)!;
      if (row.allow === 'outside') {
        // WeChat's and the sandbox's routes know no Mulin session: every role gets what the anonymous get.
        const answers = new Set<number>();
        for (const role of ROLES) answers.add((await send(method, path, role, row)).status);
        if (answers.size !== 1 || [...answers][0] >= 500) wrong.push(`${method} ${path}: ${[...answers].join(', ')} by role`);
        continue;
      }
      for (const role of row.allow === 'anyone' ? ROLES : row.allow) {
        const got = await send(method, path, role, row);
        // A validation failure would mean the row's request is wrong and proves nothing about who may; and what the
        // refused get (a 404 where a notice was not delivered to them, say) is no answer for the allowed either.
        const asRefused = Object.values(row.refused ?? {}).some((r) =>
          typeof r === 'number' ? r === got.status : r.status === got.status && r.code === got.code,
        );
        if (
          got.status >= 500 ||
          got.status === 401 ||
          got.status === 403 ||
          got.code === 'VALIDATION_FAILED' ||
          (got.code && DENIAL_CODES.has(got.code)) ||
          asRefused
        )
          wrong.push(`${method} ${path} as ${role}: ${got.status} ${got.code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** 张桂英's records, and makers of fresh ones for the routes that use a record up. */
async function fixtures(h: Harness, tokens: Record<Role, string | undefined>): Promise<Fixtures> {
  const zhang = await seniorNamed(h, '张桂英');
  const jiaxin = await centreNamed(h, JIAXIN);
  const lunch = await slotOf(h, JIAXIN, 'lunch', '2026-12-03');
  const daughter = tokens.family!;

  const booked = await h.http
    .post('/api/v1/bookings')
    .set('authorization', daughter)
    .send({ seniorId: zhang.id, slotId: (await slotOf(h, JIAXIN, 'dinner', '2026-12-03')).id })
    .expect(201);

  // A refund WeChat Pay refused, waiting for staff: two portions paid, one given back.
  const paidBooking = await h.http
    .post('/api/v1/bookings')
    .set('authorization', daughter)
    .send({ seniorId: zhang.id, slotId: (await slotOf(h, JIAXIN, 'lunch', '2026-12-02')).id, quantity: 2 })
    .expect(201);
  const pay = await h.http.post(`/api/v1/bookings/${paidBooking.body.id}/pay`).set('authorization', daughter).send({}).expect(200);
  await h.sandbox.wxpay.pay(pay.body.payment.outTradeNo);
  await h.sandbox.wxpay.settled();
  h.sandbox.wxpay.setRefundKnobs({ failRefunds: 1 });
  await h.http.post(`/api/v1/bookings/${paidBooking.body.id}/reduce`).set('authorization', daughter).send({ quantity: 1 }).expect(200);
  await h.sandbox.wxpay.settled();
  const refund = await h.db.manager.findOneByOrFail(Refund, { bookingId: paidBooking.body.id, status: 'failed' });

  const alert = await h.http.post('/api/v1/emergencies').set('authorization', tokens.senior!).send({ seniorId: zhang.id }).expect(201);

  const mishixiang = await h.db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
  const notice = await h.http
    .post('/api/v1/notices')
    .set('authorization', tokens.streetAdmin!)
    .send({ title: '通知', body: '内容', audience: { regionId: mishixiang.id, roles: ['senior', 'family', 'staff'] } })
    .expect(201);
  await h.services.broadcasts.run();

  const lunchItem = await h.db.manager.findOneByOrFail(ServiceItem, { centreId: jiaxin.id, kind: 'lunch' });
  // A visit rule for her street and the visits it plans (she lives alone and is over 80).
  const rule = await h.http
    .post('/api/v1/visit-rules')
    .set('authorization', tokens.streetAdmin!)
    .send({ regionId: mishixiang.id, category: 'living_alone', minAge: 80, intervalDays: 7 })
    .expect(201);
  await h.services.visitPlans.plan();
  const visit = await h.db.manager.findOneByOrFail(Visit, { seniorId: zhang.id, status: 'due' });
  const careCheck = await h.db.manager.save(CareCheck, {
    seniorId: zhang.id,
    centreId: jiaxin.id,
    lastSignAt: null,
    silenceKey: 'matrix',
    silenceDays: 7,
    status: 'open' as const,
    closedAt: null,
    closedByAccountId: null,
    note: '',
    version: 1,
    createdAt: h.clock.now(),
  });
  const volunteerAccount = await h.db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_05' });
  const volunteer = await h.http
    .post('/api/v1/volunteers')
    .set('authorization', tokens.staff!)
    .send({ accountId: volunteerAccount.id, name: '吴静' })
    .expect(201);
  let n = 0;
  return {
    h,
    zhangId: zhang.id,
    jiaxinId: jiaxin.id,
    jiaxinLunchId: lunch.id,
    booking: { id: booked.body.id, code: (await h.db.manager.findOneByOrFail(Booking, { id: booked.body.id })).code },
    refundId: refund.id,
    alertId: alert.body.alertId,
    noticeId: notice.body.id,
    mishixiangRegionId: mishixiang.id,
    lunchItemId: lunchItem.id,
    reminderTemplate: h.config.templates.serviceReminder.mini,
    ruleId: rule.body.id,
    visitId: visit.id,
    careCheckId: careCheck.id,
    volunteerId: volunteer.body.id,
    volunteerAccountId: volunteerAccount.id,
    async freshLinkOfZhang() {
      const now = h.clock.now();
      const account = await h.db.manager.save(Account, {
        displayName: `亲属${++n}`,
        roles: ['family' as const],
        active: true,
        miniOpenid: `o_matrix_kin_${n}`,
        createdAt: now,
        updatedAt: now,
      });
      const link = await h.db.manager.save(FamilyLink, {
        seniorId: zhang.id,
        familyAccountId: account.id,
        relation: '亲属',
        createdVia: 'staff' as const,
        createdAt: now,
        revokedAt: null,
        revokedByAccountId: null,
      });
      return link.id;
    },
    async freshNotice() {
      const created = await h.http
        .post('/api/v1/notices')
        .set('authorization', tokens.streetAdmin!)
        .send({ title: '通知', body: '内容', audience: { regionId: mishixiang.id, roles: ['senior'] }, scheduledAt: '2027-01-01T09:00:00+08:00' })
        .expect(201);
      return created.body.id;
    },
    async freshTemplate() {
      const now = h.clock.now();
      const t = await h.db.manager.save(SlotTemplate, {
        serviceItemId: lunchItem.id,
        centreId: jiaxin.id,
        weekdays: ['6'],
        startTime: '14:00',
        endTime: '15:00',
        capacity: 3,
        workerName: '',
        bookingCutoffDays: 0,
        bookingCutoffTime: '09:00',
        cancelCutoffDays: 0,
        cancelCutoffTime: '09:00',
        active: true,
        createdByAccountId: null,
        createdAt: now,
        updatedAt: now,
      });
      return t.id;
    },
  };
}
