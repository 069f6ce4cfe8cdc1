/**
 * Every failure a caller can act on has a code. The table below is the one place that decides each code's
 * HTTP status and the default message a person reads (in Chinese: seniors and their families read these).
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: '提交的内容有误，请检查后再试' },
  BAD_JSON: { status: 400, message: '请求内容不是有效的 JSON' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  INVALID_CREDENTIALS: { status: 401, message: '用户名或密码不正确' },
  WECHAT_LOGIN_FAILED: { status: 401, message: '微信登录失败，请重新打开小程序' },
  FORBIDDEN: { status: 403, message: '您没有权限做这件事' },
  NOT_LINKED: { status: 403, message: '您还没有绑定这位老人，请先用绑定码绑定' },
  NOT_FOUND: { status: 404, message: '没有找到' },
  SENIOR_NOT_FOUND: { status: 404, message: '没有找到这位老人' },
  CENTRE_NOT_FOUND: { status: 404, message: '没有找到这个服务站点' },
  SLOT_NOT_FOUND: { status: 404, message: '没有找到这个时段' },
  BOOKING_NOT_FOUND: { status: 404, message: '没有找到这个预约' },
  LINK_CODE_INVALID: { status: 400, message: '绑定码不对或已过期，请让老人重新获取' },
  ALREADY_LINKED: { status: 409, message: '您已经绑定了这位老人' },
  SLOT_FULL: { status: 409, message: '这个时段已经约满了，请换一个时段' },
  SLOT_CLOSED: { status: 409, message: '这个时段暂停预约' },
  CUTOFF_PASSED: { status: 409, message: '已经过了截止时间' },
  INVALID_STATE: { status: 409, message: '预约当前的状态不能做这个操作' },
  WRONG_CENTRE: { status: 409, message: '这个预约不是本站点的' },
  WRONG_DAY: { status: 409, message: '这个预约不是今天的' },
  ALREADY_RATED: { status: 409, message: '这次服务已经评价过了' },
  ALREADY_BOOKED: { status: 409, message: '这位老人已经订过这个时段了' },
  PAYMENT_NOT_NEEDED: { status: 409, message: '这个预约不用付钱' },
  ALREADY_PAID: { status: 409, message: '这个预约已经付过钱了' },
  PAYMENT_EXPIRED: { status: 409, message: '付款时间已经过了，预约已取消，请重新预约' },
  PAYMENT_UNAVAILABLE: { status: 503, message: '现在不能在线付款，请稍后再试，或到服务站点付款' },
  NO_WECHAT_IDENTITY: { status: 409, message: '请在微信里打开后再付款' },
  PAY_LINK_INVALID: { status: 410, message: '付款链接已经失效，请回到对话里重新获取' },
  REFUND_NOT_FOUND: { status: 404, message: '没有找到这笔退款' },
  NOTICE_NOT_FOUND: { status: 404, message: '没有找到这条通知' },
  REGION_NOT_FOUND: { status: 404, message: '没有找到这个地区' },
  NOTICE_NOT_CANCELLABLE: { status: 409, message: '这条通知已经发完或已取消，不能再取消' },
  SETTLEMENT_NOT_FOUND: { status: 404, message: '这个月的补贴结算还没有生成' },
  REFUND_NOT_RETRYABLE: { status: 409, message: '这笔退款现在不需要重试' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: '同一个请求编号被用于不同的预约内容' },
  QUANTITY_NOT_ALLOWED: { status: 422, message: '份数超出了可预约的范围' },
  DELIVERY_MODE_NOT_ALLOWED: { status: 422, message: '这个服务不支持所选的取餐方式' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容太大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '请以 JSON 格式提交' },
  RATE_LIMITED: { status: 429, message: '尝试次数太多，请稍后再试' },
  INTERNAL: { status: 500, message: '系统出了点问题，请稍后再试' },
  UNAVAILABLE: { status: 503, message: '服务暂时不可用，请稍后再试' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export function fail(code: ErrorCode, message?: string, details?: Record<string, unknown>): never {
  throw new AppError(code, message, details);
}
