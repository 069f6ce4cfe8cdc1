/**
 * Everything the mini-program says that does not come from the server, in one place, written for people over 75
 * and their families: short, plain, no English, no codes.
 */
export const T = {
  network: '网络不太好，请稍后再试',
  serverDown: '系统正在维护，请稍后再试',
  unknown: '出了点问题，请稍后再试',
  loginFailed: '登录没有成功，请稍后再试',
  loading: '正在加载…',
  retry: '再试一次',
  saving: '正在提交…',

  homeTitle: '睦邻助老',
  largeTextOn: '大字模式：开',
  largeTextOff: '大字模式：关',
  largeTextHint: '字大一些、按钮大一些',

  noSeniors: '还没有绑定老人。请让老人在公众号里发“绑定家属”，拿到 6 位绑定码后在这里填写。',
  linkParent: '绑定老人',
  linkCodeLabel: '6 位绑定码',
  relationLabel: '您是老人的',
  linkCodeInvalid: '绑定码是 6 位数字',
  linked: (name: string) => `已绑定${name}`,

  chooseService: '要订什么服务？',
  /** The home screen's "tomorrow as usual" card (large-text mode, a senior): one tap, then the quote to confirm. */
  usualTitle: '明天照旧吃一顿？',
  usualWhat: (start: string, kind: string, mode: string) => `明天 ${start} ${kind}，${mode}`,
  usualPrice: (copay: string) => `您付 ${copay}`,
  usualBook: '就订这一顿',
  usualKinds: { breakfast: '早饭', lunch: '午饭', dinner: '晚饭' } as Record<string, string>,
  usualModes: { delivery: '送到家', pick_up: '自己来拿', dine_in: '在食堂吃' } as Record<string, string>,
  categories: [
    { category: 'meal', label: '助餐', hint: '午餐、晚餐，可以堂食、自取或送餐' },
    { category: 'bath', label: '助浴', hint: '到站点洗澡，有人照看' },
    { category: 'home_visit', label: '上门服务', hint: '保洁、陪诊、理发等' },
  ],
  chooseCentre: '选一个站点',
  noCentres: '附近没有提供这项服务的站点',
  walking: (minutes: number, metres: number) => `步行约 ${minutes} 分钟（${metres < 1000 ? `${metres} 米` : `${(metres / 1000).toFixed(1)} 公里`}）`,
  fromHome: '按离老人家的距离排列',

  chooseDays: '选日子和时段',
  chooseDaysHint: '可以一次选好几天',
  chooseOneDay: '选一个时段',
  noSlots: '这几天没有可以预约的时段',
  seatsLeft: (n: number) => `还剩 ${n} 个名额`,
  full: '已约满',
  closed: '已截止',
  next: '下一步',
  pickAtLeastOne: '请先选一个时段',
  menu: '菜单',

  chooseDelivery: '怎么吃？',
  confirmTitle: '确认预约',
  price: '价格',
  subsidy: '政府补贴',
  copay: '自付',
  total: '合计自付',
  noSubsidy: '不符合补贴条件',
  bookAndPay: (yuan: string) => `确认预约，付 ${yuan}`,
  bookFree: '确认预约（不用付钱）',
  booking: '正在预约…',
  paying: '正在付款…',
  booked: '预约成功',
  bookedSome: (ok: number, all: number) => `${all} 个时段中订好了 ${ok} 个`,
  payCancelled: '您没有付款，预约会在 15 分钟后自动取消。可以在“我的预约”里继续付款。',
  payFailed: '付款没有成功，可以在“我的预约”里再付一次',
  paid: '付款成功',
  askReminders: '要在服务前收到微信提醒吗？',
  remindersOn: '好的，服务前会提醒您',
  remindersOff: '不提醒也可以，在“我的预约”里随时能看到',

  myBookings: '我的预约',
  noBookings: '还没有预约',
  code: '核销码',
  codeHint: '到站点时把这个码给工作人员看',
  payNow: '去付款',
  cancel: '取消预约',
  cancelConfirm: (refund: string) => (refund ? `取消后退回 ${refund}，原路退到微信。确定取消吗？` : '确定取消这个预约吗？'),
  cancelled: '已取消',
  refundOf: (yuan: string, status: string) => `退款 ${yuan}（${status}）`,
  cutoffPassed: '已过取消时间，不能取消了，请打电话给站点',
  rate: '评价这次服务',
  rateThanks: '谢谢您的评价',
  stars: ['很不满意', '不满意', '一般', '满意', '很满意'],
  callCentre: '打电话给站点',

  notices: '通知',
  noNotices: '暂时没有通知',
  unread: '未读',

  help: '助急',
  helpConfirm: '要叫人来帮忙吗？会马上通知您的家人和站点工作人员。',
  helpYes: '叫人帮忙',
  helpNo: '不用了',
  helpSent: (who: string[]) => (who.length ? `已经通知：${who.join('、')}。如果情况危险，请马上打 120。` : '已经发出求助。如果情况危险，请马上打 120。'),

  workbench: '工作台',
  notStaff: '这里只有站点工作人员能用',
  todaySlots: '今天的时段',
  noSlotsToday: '今天没有排班',
  counts: (booked: number, confirmed: number, served: number) => `已订 ${booked}｜已确认 ${confirmed}｜已核销 ${served}`,
  pending: '待确认的预约',
  noPending: '没有待确认的预约',
  confirm: '确认',
  reject: '拒绝',
  rejectReason: '请写拒绝原因（会告诉家属）',
  reasonRequired: '请填写原因',
  confirmed: '已确认',
  rejected: '已拒绝',
  scan: '扫码核销',
  scanned: (name: string, item: string) => `核销成功：${name} ${item}`,
  alreadyServed: '这个预约已经核销过了，不要重复核销',
  scanClosed: {
    cancelled: '这个预约已经取消了，不能核销',
    rejected: '这个预约已被站点拒绝，不能核销',
    expired: '这个预约没有付款，已经失效，不能核销',
    no_show: '这个预约已记为未到，不能核销',
    pending_payment: '这个预约还没有付款，请先付款再核销',
  } as Record<string, string>,
  emergencies: '紧急求助',
  noEmergencies: '没有未处理的求助',
  acknowledge: '我来处理',
  acknowledged: '已接手',
} as const;

/** Server error codes for which a clearer sentence than the server's own helps (the server's is used otherwise). */
export const ERROR_TEXTS: Record<string, string> = {
  UNAUTHENTICATED: '请重新登录',
};

/**
 * The sentences pages bind in WXML (`{{t.…}}`): only plain strings, since setData sends data to the view layer as
 * JSON and functions or maps in it would be dropped with a warning.
 */
export const VIEW_TEXTS = Object.fromEntries(Object.entries(T).filter(([, v]) => typeof v === 'string')) as {
  [K in keyof typeof T as (typeof T)[K] extends string ? K : never]: (typeof T)[K];
};
