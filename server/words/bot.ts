/**
 * Everything the public-account bot says, in one place so it can be read and changed without touching the logic.
 * House rules: at most 6 lines, plain words, no jargon, and always end with what to reply next.
 */
import type { DeliveryMode } from '../../entities';
import { isoWeekday } from '../lib/time';
import { yuan } from './pricing';
import { DELIVERY_MODE_LABELS } from './texts';

const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** "12月2日 周三", with 今天/明天/后天 in front when it is one of those. */
export function dayLabel(date: string, today: string, tomorrow: string, dayAfter: string): string {
  const [, m, d] = date.split('-').map(Number);
  const base = `${m}月${d}日 ${WEEKDAYS[isoWeekday(date)]}`;
  if (date === today) return `今天 ${base}`;
  if (date === tomorrow) return `明天 ${base}`;
  if (date === dayAfter) return `后天 ${base}`;
  return base;
}

/** "上午9点半", "中午12点", "下午4点45分", "晚上9点46分": a Shanghai "HH:mm" as a senior says it. */
export function spokenTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  const part = h < 5 ? '凌晨' : h < 11 ? '上午' : h < 13 ? '中午' : h < 18 ? '下午' : '晚上';
  const hour = h > 12 ? h - 12 : h;
  return `${part}${hour}点${m === 0 ? '' : m === 30 ? '半' : `${m}分`}`;
}

