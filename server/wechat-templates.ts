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

export const TEMPLATE_PURPOSES = ['emergency', 'payRequest', 'staffMessage'] as const;
export type TemplatePurpose = (typeof TEMPLATE_PURPOSES)[number];
export type TemplateIds = Record<TemplatePurpose, TemplatePair>;

export const DEFAULT_TEMPLATE_IDS: TemplateIds = {
  emergency: { mp: 'mulin_tpl_emergency', mini: 'mulin_sub_emergency' },
  payRequest: { mp: 'mulin_tpl_pay_request', mini: 'mulin_sub_pay_request' },
  staffMessage: { mp: 'mulin_tpl_staff_message', mini: 'mulin_sub_staff_message' },
};

/** Mini-program pages the subscribe messages open. */
export const MINI_PAGES = {
  emergency: (alertId: number) => `pages/staff/emergency?id=${alertId}`,
  booking: (bookingId: number) => `pages/bookings/detail?id=${bookingId}`,
  conversation: (seniorId: number) => `pages/staff/conversation?seniorId=${seniorId}`,
} as const;
