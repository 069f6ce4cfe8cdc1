import type { BookingStatus, DeliveryMode, PaymentStatus, RefundStatus } from '../entities';

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

export const DELIVERY_MODE_LABELS: Record<DeliveryMode, string> = {
  dine_in: '堂食',
  pick_up: '自取',
  delivery: '送餐上门',
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

export const BOOKING_TEXTS = {
  whichSenior: '请选择为哪位老人预约',
  alreadyBooked: '这位老人已经订过这个时段了',
  bookingClosed: '这个时段已经过了预约截止时间',
  cancelClosed: '已经过了取消截止时间，如需取消请打电话给服务站点',
  checkInWrongCentre: '这个核销码不是本站点的预约',
  checkInWrongDay: (date: string) => `这是 ${date} 的预约，只能在当天核销`,
  checkInUnknownCode: '核销码无效，请让老人出示预约码',
  slotFull: (remaining: number) => (remaining > 0 ? `这个时段只剩 ${remaining} 个名额了` : '这个时段已经约满了，请换一个时段'),
  notEnded: '服务时间还没结束，不能标记未到场',
  stateForbids: (status: BookingStatus, action: BookingAction) => `这个预约${BOOKING_STATUS_LABELS[status]}，不能${BOOKING_ACTION_LABELS[action]}`,
  adminNeedsScope: '请指定站点或老人',
} as const;

/** What the public-account endpoint says when the bot itself failed (the bot's own words are in server/bot/wording.ts). */
export const BOT_TEXTS = {
  sorry: '抱歉，系统刚才没有处理好您的消息，请稍后再发一次。',
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

/** Words about money: reasons shown on refunds and flags staff read. */
export const PAY_TEXTS = {
  refundCancelled: '预约已取消，退回自付金额',
  refundRejected: '站点未接单，退回自付金额',
  refundReduced: (from: number, to: number) => `份数从 ${from} 份改为 ${to} 份，退回差额`,
  refundLate: '付款时预约已失效，自动全额退回',
  refundOverpaid: '付款后份数已减少，多付的部分自动退回',
  refundDuplicate: '这个预约已经付过钱了，重复的付款自动全额退回',
  lateFlag: (status: string) => `付款到账时预约${status}，已自动全额退款`,
  duplicateFlag: '同一个预约收到第二笔付款，已自动全额退款',
  mismatchFlag: (what: string) => `微信支付通知与订单不符（${what}），没有确认预约，请核对`,
  unknownOrder: '收到的付款通知找不到对应的订单，请核对',
  unknownRefund: '收到的退款通知找不到对应的退款单，请核对',
  refundNoGateway: '没有配置微信支付，无法退款',
  description: (centre: string, item: string, date: string) => `${centre} ${item} ${date}`.slice(0, 120),
} as const;
