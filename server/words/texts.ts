import { yuan } from './pricing';
import type {
  AlertOutcome,
  BookingStatus,
  CounterMethod,
  DeliveryMode,
  OfflineRefundMethod,
  PaymentStatus,
  RefundResolution,
  RefundStatus,
} from '../../entities';

/** Words people read about bookings, in one place so they can be reviewed together. */
export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  pending_payment: '待付款',
  pending_confirmation: '待站点确认',
  confirmed: '已确认',
  served: '已服务',
  rated: '已评价',
  expired: '已过期（未付款）',
  cancelled: '已取消',
  rejected: '站点未接单',
  no_show: '未到场',
};

/**
 * How a delivery mode is named, by the bot ("11:00 午餐 1 份（送到家）", "这里不能送到家，按自己来拿。") and in
 * booking views (staff workbench, family's booking page): the plain spoken words suit both.
 */
export const DELIVERY_MODE_LABELS: Record<DeliveryMode, string> = {
  dine_in: '堂食',
  pick_up: '自己来拿',
  delivery: '送到家',
  at_centre: '到站点',
  at_home: '上门服务',
};

export const BOOKING_ACTION_LABELS = {
  cancel: '取消',
  confirm: '确认',
  reject: '拒绝',
  check_in: '核销',
  no_show: '标记未到场',
  rate: '评价',
  reduce: '减少份数',
} as const;
export type BookingAction = keyof typeof BOOKING_ACTION_LABELS;

/** Why a booking was cancelled, as staff read it (refusals are error codes: server/errors.ts). */
export const BOOKING_TEXTS = {
  cancelledInChat: (byFamily: boolean) => (byFamily ? '家属在公众号取消' : '老人在公众号取消'),
  /** Closed at day end: the centre never confirmed it (nor checked it in); what was paid went back in full. */
  notConfirmed: '站点到服务结束还没有确认，自动取消并全额退款',
} as const;

/** What the public-account endpoint says when the bot itself failed (the bot's own words are in server/words/bot.ts). */
export const BOT_TEXTS = {
  sorry: '抱歉，系统刚才没有处理好您的消息，请稍后再发一次。',
} as const;

/** How the conversation log (read by staff) shows what was not typed text. */
export const CONVERSATION_LOG_TEXTS = {
  menuClick: (key: string) => `[菜单] ${key}`,
  voice: (recognised: string) => `[语音] ${recognised}`,
  location: (label: string, x: string, y: string) => `[位置] ${label} (${x}, ${y})`,
} as const;

/** Template messages the chat sends for a senior (each field one line of at most 20 characters). */
export const CHAT_NOTICE_TEXTS = {
  /** thing1 of 代付请求 to the family. */
  payFor: (seniorName: string) => `请为${seniorName}付款`,
  /** thing1 of 留言提醒 to the centre's staff. */
  messageFrom: (seniorName: string, byFamily: boolean) => `${seniorName}${byFamily ? '的家属' : ''}留言`,
  /** thing1 of 留言提醒 when a senior asks for a person (找人工). */
  wantsPerson: (seniorName: string, byFamily: boolean) => `${seniorName}${byFamily ? '的家属' : ''}想找人说话`,
  /** thing1 of 留言提醒 when a senior who lives alone says they are lonely: a quiet note, nothing raised. */
  lonely: (seniorName: string) => `${seniorName}（独居）说很孤单`,
  /** thing1 of 留言提醒 when the lonely senior asks for a call. */
  wantsCall: (seniorName: string) => `${seniorName}想有人打个电话`,
  /** thing2 when the senior's words are not the point (a menu choice, a "1"). */
  callBack: '请给老人回个电话',
} as const;

/** The name a WeChat account has until someone gives it one. */
export const ACCOUNT_TEXTS = {
  wechatUser: '微信用户',
} as const;