/** "今天", "明天", "后天", or "12月5日": a day as short as it can be said. */
export function shortDay(date: string, today: string, tomorrow: string, dayAfter: string): string {
  if (date === today) return '今天';
  if (date === tomorrow) return '明天';
  if (date === dayAfter) return '后天';
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日`;
}

/** The public account's custom menu (server/services/chat/mp-menu.ts): top names at most 4 characters, sub 8. */
export const MENU_BUTTONS = {
  bookMeal: '订饭',
  myBookings: '我的预约',
  help: '帮助',
  sos: '紧急求助',
  nearby: '附近站点',
  howTo: '使用帮助',
} as const;

/** What the bot calls a service when no kind was named: "最近几天没有能订的饭", "可以约这些上门服务时间". */
export const SERVICE_WORDS = { meal: '饭', bath: '助浴', home_visit: '上门服务' } as const;

/** "11:00 午餐 2 份", "08:30 上门理发": a booking or an offer by its time and kind; portions only for meals. */
export function serviceWhat(start: string, kindLabel: string, portions: number | null): string {
  return portions === null ? `${start} ${kindLabel}` : `${start} ${kindLabel} ${portions} 份`;
}

/** One centre in the bot's nearby list (a nearby search always fills in the distance). */
export function centreLine(n: number, c: { name: string; walkingMinutes?: number; distanceMetres?: number; hours: string; phone: string }): string {
  return `${n}. ${c.name}，走 ${c.walkingMinutes} 分钟（${c.distanceMetres} 米），${c.hours}，电话 ${c.phone}`;
}

const MENU_LINES = ['1 订饭　2 洗澡　3 上门服务', '4 我的预约　5 取消预约', '6 附近站点　7 找工作人员'];

export const BOT = {
  // ---- who is talking ----
  welcomeUnbound: '您好，欢迎来到睦邻社区养老服务！\n请先绑定：扫一扫站点给您的二维码，\n或者直接发站点给您的 6 位数字。\n家属请发老人给您的 6 位家属码。',
  welcomeBound: (name: string) => `${name}您好，欢迎回来！\n${MENU_LINES.join('\n')}\n回复数字就行，也可以直接按住说话。`,
  needBinding: '您的微信还没有绑定老人。\n请发站点给您的 6 位数字，\n或扫一扫站点给的二维码。',
  boundSenior: (name: string) => `绑定好了！${name}您好。\n以后订饭、洗澡、上门服务都可以在这里说。\n比如说“明天中午订一份饭”。\n回复“帮助”看我能做什么。`,
  alreadyBound: (name: string) => `这个微信已经绑定了${name}，不用再绑。\n回复“帮助”看我能做什么。`,
  boundToOther: (name: string) => `这个微信已经绑定了${name}。\n如要换人，请找服务站点工作人员。`,
  familyAccountConflict: '这个微信已经是家属账号了。\n要给老人本人绑定，请用老人自己的微信扫码。\n有问题请找服务站点。',
  linkedFamily: (seniorName: string) => `绑定好了！您现在可以帮${seniorName}订饭、查预约。\n比如说“给我妈订明天午饭”。\n回复“帮助”看我能做什么。`,
  alreadyLinked: (seniorName: string) => `您已经绑定了${seniorName}，不用再绑。\n回复“帮助”看我能做什么。`,
  codeWrong: '这个数字不对，或者已经过期了。\n请核对后再发一次，或请站点重新给一个。',
  codeTooManyTries: '试错的次数太多了，请过一小时再试，\n或请服务站点工作人员帮您绑定。',
  sceneExpired: '这个二维码已经过期或用过了。\n请请站点重新打印一个，或发站点给您的 6 位数字。',

  // ---- help ----
  help: `我可以帮您：\n${MENU_LINES.join('\n')}\n身体不舒服请直接说“救命”。\n回复数字就行。`,
  notUnderstood: (said: string) => `没太明白“${said}”。\n${MENU_LINES.join('\n')}\n回复数字就行。`,
  voiceUnclear: '没听清楚，请再说一遍，\n或回复“帮助”看菜单。',
  unsupported: '这种消息我还看不懂。\n请打字或按住说话，回复“帮助”看菜单。',

  // ---- whom for ----
  whichSenior: (names: string[]) =>
    `给哪位老人办？\n${names
      .slice(0, 4)
      .map((n, i) => `${i + 1} ${n}`)
      .join('\n')}\n回复数字。`,
  noSeniorMatch: (said: string) => `您绑定的老人里没有找到“${said}”。\n回复“帮助”看我能做什么。`,
  /** A family code redeemed twice: the link does not say whose it was. */
  someSenior: '这位老人',

  // ---- booking ----
  offer: (who: string | null, day: string, what: string, priceLine: string, extra: string) =>
    [`${who ? `给${who}订：` : ''}${day} ${what}`, priceLine, extra, '回复 1 确认，回复 2 不订了'].filter((l) => l !== '').join('\n'),
  priceLine: (label: string, priceFen: number, subsidyFen: number, copayFen: number) =>
    subsidyFen > 0 ? `${label} ${yuan(priceFen)}，政府补贴 ${yuan(subsidyFen)}，您付 ${yuan(copayFen)}` : `${label} ${yuan(priceFen)}，您付 ${yuan(copayFen)}`,
  noMealSlot: (day: string | null, meal: string) =>
    day ? `${day}的${meal}订不了了（已截止或已订满）。\n换一天吧，比如说“明天中午订饭”。` : `最近几天没有能订的${meal}。\n请打电话问问站点，或回复“附近站点”。`,
  noHomeCentre: '还不知道您平时去哪个站点。\n请发一个位置给我，或请站点工作人员帮您登记。',
  /** The first line of an offer for a meal: "11:00 午餐 2 份（送到家）". */
  mealOffered: (start: string, kindLabel: string, portions: number, mode: DeliveryMode) =>
    `${serviceWhat(start, kindLabel, portions)}（${DELIVERY_MODE_LABELS[mode]}）`,
  deliveryInstead: (wanted: DeliveryMode, used: DeliveryMode) => `这里不能${DELIVERY_MODE_LABELS[wanted]}，按${DELIVERY_MODE_LABELS[used]}。`,
  note: (note: string) => `备注：${note}`,
  slotListTitle: (who: string | null, what: string) => `${who ? `给${who}约` : '可以约'}这些${what}时间：`,
  slotList: (title: string, lines: string[]) =>
    `${title}\n${lines
      .slice(0, 4)
      .map((l, i) => `${i + 1}. ${l}`)
      .join('\n')}\n回复数字选一个。`,
  noServiceSlot: (what: string) => `最近两周没有空的${what}时间。\n请打电话问问站点。`,
  booked: (who: string | null, day: string, what: string, code: string) => `订好了！${who ? `给${who}订的` : ''}${day} ${what}\n取餐/服务时报预约码：${code}`,
  bookedNeedsConfirm: (who: string | null, day: string, what: string) => `订好了！${who ? `给${who}订的` : ''}${day} ${what}\n站点确认后就算定了。`,
  // ---- paying (a chat booking with a co-payment): at most three short lines, ending with what to say next ----
  /** Not booked until paid; `by` is payBy(…); the link is this senior's own pay page. */
  notBookedUntilPaid: (who: string | null, day: string, what: string, copayFen: number, by: string, link: string) =>
    `还没订好，付了才算：${who ? `给${who}订的` : ''}${day} ${what}\n要付 ${yuan(copayFen)}，${by}前<a href="${link}">点这里付款</a>\n不方便付？回复“家人付”，我们请家人代付。`,
  /** The same without WeChat Pay to pay with here: the family pays in the mini-program. */
  notBookedAskFamily: (who: string | null, day: string, what: string, copayFen: number, by: string) =>
    `还没订好，付了才算：${who ? `给${who}订的` : ''}${day} ${what}\n要付 ${yuan(copayFen)}，${by}前请家人在小程序里付。\n回复“家人付”，我们去请家人付。`,
  /** 现场付: booked now, the co-payment is taken at the counter (`code` once the centre has confirmed it). */
  bookedPayAtCounter: (who: string | null, day: string, what: string, copayFen: number, code: string | null) =>
    `订好了！${who ? `给${who}订的` : ''}${day} ${what}\n${code ? `到时候在站点付 ${yuan(copayFen)}，报预约码：${code}` : `站点确认后就算定了，到时候在站点付 ${yuan(copayFen)}。`}\n想取消就说“取消”。`,
  /** "明天上午9点半" — when to pay by, as it is said: the day (今天/明天/后天, or the date) and the time in words. */
  payBy: (day: string, hhmm: string) => `${day}${spokenTime(hhmm)}`,
  notBooked: '好的，没有订。\n想订的时候再跟我说。',
  offerGone: '刚才的预订已经过时了，没有订上。\n请再说一次，比如“明天中午订一份饭”。',
  bookFailed: (why: string) => `没订上：${why}\n回复“帮助”看我能做什么。`,
  confirmOrNot: '回复 1 确认，回复 2 不订了。',
  pickNumber: (n: number) => `请回复 1 到 ${n} 的数字。`,

  // ---- family pays ----
  familyAsked: (names: string[]) => `已经请${names.join('、')}帮您付款，\n付好了会告诉您。`,
  noFamilyToPay: '您还没有绑定家人，没法请家人代付。\n回复“绑定家属”拿一个家属码给孩子。',
  nothingToPay: '现在没有要付的钱。',

  // ---- menu ----
  menuOf: (day: string, centre: string, meals: string[]) => `${day} ${centre}\n${meals.slice(0, 3).join('\n')}\n想订就说“订午饭”或“订晚饭”。`,
  noMenu: (day: string) => `${day}的菜单还没出来。\n可以打电话问问站点。`,

  // ---- my bookings ----
  myBookings: (lines: string[], more: number) =>
    `您的预约：\n${lines
      .slice(0, 4)
      .map((l, i) => `${i + 1}. ${l}`)
      .join('\n')}${more > 0 ? `\n还有 ${more} 个没列出` : ''}\n要取消就说“取消”。`,
  noBookings: '您现在没有预约。\n想订饭就说“明天中午订一份饭”。',

  // ---- cancel ----
  cancelWhich: (lines: string[]) =>
    `取消哪一个？\n${lines
      .slice(0, 4)
      .map((l, i) => `${i + 1}. ${l}`)
      .join('\n')}\n回复数字。`,
  cancelConfirm: (line: string) => `要取消 ${line} 吗？\n回复 1 确认取消，回复 2 不取消。`,
  cancelled: (line: string, refundFen: number) =>
    refundFen > 0 ? `已取消 ${line}。\n付的 ${yuan(refundFen)} 会原路退回，一般 1 到 3 天到账。` : `已取消 ${line}。\n想再订随时跟我说。`,
  keptBooking: '好的，不取消。',
  nothingToCancel: '您现在没有能取消的预约。\n回复“我的预约”看看。',
  cancelFailed: (why: string, phone: string) => `取消不了：${why}${phone ? `\n站点电话：${phone}` : ''}`,

  // ---- nearby ----
  nearby: (lines: string[], within: boolean) =>
    `${within ? '走路 10 分钟内的站点：' : '10 分钟内没有站点，最近的是：'}\n${lines.slice(0, 3).join('\n')}\n想订饭就说“订饭”。`,
  askLocation: '请发一个位置给我：\n点输入框旁的“＋”，选“位置”，再点“发送”。',
  noCentres: '附近没有找到站点。\n请打 12345 问问街道。',

  // ---- emergency ----
  emergency: (notified: string[], centrePhone: string) =>
    [
      notified.length > 0 ? `已经通知了${notified.join('、')}，马上有人联系您。` : '已经记下了，工作人员马上联系您。',
      '情况危急请马上打 120 急救电话！',
      centrePhone ? `站点电话：${centrePhone}` : '',
      '不要乱动，把门打开，等人来。',
    ]
      .filter((l) => l !== '')
      .join('\n'),
  /** A family member raised it for their parent: the reply is about the parent, not to them. */
  emergencyForOther: (seniorName: string, notified: string[], centrePhone: string) =>
    [
      notified.length > 0 ? `已经通知了${notified.join('、')}，他们会马上联系${seniorName}。` : `已经记下了，工作人员会马上联系${seniorName}。`,
      '情况危急请马上打 120 急救电话！',
      centrePhone ? `站点电话：${centrePhone}` : '',
    ]
      .filter((l) => l !== '')
      .join('\n'),
  emergencyUnbound: '请马上打 120 急救电话！\n您的微信还没有绑定，我们联系不到您的家人。\n能说话的话，请叫邻居帮忙。',

  // ---- family code ----
  familyCode: (code: string) => `家属绑定码：${code}\n24 小时内有效，只能用一次。\n请让孩子在本公众号或睦邻小程序里发这 6 个数字。`,
  familyCodeOnlySenior: '家属码要老人本人来拿。\n请让老人在自己的微信里说“绑定家属”。',

  // ---- rating ----
  rated: (score: number) => (score >= 4 ? '谢谢您的评价！我们会继续努力。' : '谢谢您告诉我们，我们会改进。\n有具体的事可以说“找工作人员”。'),
  nothingToRate: '最近没有要评价的服务。\n回复“帮助”看我能做什么。',
  rateWhich: '请回复 1 到 5 的数字打分，5 分最好。',

  // ---- staff ----
  toStaff: (centre: string, phone: string) => `请说您想说的话，我转给${centre}的工作人员。${phone ? `\n也可以直接打电话：${phone}` : ''}`,
  toStaffSent: '已经转给工作人员了，他们会尽快联系您。',
  noStaffCentre: '还不知道您平时去哪个站点。\n请打 12345 或请社区帮忙。',
} as const;
