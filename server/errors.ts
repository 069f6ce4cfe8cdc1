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
  // Staff and administrator accounts, the audit log, counter work and the day's lists.
  ACCOUNTS_ADMIN_ONLY: { status: 403, message: '只有管理员可以管理工作人员和管理员账号' },
  ACCOUNT_OUT_OF_SCOPE: { status: 403, message: '这个账号不在您的管辖范围内' },
  ACCOUNT_SELF_MANAGE: { status: 422, message: '不能停用、启用或重置自己的账号；修改自己的密码请用“修改密码”' },
  ACCOUNT_SCOPE_MISMATCH: { status: 422, message: '工作人员要指定所在站点，管理员要指定管辖的区或街道' },
  ADMIN_REGION_LEVEL: { status: 422, message: '管理员只能管辖一个区或一个街道' },
  USERNAME_TAKEN: { status: 409, message: '这个用户名已经有人用了，请换一个' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: '请先修改初始密码，改好后才能继续使用' },
  PASSWORD_NOT_SET: { status: 409, message: '这个账号用微信登录，没有密码' },
  OLD_PASSWORD_WRONG: { status: 422, message: '原密码不正确' },
  PASSWORD_UNCHANGED: { status: 422, message: '新密码不能和原密码一样' },
  PASSWORD_TOO_WEAK: { status: 422, message: '新密码太简单了：至少 8 位，同时有字母和数字' },
  PASSWORD_TOO_MANY_TRIES: { status: 429, message: '原密码输错次数太多，请 15 分钟后再试' },
  AUDIT_LOG_NOT_ALLOWED: { status: 403, message: '只有工作人员和管理员可以查看操作日志' },
  COUNTER_BOOKING_STAFF_ONLY: { status: 403, message: '只有站点工作人员可以在柜台登记预约' },
  SLOT_NOT_IN_CENTRE: { status: 422, message: '这个时段不属于本站点' },
  KITCHEN_LIST_MEALS_ONLY: { status: 422, message: '只有助餐时段有备餐单' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容太大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '请以 JSON 格式提交' },
  LINK_CODE_TOO_MANY_TRIES: { status: 429, message: '绑定码输错次数太多，请 15 分钟后再试' },
  // The registry: regions, centres, service items and prices, slots and closures (services/catalogue/).
  REGION_OUT_OF_SCOPE: { status: 403, message: '这个地区不在您的管辖范围内' },
  CENTRE_OUT_OF_SCOPE: { status: 403, message: '这个服务站点不归您管理' },
  CENTRE_FIELDS_ADMIN_ONLY: { status: 403, message: '站点工作人员只能修改营业时间和电话，其他信息请找管理员' },
  SERVICE_ITEM_ADMIN_ONLY: { status: 403, message: '只有管理员可以设置服务项目和价格' },
  SERVICE_ITEM_NOT_FOUND: { status: 404, message: '没有找到这个服务项目' },
  CLOSURE_NOT_FOUND: { status: 404, message: '没有找到这条停业安排' },
  REGION_NAME_TAKEN: { status: 409, message: '同一个上级地区下已经有这个名字了' },
  DISTRICT_ADMIN_USERNAME_TAKEN: { status: 409, message: '这个用户名已经有人用了' },
  CAPACITY_BELOW_BOOKED: { status: 409, message: '名额不能少于已经预约的人数' },
  SLOT_ENDED: { status: 409, message: '这个时段已经结束了' },
  SLOT_NOT_CLOSED: { status: 409, message: '这个时段没有关闭' },
  SLOT_EXISTS: { status: 409, message: '这个服务在这个时间已经有时段了' },
  CENTRE_HAS_BOOKINGS: { status: 409, message: '这个站点还有未完成的预约，请先关闭那些日子' },
  CENTRE_HAS_ACTIVE_POINTS: { status: 409, message: '这个站点下面还有在用的睦邻点，请先停用它们' },
  SERVICE_ITEM_HAS_BOOKINGS: { status: 409, message: '这个服务项目还有未完成的预约，请先关闭那些时段' },
  CLOSURE_LIFTED: { status: 409, message: '这条停业安排已经取消了' },
  REGION_PARENT_INVALID: { status: 422, message: '街道要建在区下面，社区要建在街道下面' },
  CENTRE_PARENT_INVALID: { status: 422, message: '睦邻点要属于本区一个在用的照料中心或街道中心，其他站点不能有上级站点' },
  DELIVERY_AREA_INVALID: { status: 422, message: '送餐范围只能选本区的社区' },
  SERVICE_KIND_MISMATCH: { status: 422, message: '服务类别和服务内容对不上' },
  DELIVERY_MODES_INVALID: { status: 422, message: '取餐或服务方式和服务类别对不上' },
  PRICE_DATE_PASSED: { status: 422, message: '新价格只能从今天或以后的日期开始' },
  CLOSURE_DATE_PASSED: { status: 422, message: '只能安排今天或以后的日子' },
  HOURS_REVERSED: { status: 422, message: '关门时间要晚于开门时间' },
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