/** Field messages of request schemas that a person may read (the mini-program shows them). */
export const FIELD_TEXTS = {
  linkCode: '绑定码是 6 位数字',
  reasonRequired: '请填写原因',
  referenceRequired: '请填写凭证号（转账流水号、收据号等）',
  chatReplyText: '请填写要回复老人的话（300 字以内）',
  alertOutcome: '请选择处理结果：已到场处理、已送医、误报或家属已处理',
  alertNote: '请填写处理情况（200 字以内）',
  alertVersion: '版本号（version）应是读到的那个正整数',
} as const;

/** How a role is named to people (the sandbox chat page's user list, the console). */
export const ROLE_LABELS = { senior: '老人', family: '家属', staff: '工作人员', admin: '管理员' } as const;

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  created: '待付款',
  paid: '已付款',
  closed: '已关闭',
  failed: '下单失败',
};

export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  pending: '退款中',
  processing: '退款中',
  success: '已退回',
  abnormal: '退款异常，请工作人员处理',
  closed: '退款关闭',
  failed: '退款没有成功，等待重试',
};

export const REFUND_RESOLUTION_LABELS: Record<RefundResolution, string> = {
  retried: '已重新退款',
  covered: '后来的退款已经退回了这笔钱',
  offline: '已在微信支付以外退回',
};

export const OFFLINE_REFUND_METHOD_LABELS: Record<OfflineRefundMethod, string> = {
  cash: '现金',
  bank_transfer: '银行转账',
  merchant_platform: '微信支付商户平台处理',
  other: '其他方式',
};

/** 现场付: how staff took the co-payment at the counter. */
export const COUNTER_METHOD_LABELS: Record<CounterMethod, string> = {
  cash: '现金',
  senior_card: '老人卡',
  scanned_code: '扫码',
};

/** Words about money: reasons shown on refunds and flags staff read. */
export const PAY_TEXTS = {
  refundCancelled: '预约已取消，退回自付金额',
  refundRejected: '站点未接单，退回自付金额',
  refundReduced: (from: number, to: number) => `份数从 ${from} 份改为 ${to} 份，退回差额`,
  refundLate: '付款时预约已失效，自动全额退回',
  refundOverpaid: '付款后份数已减少，多付的部分自动退回',
  refundDuplicate: '这个预约已经付过钱了，重复的付款自动全额退回',
  refundPaidAtCounter: '已在站点现场付款，线上付的钱自动全额退回',
  refundNotNeeded: '这个预约已经不用付钱了，付的钱自动全额退回',
  refundUnconfirmed: '站点到服务结束还没有确认这个预约，全额退回',
  lateFlag: (status: string) => `付款到账时预约${status}，已自动全额退款`,
  duplicateFlag: '同一个预约收到第二笔付款，已自动全额退款',
  paidAtCounterFlag: '预约已在站点现场收款，线上付款已自动全额退款',
  notNeededFlag: '付款到账时预约已不用付钱，已自动全额退款',
  mismatchFlag: (what: string) => `微信支付通知与订单不符（${what}），没有确认预约，请核对`,
  unknownOrder: '收到的付款通知找不到对应的订单，请核对',
  unknownRefund: '收到的退款通知找不到对应的退款单，请核对',
  refundNoGateway: '没有配置微信支付，无法退款',
  closedUnpaid: '超时未付款',
  description: (centre: string, item: string, date: string) => `${centre} ${item} ${date}`.slice(0, 120),
  /** The parts of mismatchFlag and of a refused refund notification: what WeChat Pay said against our record. */
  mismatch: {
    mchid: (theirs: string | undefined) => `商户号 ${theirs ?? '无'}`,
    appid: (theirs: string | undefined) => `appid ${theirs ?? '无'}`,
    amount: (theirs: number | undefined, ours: number) => `金额 ${theirs ?? '无'} 分，订单 ${ours} 分`,
    refundAmount: (theirs: number | undefined, ours: number) => `退款金额 ${theirs ?? '无'} ≠ ${ours}`,
    refundOrder: '订单号不符',
    refundMchid: (theirs: string | undefined) => `商户号 ${theirs ?? '无'} 不是本商户`,
    refundStatus: (theirs: string) => `未知的退款状态 ${theirs}`,
  },
} as const;

