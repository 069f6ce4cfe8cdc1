/**
 * The message templates Mulin sends, by purpose. A real public account and mini-program choose their templates in
 * the WeChat console, which gives each an id: set them with `WECHAT_TEMPLATES` (JSON, e.g.
 * `{"emergency":{"mp":"AbC…","mini":"XyZ…"}}`); the sandbox accepts the placeholder ids below. Each template's
 * fields (keyword names) are fixed here; values are cut to WeChat's 20 characters by the messenger.
 */
export interface TemplatePair {
  /** Public-account template message id. */
  mp: string;
  /** Mini-program subscribe message id. */
  mini: string;
}

export const TEMPLATE_PURPOSES = [
  'emergency',
  'payRequest',
  'staffMessage',
  'dayCounts',
  'serviceReminder',
  'ratingRequest',
  'policyNotice',
  'seniorStatus',
  'careNotice',
] as const;
export type TemplatePurpose = (typeof TEMPLATE_PURPOSES)[number];
export type TemplateIds = Record<TemplatePurpose, TemplatePair>;

export const DEFAULT_TEMPLATE_IDS: TemplateIds = {
  emergency: { mp: 'mulin_tpl_emergency', mini: 'mulin_sub_emergency' },
  payRequest: { mp: 'mulin_tpl_pay_request', mini: 'mulin_sub_pay_request' },
  staffMessage: { mp: 'mulin_tpl_staff_message', mini: 'mulin_sub_staff_message' },
  /** The evening digest for a centre's staff: tomorrow's numbers (thing1 centre, time2 day, thing3 meals, thing4 deliveries, thing5 other services). */
  dayCounts: { mp: 'mulin_tpl_day_counts', mini: 'mulin_sub_day_counts' },
  /** 服务提醒, the day before and the hour before (thing1 service, time2 start, thing3 senior, thing4 note). */
  serviceReminder: { mp: 'mulin_tpl_service_reminder', mini: 'mulin_sub_service_reminder' },
  /** 满意度回访 after a served booking (thing1 service, time2 served at, thing3 how to answer). */
  ratingRequest: { mp: 'mulin_tpl_rating_request', mini: 'mulin_sub_rating_request' },
  /** 政策通知 broadcast by an administrator (thing1 title, thing2 summary, thing3 from, time4 date). */
  policyNotice: { mp: 'mulin_tpl_policy_notice', mini: 'mulin_sub_policy_notice' },
  /** 档案状态变更 to the family when a senior's record is closed or opened again (thing1 senior, thing2 what, thing3 bookings, time4 when). */
  seniorStatus: { mp: 'mulin_tpl_senior_status', mini: 'mulin_sub_senior_status' },
  /** 探访关爱: a worry seen on a visit, an overdue visit, a silent senior (thing1 senior, thing2 what, time3 when, thing4 what to do). */
  careNotice: { mp: 'mulin_tpl_care_notice', mini: 'mulin_sub_care_notice' },
};

/** Mini-program pages the subscribe messages open. */
export const MINI_PAGES = {
  emergency: (alertId: number) => `pages/staff/emergency?id=${alertId}`,
  booking: (bookingId: number) => `pages/bookings/detail?id=${bookingId}`,
  conversation: (seniorId: number) => `pages/staff/conversation?seniorId=${seniorId}`,
  centreDay: (centreId: number, date: string) => `pages/staff/bookings?centreId=${centreId}&date=${date}`,
  notice: (noticeId: number) => `pages/notices/detail?id=${noticeId}`,
  bookings: () => 'pages/bookings/list',
  visits: () => 'pages/staff/visits',
} as const;
