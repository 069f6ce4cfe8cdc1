/**
 * Every failure a caller can act on has a code of its own. The table below is the one place that decides each
 * code's HTTP status and the message a person reads (in Chinese: seniors and their families read these). A code
 * whose message has a variable part (how many seats are left, which day) takes it from server/words/errors.ts.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: '提交的内容有误，请检查后再试' },
  BAD_JSON: { status: 400, message: '请求内容不是有效的 JSON' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  INVALID_CREDENTIALS: { status: 401, message: '用户名或密码不正确' },
  WECHAT_LOGIN_FAILED: { status: 401, message: '微信登录失败，请重新打开小程序' },
  FORBIDDEN: { status: 403, message: '您没有权限做这件事' },
  ACCOUNT_DISABLED: { status: 403, message: '该账号已停用，请联系服务站点' },
  NOT_LINKED: { status: 403, message: '您还没有绑定这位老人，请先用绑定码绑定' },
  NOT_CENTRE_STAFF: { status: 403, message: '只有本站点的工作人员可以处理这个预约' },
  LINK_CODE_ISSUER_NOT_ALLOWED: { status: 403, message: '绑定码只能由老人本人或服务站点发放' },
  BINDING_CODE_ISSUER_NOT_ALLOWED: { status: 403, message: '微信绑定码只能由服务站点或管理员发放' },
  PAYER_NOT_ALLOWED: { status: 403, message: '只有老人本人或家属可以付款' },
  RATER_NOT_ALLOWED: { status: 403, message: '只有老人本人或家属可以评价' },
  ALERT_RAISER_NOT_ALLOWED: { status: 403, message: '只有老人本人或家属可以发出求助' },
  CHAT_LOG_NOT_ALLOWED: { status: 403, message: '只有服务站点和管理员可以查看对话记录' },
  CHAT_REPLY_NOT_ALLOWED: { status: 403, message: '只有老人所在站点的工作人员和管理员可以在聊天里回复老人' },
  NOTICE_PUBLISHER_NOT_ALLOWED: { status: 403, message: '只有民政管理员可以发布通知' },
  NOTICE_REGION_OUT_OF_SCOPE: { status: 403, message: '只能给您管辖范围内的地区发通知' },
  SETTLEMENT_VIEW_NOT_ALLOWED: { status: 403, message: '只有管理员可以查看补贴结算' },
  SETTLEMENT_GENERATE_NOT_ALLOWED: { status: 403, message: '只有区级管理员可以生成或重新生成补贴结算' },
  NO_MINI_PROGRAM_IDENTITY: { status: 403, message: '请在小程序里打开后再订阅消息' },
  NOT_FOUND: { status: 404, message: '没有找到' },
  ACCOUNT_NOT_FOUND: { status: 404, message: '没有找到这个账号' },
  SENIOR_NOT_FOUND: { status: 404, message: '没有找到这位老人' },
  CENTRE_NOT_FOUND: { status: 404, message: '没有找到这个服务站点' },
  SLOT_NOT_FOUND: { status: 404, message: '没有找到这个时段' },
  SLOT_TEMPLATE_NOT_FOUND: { status: 404, message: '没有找到这个时段模板' },
  BOOKING_NOT_FOUND: { status: 404, message: '没有找到这个预约' },
  CHECK_IN_CODE_INVALID: { status: 404, message: '核销码无效，请让老人出示预约码' },
  FAMILY_LINK_NOT_FOUND: { status: 404, message: '没有找到这个绑定' },
  ALERT_NOT_FOUND: { status: 404, message: '没有找到这条求助' },
  LINK_CODE_INVALID: { status: 400, message: '绑定码不对或已过期，请让老人重新获取' },
  ALREADY_LINKED: { status: 409, message: '您已经绑定了这位老人' },
  SENIOR_NOT_ON_WECHAT: { status: 409, message: '这位老人还没有用微信和公众号连上，只能打电话联系' },
  CHAT_WINDOW_CLOSED: { status: 409, message: '老人超过 48 小时没有发消息，微信不让公众号再回复，请打电话联系' },
  SLOT_FULL: { status: 409, message: '这个时段已经约满了，请换一个时段' },
  SLOT_CLOSED: { status: 409, message: '这个时段暂停预约' },
  BOOKING_CUTOFF_PASSED: { status: 409, message: '这个时段已经过了预约截止时间' },
  CANCEL_CUTOFF_PASSED: { status: 409, message: '已经过了取消截止时间，如需取消请打电话给服务站点' },
  INVALID_STATE: { status: 409, message: '预约当前的状态不能做这个操作' },
  SERVICE_NOT_ENDED: { status: 409, message: '服务时间还没结束，不能标记未到场' },
  WRONG_CENTRE: { status: 409, message: '这个核销码不是本站点的预约' },
  WRONG_DAY: { status: 409, message: '这个预约不是今天的' },
  ALREADY_RATED: { status: 409, message: '这次服务已经评价过了' },
  ALREADY_BOOKED: { status: 409, message: '这位老人已经订过这个时段了' },
  PAYMENT_NOT_NEEDED: { status: 409, message: '这个预约不用付钱' },
  BOOKING_NOT_PAYABLE: { status: 409, message: '这个预约现在不用付款' },
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
  VERSION_CONFLICT: { status: 409, message: '这条记录刚被别人改过，请刷新后再改' },
  SENIOR_NOT_CHOSEN: { status: 422, message: '请选择为哪位老人预约' },
  BOOKING_SCOPE_REQUIRED: { status: 422, message: '请指定站点或老人' },
  QUANTITY_NOT_ALLOWED: { status: 422, message: '份数超出了可预约的范围' },
  QUANTITY_NOT_REDUCED: { status: 422, message: '只能减少份数' },
  DELIVERY_MODE_NOT_ALLOWED: { status: 422, message: '这个服务不支持所选的取餐方式' },
  OWN_LINK_CODE: { status: 422, message: '这是您自己的绑定码，请发给您的家人' },
  DATE_RANGE_REVERSED: { status: 422, message: '结束日期不能早于开始日期' },
  DATE_RANGE_TOO_LONG: { status: 422, message: '查询的日期范围太长' },
  SERVICE_ITEM_NOT_IN_CENTRE: { status: 422, message: '这个服务项目不属于本站点' },
  SLOT_END_BEFORE_START: { status: 422, message: '结束时间要晚于开始时间' },
  CUTOFF_AFTER_START: { status: 422, message: '截止时间不能晚于服务开始时间' },
  NOTICE_NO_RECIPIENTS: { status: 422, message: '请至少选择一类接收人（老人、家属或工作人员）' },
  NOTICE_TIME_PASSED: { status: 422, message: '发送时间已经过了，请选一个以后的时间，或选“立即发送”' },
  MONTH_IN_FUTURE: { status: 422, message: '这个月份还没有到' },
  MONTH_NOT_ENDED: { status: 422, message: '这个月还没有结束，还不能结算' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容太大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '请以 JSON 格式提交' },
  LINK_CODE_TOO_MANY_TRIES: { status: 429, message: '绑定码输错次数太多，请 15 分钟后再试' },
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

/**
 * Optimistic concurrency for every edit: the client sends the `version` it read, and an edit made on stale data is
 * refused with VERSION_CONFLICT (409) instead of silently overwriting someone else's change.
 */
export function assertVersion(current: number, sent: number): void {
  if (current !== sent) throw new AppError('VERSION_CONFLICT', undefined, { currentVersion: current });
}