/** What Mulin answers WeChat Pay's notifications with when it refuses one (WeChat Pay retries; staff read its log). */
export const PAY_NOTIFY_ANSWERS = {
  tooLarge: '通知内容过大',
  unreadable: '读取通知失败',
  badSignature: (reason: string) => `验签失败：${reason}`,
  failed: '处理失败，请稍后重试',
} as const;

/** The JSAPI pay page a chat pay link opens (server/http/pages/jsapi-pay.page.ts); {time} is filled in the page. */
export const PAY_PAGE_TEXTS = {
  title: '睦邻 · 付款',
  heading: '付款',
  preparing: '正在准备付款',
  button: '用微信付款',
  notPrepared: '付款没有准备好，请回到对话里再试',
  payBy: '请在 {time} 前付款',
  openInWechat: '请在微信里打开这个页面',
  paid: '付款成功，可以回到对话了',
  cancelled: '没有付款。想付的时候再点上面的按钮',
  failed: '付款没有成功，请稍后再试',
  network: '网络不好，请稍后再试',
} as const;

/** 紧急求助 notices (EmergencyService), when raised and when escalated because nobody answered. */
export const EMERGENCY_TEXTS = {
  /** thing1 when raised. */
  raised: (seniorName: string) => `${seniorName}请求帮助`,
  /** thing1 of an escalation: nobody has answered for this long. */
  unanswered: (seniorName: string, minutes: number) => `${seniorName}求助${minutes}分钟无人响应`,
  /** thing2 when the senior said nothing more. */
  defaultMessage: '紧急求助',
  /** Who was reached, in the list the bot reads back ("已经通知了儿子、嘉新睦邻点工作人员"). */
  centreStaff: (centreName: string | null) => `${centreName ?? '站点'}工作人员`,
} as const;

/** 助急 处理完毕: how staff closed an alert. */
export const ALERT_OUTCOME_LABELS: Record<AlertOutcome, string> = {
  on_site: '已到场处理',
  hospital: '已送医',
  false_alarm: '误报',
  family_handled: '家属已处理',
};

/** What day end tells people about money: a refund for a booking the centre never confirmed, the warning to staff. */
export const DAY_END_TEXTS = {
  /** thing4 of 服务提醒 to the senior and the family (≤ 20 characters). */
  unconfirmedRefunded: (fen: number) => `站点没确认，${yuan(fen).replace(' ', '')}原路退回`,
  /** thing1/thing2 of 留言提醒 to the centre's staff, the evening before. */
  unconfirmedWarningTitle: (bookings: number) => `明天有${bookings}个预约待确认`,
  unconfirmedWarning: '不确认的日终自动取消，已付的全额退款',
} as const;

/** What the scheduled jobs tell people: the evening digest for centre staff. */
export const JOB_TEXTS = {
  /** thing3/4/5 of the evening digest (each one line of at most 20 characters). */
  digestMeals: (meals: Array<{ label: string; portions: number }>) =>
    meals.length === 0 ? '明天没有助餐服务' : meals.map((m) => `${m.label}${m.portions}份`).join(' '),
  digestDeliveries: (portions: number) => (portions === 0 ? '明天没有送餐' : `${DELIVERY_MODE_LABELS.delivery}${portions}份`),
  digestOthers: (baths: number, visits: number) =>
    baths === 0 && visits === 0 ? '明天没有助浴和上门服务' : [baths ? `助浴${baths}人次` : '', visits ? `上门服务${visits}次` : ''].filter(Boolean).join(' '),
} as const;

/**
 * 服务提醒 and 满意度回访 (ReminderService). Template fields: one line of at most 20 characters each (the messenger
 * cuts longer ones with "…"), so each value below is short on its own and never relies on the cut.
 */
