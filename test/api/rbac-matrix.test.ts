import {
  Account,
  Booking,
  CareCheck,
  Centre,
  FamilyLink,
  Refund,
  Region,
  Senior,
  SeniorAssessment,
  ServiceItem,
  Slot,
  SlotTemplate,
  SubsidyBudget,
  TimeBankEntry,
  Visit,
} from '../../entities';
import { createApp, routesOfApp } from '../../server/app';
import { ERRORS } from '../../server/errors';
import { addDays } from '../../server/lib/time';
import { JIAXIN, centreNamed, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { CONSOLE_PASSWORD, describeEachDb, T0, TODAY, type Harness } from '../helpers/harness';
import { idNumber } from '../helpers/id-numbers';
import { TINY_PNG } from '../helpers/images';

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
/** Her daughter is the only volunteer among the roles: the others have no volunteer page and no hours to give. */
const NOT_A_VOLUNTEER: Row['refused'] = Object.fromEntries(
  ROLES.filter((r) => r !== 'anon' && r !== 'family').map((r) => [r, { status: 404, code: 'VOLUNTEER_NOT_FOUND' }]),
);

interface Req {
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** The body's Content-Type when it is not JSON (a file). */
  type?: string;
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
  /** Today's lunch at her centre: the counter books walk-ins for it. */
  jiaxinLunchTodayId: number;
  jiaxinPhone: string;
  jiaxinStaffAccountId: number;
  zhangDietNotes: string;
  zhangAbilityLevel: number;
  assessmentId: number;
  /** The Monday of this week. */
  monday: string;
  /** A community of her street made for the matrix (renamed by it). */
  spareCommunityId: number;
  /** A bath service of her centre made for the matrix, with no bookings (renamed, repriced, closed by it). */
  spareItemId: number;
  /** A subsidy policy of her street. */
  policyId: number;
  /** Her street's budget for a month. */
  budgetId: number;
  versionOf(
    entity: typeof Senior | typeof SeniorAssessment | typeof Region | typeof Centre | typeof ServiceItem | typeof SubsidyBudget,
    id: number,
  ): Promise<number>;
  menuVersion(): Promise<number>;
  freshName(prefix: string): string;
  freshUsername(): string;
  freshMonth(): string;
  newSeniorForm(): Record<string, unknown>;
  importCsv(): string;
  newCentreForm(): Record<string, unknown>;
  newSlotForm(): Record<string, unknown>;
  newClosureForm(): Record<string, unknown>;
  newPolicyForm(): Record<string, unknown>;
  ruleId: number;
  visitId: number;
  /** A visit of hers recorded just now by her centre's staff (a new one each call: photos are added within a day). */
  freshDoneVisit(): Promise<number>;
  /** A photo on a visit of hers; she shares her visits with her family. */
  photo: { visitId: number; id: number };
  careCheckId: number;
  /** 吴静, a volunteer of her centre (no role of the matrix). */
  volunteerId: number;
  volunteerAccountId: number;
  /** Her daughter 刘敏, registered as a volunteer of her centre too, with two hours saved. */
  daughterVolunteerId: number;
  /** 吴静 paired with her (again, if a row ended it). */
  pairZhang(): Promise<void>;
  freshCareCheck(): Promise<Versioned>;
  /** A WeChat account no one has registered as a volunteer. */
  freshWechatAccount(): Promise<number>;
  freshLinkOfZhang(): Promise<number>;
  freshTemplate(): Promise<number>;
  freshNotice(): Promise<number>;
  freshSenior(opts?: { inactive?: boolean }): Promise<Versioned>;
  freshStaffAccount(opts?: { disabled?: boolean }): Promise<Versioned>;
  freshCentre(opts?: { inactive?: boolean }): Promise<Versioned>;
  freshItem(opts?: { inactive?: boolean }): Promise<Versioned>;
  freshSlot(opts?: { closed?: boolean }): Promise<Versioned>;
  freshClosure(): Promise<number>;
  freshPolicy(): Promise<Versioned>;
}

interface Versioned {
  id: number;
  version: number;
}

/** A service of her centre nobody books (its slots, made by hand, close and reopen without calling anyone off). */
const SPARE_ITEM = { category: 'bath', kind: 'bath', name: '矩阵助浴', priceFen: 3000, deliveryModes: ['at_centre'] };

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
  'GET /api/v1/bookings.xlsx': { allow: HER_PEOPLE, req: (fx) => ({ query: { seniorId: fx.zhangId } }) },
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
  'POST /api/v1/refunds/:id/resolve-offline': {
    allow: OVER_HER,
    req: (fx) => ({ params: { id: fx.refundId }, body: { method: 'cash', reference: '矩阵测试' } }),
  },

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

  // ---- the seniors' registry: their centre's staff and the administrators over them ----
  // A new senior of her community and her centre: staff of another centre may register seniors only for their own.
  'POST /api/v1/seniors': { allow: OVER_HER, req: (fx) => ({ body: fx.newSeniorForm() }) },
  // The civil-affairs list (a dry run): every administrator imports, each only into their region (rows outside it are errors).
  'POST /api/v1/seniors/import': { allow: ADMINS, req: (fx) => ({ type: 'text/csv', body: fx.importCsv() }) },
  // Her record, sent back with her own diet notes on the version read: nothing changes.
  'PATCH /api/v1/seniors/:id': {
    allow: OVER_HER,
    req: async (fx) => ({ params: { id: fx.zhangId }, body: { version: await fx.versionOf(Senior, fx.zhangId), dietNotes: fx.zhangDietNotes } }),
  },
  'POST /api/v1/seniors/:id/deactivate': {
    allow: OVER_HER,
    req: async (fx) => {
      const s = await fx.freshSenior();
      return { params: { id: s.id }, body: { reason: 'moved_away', version: s.version } };
    },
  },
  'POST /api/v1/seniors/:id/reactivate': {
    allow: OVER_HER,
    req: async (fx) => {
      const s = await fx.freshSenior({ inactive: true });
      return { params: { id: s.id }, body: { version: s.version } };
    },
  },
  'GET /api/v1/seniors/:id/usual-meal': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.zhangId } }) },
  // 找人工: staff over her answer her in the chat and hand it back to the bot.
  'POST /api/v1/seniors/:id/chat/reply': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.zhangId }, body: { text: '张阿姨，我是矩阵测试。' } }) },
  'POST /api/v1/seniors/:id/chat/release': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.zhangId } }) },
  'GET /api/v1/seniors/:id/assessments': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.zhangId } }) },
  'POST /api/v1/seniors/:id/assessments': {
    allow: OVER_HER,
    req: (fx) => ({ params: { id: fx.zhangId }, body: { assessedOn: '2026-11-20', assessor: '矩阵评估员', level: fx.zhangAbilityLevel } }),
  },
  'PATCH /api/v1/seniors/:id/assessments/:assessmentId': {
    allow: OVER_HER,
    req: async (fx) => ({
      params: { id: fx.zhangId, assessmentId: fx.assessmentId },
      body: { version: await fx.versionOf(SeniorAssessment, fx.assessmentId), note: '矩阵测试' },
    }),
  },

  // ---- 助急 ----
  'POST /api/v1/emergencies': { allow: ['senior', 'family'], req: (fx) => ({ body: { seniorId: fx.zhangId, message: '矩阵测试' } }) },
  'GET /api/v1/emergencies': { allow: STAFF_AND_ADMINS },
  'POST /api/v1/emergencies/:id/acknowledge': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.alertId } }) },
  // The first allowed role closes it; the others get through to 409 ALERT_ALREADY_RESOLVED.
  'POST /api/v1/emergencies/:id/resolve': {
    allow: OVER_HER,
    req: (fx) => ({ params: { id: fx.alertId }, body: { outcome: 'false_alarm', note: '矩阵测试' } }),
  },

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

  // ---- console accounts: the administrators over them; one's own password ----
  // Sent with the right old password as the new one: checked, then refused as unchanged, so nothing changes. WeChat
  // accounts have no password to change.
  'POST /api/v1/me/password': {
    allow: STAFF_AND_ADMINS,
    req: () => ({ body: { oldPassword: CONSOLE_PASSWORD, newPassword: CONSOLE_PASSWORD } }),
    refused: {
      senior: { status: 409, code: 'PASSWORD_NOT_SET' },
      family: { status: 409, code: 'PASSWORD_NOT_SET' },
      stranger: { status: 409, code: 'PASSWORD_NOT_SET' },
    },
  },
  'GET /api/v1/accounts': { allow: ADMINS },
  'POST /api/v1/accounts': {
    allow: ADMINS_OVER_HER,
    req: (fx) => ({ body: { role: 'staff', username: fx.freshUsername(), displayName: '矩阵员工', centreId: fx.jiaxinId } }),
  },
  'GET /api/v1/accounts/:id': { allow: ADMINS_OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinStaffAccountId } }) },
  'PATCH /api/v1/accounts/:id': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const a = await fx.freshStaffAccount();
      return { params: { id: a.id }, body: { version: a.version, displayName: '矩阵员工（改）' } };
    },
  },
  'POST /api/v1/accounts/:id/disable': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const a = await fx.freshStaffAccount();
      return { params: { id: a.id }, body: { version: a.version, reason: '矩阵测试' } };
    },
  },
  'POST /api/v1/accounts/:id/enable': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const a = await fx.freshStaffAccount({ disabled: true });
      return { params: { id: a.id }, body: { version: a.version } };
    },
  },
  'POST /api/v1/accounts/:id/reset-password': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const a = await fx.freshStaffAccount();
      return { params: { id: a.id }, body: { version: a.version } };
    },
  },

  // ---- the audit log: everyone at work reads their own centre's or region's entries ----
  'GET /api/v1/audit-log': { allow: STAFF_AND_ADMINS },

  // ---- the counter and the day's lists: her centre's staff, the administrators over it ----
  'GET /api/v1/centres/:id/day/:date/search': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId, date: TODAY }, query: { q: '张' } }) },
  // The check-in found by search: refused for the centre first, then for the day (the booking is not today's).
  'POST /api/v1/bookings/:id/check-in': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.booking.id } }) },
  'POST /api/v1/centres/:id/walk-ins': {
    allow: OVER_HER,
    req: (fx) => ({ params: { id: fx.jiaxinId }, body: { seniorId: fx.zhangId, slotId: fx.jiaxinLunchTodayId } }),
  },
  'GET /api/v1/slots/:id/kitchen-list': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinLunchId } }) },
  'GET /api/v1/slots/:id/kitchen-list.xlsx': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinLunchId } }) },
  'GET /api/v1/centres/:id/delivery-list': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId }, query: { date: TODAY } }) },
  'GET /api/v1/centres/:id/delivery-list.xlsx': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId }, query: { date: TODAY } }) },

  // ---- the registry: regions ----
  'GET /api/v1/regions': { allow: STAFF_AND_ADMINS },
  'POST /api/v1/regions': { allow: ADMINS_OVER_HER, req: (fx) => ({ body: { name: fx.freshName('矩阵社区'), parentId: fx.mishixiangRegionId } }) },
  'PATCH /api/v1/regions/:id': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => ({
      params: { id: fx.spareCommunityId },
      body: { name: fx.freshName('矩阵社区'), version: await fx.versionOf(Region, fx.spareCommunityId) },
    }),
  },

  // ---- the registry: centres (the administrators over them; its own staff keep its hours and phone) ----
  'GET /api/v1/registry/centres': { allow: STAFF_AND_ADMINS },
  'GET /api/v1/registry/centres/:id': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId } }) },
  'POST /api/v1/centres': { allow: ADMINS_OVER_HER, req: (fx) => ({ body: fx.newCentreForm() }) },
  // Her centre's phone as it is: its own staff may change the hours and the phone, the administrators over it anything.
  'PATCH /api/v1/centres/:id': {
    allow: OVER_HER,
    req: async (fx) => ({ params: { id: fx.jiaxinId }, body: { phone: fx.jiaxinPhone, version: await fx.versionOf(Centre, fx.jiaxinId) } }),
  },
  'POST /api/v1/centres/:id/deactivate': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const c = await fx.freshCentre();
      return { params: { id: c.id }, body: { version: c.version } };
    },
  },
  'POST /api/v1/centres/:id/activate': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const c = await fx.freshCentre({ inactive: true });
      return { params: { id: c.id }, body: { version: c.version } };
    },
  },

  // ---- the registry: service items and their prices (set by the administrators, seen by the centre's staff) ----
  'GET /api/v1/centres/:id/service-items': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId } }) },
  'POST /api/v1/centres/:id/service-items': { allow: ADMINS_OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId }, body: SPARE_ITEM }) },
  'PATCH /api/v1/service-items/:id': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => ({ params: { id: fx.spareItemId }, body: { name: fx.freshName('矩阵助浴'), version: await fx.versionOf(ServiceItem, fx.spareItemId) } }),
  },
  'POST /api/v1/service-items/:id/deactivate': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const item = await fx.freshItem();
      return { params: { id: item.id }, body: { version: item.version } };
    },
  },
  'POST /api/v1/service-items/:id/activate': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const item = await fx.freshItem({ inactive: true });
      return { params: { id: item.id }, body: { version: item.version } };
    },
  },
  'GET /api/v1/service-items/:id/prices': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.lunchItemId } }) },
  'POST /api/v1/service-items/:id/prices': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => ({
      params: { id: fx.spareItemId },
      body: { priceFen: 2500, validFrom: '2027-01-01', version: await fx.versionOf(ServiceItem, fx.spareItemId) },
    }),
  },

  // ---- the registry: slots and closures by hand (her centre's staff, the administrators over it) ----
  'PATCH /api/v1/slots/:id': {
    allow: OVER_HER,
    req: async (fx) => {
      const slot = await fx.h.db.manager.findOneByOrFail(Slot, { id: fx.jiaxinLunchId });
      return { params: { id: slot.id }, body: { capacity: slot.capacity, version: slot.version } };
    },
  },
  'POST /api/v1/slots/:id/close': {
    allow: OVER_HER,
    req: async (fx) => {
      const slot = await fx.freshSlot();
      return { params: { id: slot.id }, body: { reason: '矩阵测试', version: slot.version } };
    },
  },
  'POST /api/v1/slots/:id/reopen': {
    allow: OVER_HER,
    req: async (fx) => {
      const slot = await fx.freshSlot({ closed: true });
      return { params: { id: slot.id }, body: { version: slot.version } };
    },
  },
  'POST /api/v1/centres/:id/slots': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId }, body: fx.newSlotForm() }) },
  'GET /api/v1/centres/:id/closures': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId } }) },
  'POST /api/v1/centres/:id/closures': { allow: OVER_HER, req: (fx) => ({ params: { id: fx.jiaxinId }, body: fx.newClosureForm() }) },
  'DELETE /api/v1/closures/:id': { allow: OVER_HER, req: async (fx) => ({ params: { id: await fx.freshClosure() } }) },

  // ---- menus: anyone signed in reads a centre's week; her centre's staff and the administrators over it publish ----
  'GET /api/v1/centres/:id/menus': { allow: SIGNED_IN, req: (fx) => ({ params: { id: fx.jiaxinId }, query: { week: fx.monday } }) },
  // Republishing the week as it is (copied from itself): nothing changes.
  'PUT /api/v1/centres/:id/menus/:week': {
    allow: OVER_HER,
    req: async (fx) => ({ params: { id: fx.jiaxinId, week: fx.monday }, body: { version: await fx.menuVersion(), copyFrom: fx.monday } }),
  },

  // ---- subsidy policies: read by the staff they apply to and the administrators in or under their region; written
  // by the administrators over the policy's region. The policy here is her street's: others are told there is none ----
  'GET /api/v1/policies': { allow: STAFF_AND_ADMINS },
  'POST /api/v1/policies/preview': { allow: ADMINS_OVER_HER, req: (fx) => ({ body: fx.newPolicyForm() }) },
  'GET /api/v1/policies/:id': {
    allow: ['staff', 'staffSameStreet', 'streetAdmin', 'districtAdmin'],
    req: (fx) => ({ params: { id: fx.policyId } }),
    refused: { staffOtherStreet: 404, otherStreetAdmin: 404 },
  },
  'POST /api/v1/policies': { allow: ADMINS_OVER_HER, req: (fx) => ({ body: fx.newPolicyForm() }) },
  'POST /api/v1/policies/:id/versions': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const p = await fx.freshPolicy();
      const { regionId: _region, ...terms } = fx.newPolicyForm();
      return { params: { id: p.id }, body: { ...terms, amountFen: 400, validFrom: '2027-03-10', version: p.version } };
    },
  },
  'POST /api/v1/policies/:id/retire': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => {
      const p = await fx.freshPolicy();
      return { params: { id: p.id }, body: { version: p.version } };
    },
  },

  // ---- dashboards, for her centre: its staff, the administrators over it ----
  'GET /api/v1/dashboard/meals': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },
  'GET /api/v1/dashboard/subsidy': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },
  'GET /api/v1/dashboard/seniors': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },
  'GET /api/v1/dashboard/ratings': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },
  'GET /api/v1/dashboard/emergencies': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },

  // ---- budgets, for her street: the administrators over it ----
  'GET /api/v1/budgets': { allow: ADMINS_OVER_HER, req: (fx) => ({ query: { regionId: fx.mishixiangRegionId } }) },
  'POST /api/v1/budgets': {
    allow: ADMINS_OVER_HER,
    req: (fx) => ({ body: { regionId: fx.mishixiangRegionId, month: fx.freshMonth(), amountFen: 100_000 } }),
  },
  'PUT /api/v1/budgets/:id': {
    allow: ADMINS_OVER_HER,
    req: async (fx) => ({ params: { id: fx.budgetId }, body: { amountFen: 120_000, version: await fx.versionOf(SubsidyBudget, fx.budgetId) } }),
  },

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
  // Photos: added by the one who recorded the visit or her centre's staff; seen by those who may see her visits
  // (her family too: she shares them).
  'POST /api/v1/visits/:id/photos': { allow: ['staff'], req: async (fx) => ({ params: { id: await fx.freshDoneVisit() }, type: 'image/png', body: TINY_PNG }) },
  'GET /api/v1/visits/:id/photos/:photoId': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.photo.visitId, photoId: fx.photo.id } }) },
  'GET /api/v1/seniors/:id/visit-code': { allow: ['senior', 'family'], req: (fx) => ({ params: { id: fx.zhangId } }) },
  'GET /api/v1/seniors/:id/care': { allow: HER_PEOPLE, req: (fx) => ({ params: { id: fx.zhangId } }) },
  'PUT /api/v1/seniors/:id/care-sharing': {
    allow: ['senior', ...OVER_HER],
    req: (fx) => ({ params: { id: fx.zhangId }, body: { share: true, version: 999 } }),
  },

  // ---- the silence alarm's 关爱 checks: her centre's staff, the administrators over it ----
  'GET /api/v1/care-checks': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },
  'POST /api/v1/care-checks/:id/close': {
    allow: OVER_HER,
    req: async (fx) => {
      const c = await fx.freshCareCheck();
      return { params: { id: c.id }, body: { note: '矩阵测试：电话联系上了', version: c.version } };
    },
  },

  // ---- volunteers: staff register them for their own centre and pair them with its seniors; her daughter is one ----
  'GET /api/v1/volunteers': { allow: OVER_HER, req: (fx) => ({ query: { centreId: fx.jiaxinId } }) },
  // One's own volunteer page: only a volunteer has one (the others are told there is no such volunteer).
  'GET /api/v1/volunteers/me': { allow: ['family'], refused: NOT_A_VOLUNTEER },
  // A WeChat account nobody has registered yet, for the staff member's own centre: any centre's staff may.
  'POST /api/v1/volunteers': {
    allow: ['staff', 'staffSameStreet', 'staffOtherStreet'],
    req: async (fx) => ({ body: { accountId: await fx.freshWechatAccount(), name: '矩阵志愿者' } }),
  },
  // Only the staff of the volunteer's centre pair them (with a senior of that centre) and end a pairing.
  'POST /api/v1/volunteers/:id/pairings': {
    allow: ['staff'],
    req: (fx) => ({ params: { id: fx.volunteerId }, body: { seniorId: fx.zhangId, consentBy: 'senior', consentNote: '矩阵测试：本人当面同意' } }),
  },
  'DELETE /api/v1/volunteers/:id/pairings/:seniorId': {
    allow: ['staff'],
    req: async (fx) => {
      await fx.pairZhang();
      return { params: { id: fx.volunteerId, seniorId: fx.zhangId } };
    },
  },

  // ---- the time bank: her daughter's hours as a volunteer (herself, her centre's staff, the administrators over it);
  // her own statement (the people who may see her); spends recorded by staff; gifts by a volunteer to their own family ----
  'GET /api/v1/time-bank/:kind/:id': { allow: ['family', ...OVER_HER], req: (fx) => ({ params: { kind: 'volunteer', id: fx.daughterVolunteerId } }) },
  'GET /api/v1/time-bank/:kind/:id/statement': { allow: HER_PEOPLE, req: (fx) => ({ params: { kind: 'senior', id: fx.zhangId }, query: { year: 2026 } }) },
  'POST /api/v1/time-bank/spend': {
    allow: OVER_HER,
    req: (fx) => ({ body: { holderKind: 'volunteer', holderId: fx.daughterVolunteerId, minutes: 1, note: '矩阵测试：助浴一次' } }),
  },
  'POST /api/v1/time-bank/gift': { allow: ['family'], req: (fx) => ({ body: { seniorId: fx.zhangId, minutes: 1 } }), refused: NOT_A_VOLUNTEER },

  // ---- the care report for her street: the administrators over it; the staff of a centre in it (their own visits) ----
  'GET /api/v1/care/reports': {
    allow: ['staff', 'staffSameStreet', ...ADMINS_OVER_HER],
    req: (fx) => ({ query: { month: '2026-12', regionId: fx.mishixiangRegionId } }),
  },
  'GET /api/v1/care/reports.xlsx': {
    allow: ['staff', 'staffSameStreet', ...ADMINS_OVER_HER],
    req: (fx) => ({ query: { month: '2026-12', regionId: fx.mishixiangRegionId } }),
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
    if (req.type) call = call.type(req.type);
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

  // The registry's records the matrix works on, made by the district's administrator as the console would.
  const admin = tokens.districtAdmin!;
  const made = async (path: string, body: object, by = admin) => (await h.http.post(path).set('authorization', by).send(body).expect(201)).body;
  const done = async (path: string, body: object) => (await h.http.post(path).set('authorization', admin).send(body).expect(200)).body;
  const versionOf = async (entity: Parameters<Fixtures['versionOf']>[0], id: number) =>
    (await h.db.manager.findOneByOrFail<{ id: number; version: number }>(entity, { id })).version;
  let k = 0;
  const freshName = (prefix: string) => `${prefix}${++k}`;
  const newSeniorForm = () => ({
    name: '矩阵老人',
    idNumber: idNumber('1939-09-09', 100 + ++k),
    address: '嘉新社区 9 幢 1 单元 101 室',
    regionId: zhang.regionId,
    homeCentreId: jiaxin.id,
  });
  const newCentreForm = () => ({
    name: freshName('矩阵照料中心'),
    kind: 'care_centre',
    regionId: zhang.regionId,
    address: '嘉新社区 9 幢',
    latitude: 30.2951,
    longitude: 120.1702,
    opensAt: '07:30',
    closesAt: '18:00',
    phone: '0571-8800 1234',
  });
  const newPolicyForm = () => ({
    regionId: mishixiang.id,
    name: '矩阵助浴补贴',
    category: 'bath',
    serviceKinds: ['bath'],
    method: 'fixed',
    amountFen: 300,
    validFrom: '2027-03-01',
  });
  const assessment = await made(`/api/v1/seniors/${zhang.id}/assessments`, { assessedOn: '2026-11-15', assessor: '矩阵评估员', level: zhang.abilityLevel });
  const spareCommunity = await made('/api/v1/regions', { name: '矩阵社区', parentId: mishixiang.id });
  const spareItem = await made(`/api/v1/centres/${jiaxin.id}/service-items`, SPARE_ITEM);
  const policy = await made('/api/v1/policies', newPolicyForm(), tokens.streetAdmin!);
  const budget = await made('/api/v1/budgets', { regionId: mishixiang.id, month: '2027-01', amountFen: 100_000 }, tokens.streetAdmin!);
  const newSlotForm = () => ({
    serviceItemId: spareItem.id,
    date: addDays('2027-01-04', ++k),
    start: '16:30',
    end: '17:30',
    capacity: 5,
    bookingCutoff: { daysBefore: 0, time: '09:00' },
    cancelCutoff: { daysBefore: 0, time: '09:00' },
  });
  const newClosureForm = () => ({ date: addDays('2027-06-01', ++k), serviceItemIds: [spareItem.id], reason: '矩阵测试' });
  // A visit rule for her street and the visits it plans (she lives alone and is over 80).
  const rule = await h.http
    .post('/api/v1/visit-rules')
    .set('authorization', tokens.streetAdmin!)
    .send({ regionId: mishixiang.id, category: 'living_alone', minAge: 80, intervalDays: 7 })
    .expect(201);
  await h.services.visitPlans.plan();
  const visit = await h.db.manager.findOneByOrFail(Visit, { seniorId: zhang.id, status: 'due' });
  const jiaxinStaffAccountId = (await h.db.manager.findOneByOrFail(Account, { username: 'staff-jiaxin' })).id;
  let doneVisits = 0;
  const freshDoneVisit = async () => {
    const now = h.clock.now();
    const base: Partial<Visit> = { ...visit };
    delete base.id;
    const v = await h.db.manager.save(Visit, {
      ...base,
      dueOn: addDays('2026-10-01', ++doneVisits),
      status: 'done' as const,
      doneAt: now,
      visitedByAccountId: jiaxinStaffAccountId,
      proof: 'code' as const,
      health: 'good' as const,
      mood: 'good' as const,
      homeSafety: 'safe' as const,
      createdAt: now,
      updatedAt: now,
    });
    return v.id;
  };
  const photoVisitId = await freshDoneVisit();
  const photo = await h.http.post(`/api/v1/visits/${photoVisitId}/photos`).set('authorization', tokens.staff!).type('image/png').send(TINY_PNG).expect(201);
  await h.db.manager.update(Senior, { id: zhang.id }, { shareCareWithFamily: true });
  let checks = 0;
  const freshCareCheck = async () => {
    const c = await h.db.manager.save(CareCheck, {
      seniorId: zhang.id,
      centreId: jiaxin.id,
      lastSignAt: null,
      silenceKey: `matrix-${++checks}`,
      silenceDays: 7,
      status: 'open' as const,
      closedAt: null,
      closedByAccountId: null,
      note: '',
      version: 1,
      createdAt: h.clock.now(),
    });
    return { id: c.id, version: c.version };
  };
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
  const daughterAccount = await h.db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_01' });
  const daughterVolunteer = await h.http
    .post('/api/v1/volunteers')
    .set('authorization', tokens.staff!)
    .send({ accountId: daughterAccount.id, name: '刘敏' })
    .expect(201);
  await h.db.manager.save(TimeBankEntry, {
    holderKind: 'volunteer' as const,
    holderId: daughterVolunteer.body.id,
    kind: 'credit' as const,
    minutes: 120,
    visitId: null,
    onceKey: 'matrix:daughter',
    note: '矩阵测试',
    recordedByAccountId: null,
    createdAt: h.clock.now(),
  });
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
    jiaxinLunchTodayId: (await slotOf(h, JIAXIN, 'lunch', TODAY)).id,
    jiaxinPhone: jiaxin.phone,
    jiaxinStaffAccountId: (await h.db.manager.findOneByOrFail(Account, { username: 'staff-jiaxin' })).id,
    zhangDietNotes: zhang.dietNotes,
    zhangAbilityLevel: zhang.abilityLevel,
    assessmentId: assessment.id,
    monday: '2026-11-30',
    spareCommunityId: spareCommunity.id,
    spareItemId: spareItem.id,
    policyId: policy.id,
    budgetId: budget.id,
    versionOf,
    async menuVersion() {
      return (await h.http.get(`/api/v1/centres/${jiaxin.id}/menus`).query({ week: '2026-11-30' }).set('authorization', admin).expect(200)).body.version;
    },
    freshName,
    freshUsername: () => `matrix-${++k}`,
    freshMonth: () => `${2027 + Math.floor(++k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`,
    newSeniorForm,
    importCsv: () => `姓名,身份证号,住址,所属社区\r\n矩阵导入,${idNumber('1938-08-08', 2)},嘉新社区 9 幢,嘉新社区\r\n`,
    newCentreForm,
    newSlotForm,
    newClosureForm,
    newPolicyForm,
    async freshSenior(opts = {}) {
      const s = await made('/api/v1/seniors', newSeniorForm());
      if (opts.inactive) await done(`/api/v1/seniors/${s.id}/deactivate`, { reason: 'moved_away', version: s.version });
      return { id: s.id, version: await versionOf(Senior, s.id) };
    },
    async freshStaffAccount(opts = {}) {
      const { account } = await made('/api/v1/accounts', { role: 'staff', username: `matrix-${++k}`, displayName: '矩阵员工', centreId: jiaxin.id });
      if (opts.disabled) await done(`/api/v1/accounts/${account.id}/disable`, { version: account.version, reason: '矩阵测试' });
      return { id: account.id, version: (await h.db.manager.findOneByOrFail(Account, { id: account.id })).version };
    },
    async freshCentre(opts = {}) {
      const c = await made('/api/v1/centres', newCentreForm());
      if (opts.inactive) await done(`/api/v1/centres/${c.id}/deactivate`, { version: c.version });
      return { id: c.id, version: await versionOf(Centre, c.id) };
    },
    async freshItem(opts = {}) {
      const item = await made(`/api/v1/centres/${jiaxin.id}/service-items`, SPARE_ITEM);
      if (opts.inactive) await done(`/api/v1/service-items/${item.id}/deactivate`, { version: item.version });
      return { id: item.id, version: await versionOf(ServiceItem, item.id) };
    },
    async freshSlot(opts = {}) {
      const slot = await made(`/api/v1/centres/${jiaxin.id}/slots`, newSlotForm());
      if (opts.closed) await done(`/api/v1/slots/${slot.id}/close`, { reason: '矩阵测试', version: slot.version });
      return { id: slot.id, version: (await h.db.manager.findOneByOrFail(Slot, { id: slot.id })).version };
    },
    async freshClosure() {
      return (await made(`/api/v1/centres/${jiaxin.id}/closures`, newClosureForm())).closure.id;
    },
    async freshPolicy() {
      const p = await made('/api/v1/policies', newPolicyForm());
      return { id: p.id, version: p.version };
    },
    ruleId: rule.body.id,
    visitId: visit.id,
    freshDoneVisit,
    photo: { visitId: photoVisitId, id: photo.body.id },
    careCheckId: careCheck.id,
    volunteerId: volunteer.body.id,
    volunteerAccountId: volunteerAccount.id,
    daughterVolunteerId: daughterVolunteer.body.id,
    async pairZhang() {
      await h.http
        .post(`/api/v1/volunteers/${volunteer.body.id}/pairings`)
        .set('authorization', tokens.staff!)
        .send({ seniorId: zhang.id, consentBy: 'senior' })
        .expect(200);
    },
    freshCareCheck,
    async freshWechatAccount() {
      const now = h.clock.now();
      const account = await h.db.manager.save(Account, {
        displayName: `矩阵微信${++n}`,
        roles: ['family' as const],
        active: true,
        miniOpenid: `o_matrix_volunteer_${n}`,
        createdAt: now,
        updatedAt: now,
      });
      return account.id;
    },
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