export const REMINDER_TEXTS = {
  /** thing1: what and where, e.g. "午餐·左家新村睦邻点". */
  service: (what: string, centre: string) => `${what}·${centre}`,
  /** time2: when it starts (subscribe messages want this date-time shape). */
  startsAt: (date: string, time: string) => `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 ${time}`,
  /** thing4 of the day-before and hour-before reminders. */
  // Neutral about who moves: a meal may be delivered and a home visit comes to the door.
  dayBefore: (time: string) => `明天${time}开始，请留意时间`,
  hourBefore: (time: string) => `今天${time}开始，还有约一小时`,
  /** thing3 of the rating request: the senior answers in the public-account chat (the bot waits for it). */
  ratingHow: '回复数字1到5为这次服务打分',
  /** 代付请求 (payRequest) fields of the reminder to pay a chat booking: thing1 to the senior, or to the family. */
  payDue: '预约还没付款，付了才算订好',
  payFor: (seniorName: string) => `${seniorName}的预约可以帮忙付款`,
  /** thing2: which booking, e.g. "12月2日 午餐". */
  payWhat: (date: string, kind: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 ${kind}`,
} as const;

/** 月度补贴结算: the column headers of the downloaded files, the names in them, and what administrators are told. */
export const SETTLEMENT_TEXTS = {
  headers: {
    centre: '站点',
    policy: '补贴政策',
    servedBookings: '服务人次',
    servedPortions: '服务份数',
    price: '服务金额(元)',
    subsidy: '补贴金额(元)',
    copayDue: '应付自付(元)',
    copayPaid: '微信实付(元)',
    copayCounter: '现场收取(元)',
    copayRefunded: '已退自付(元)',
    copayRefundedOffline: '线下退回(元)',
    copayCollected: '个人自付(元)',
    refundCount: '本月退款笔数',
    refund: '退款(元)',
    reconciled: '自付核对',
  },
  discrepancyHeaders: {
    code: '预约码',
    date: '服务日期',
    refunding: '退款未完成(元)',
    difference: '差额(元)',
  },
  discrepancySheet: '自付不符明细',
  reconciledYes: '相符',
  reconciledNo: (bookings: number) => `不符：${bookings} 个预约`,
  noPolicy: '无补贴',
  totals: '合计',
  sheet: '补贴结算',
  aboutSheet: '说明',
  title: (region: string, month: string) => `${region}${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月助老服务补贴结算`,
  fileName: (region: string, month: string, ext: 'xlsx' | 'csv') => `${region}-${month}-补贴结算.${ext}`,
  about: [
    ['服务人次', '当月（按服务日期，北京时间）已核销（已服务、已评价）的预约数，一个预约算一人次，不论几份'],
    ['服务份数', '这些预约的份数'],
    ['服务金额', '这些预约的价格合计 = 补贴金额 + 应付自付'],
    ['补贴金额', '这些预约按各自适用的补贴政策享受的政府补贴，即向民政申领的金额'],
    ['应付自付', '这些预约老人或家属应付的部分'],
    ['微信实付', '这些预约通过微信支付实际收到的金额'],
    ['现场收取', '这些预约由站点在核销时现场收取的金额（现金、老人卡、扫码），不经过微信支付'],
    ['已退自付', '截至生成时，这些预约通过微信支付已退回的金额（如减少份数、重复付款）'],
    ['线下退回', '截至生成时，微信支付退不回去（退款异常、退款关闭）而由站点在微信支付以外退还的金额'],
    ['个人自付', '微信实付 + 现场收取 − 已退自付 − 线下退回，即这些预约实际收取的个人自付'],
    ['本月退款笔数、退款', '当月退款成功（微信支付退款成功时间）的退款，不论对应预约是哪一天、是否已核销（取消、站点未接单、减少份数等）'],
    ['自付核对', '每个预约的个人自付都等于应付自付时为“相符”；否则为“不符”，并在“自付不符明细”表逐个列出（差额为负是少收，为正是多收待退）'],
  ] as ReadonlyArray<readonly [string, string]>,
  generatedAt: '生成时间',
  version: '版本',
  scope: '范围',
  month: '月份',
} as const;
