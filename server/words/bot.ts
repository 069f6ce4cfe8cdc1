/**
 * Everything the public-account bot says, in one place so it can be read and changed without touching the logic.
 *
 * Written for someone of 85 who reads with a magnifier or has it read aloud (test/unit/bot-wording.test.ts holds
 * every entry to it): at most three short lines, spoken words, one question at a time, and the last line always
 * says what to say or do next. No jargon: not 助浴, 上门服务, 堂食, 公众号, 小程序, 家属绑定码 but 洗澡, 上门, 在食堂吃,
 * "给家人的数字". Nothing chosen for them without saying so.
 */
import type { DeliveryMode, ServiceKind } from '../../entities';
import { isoWeekday } from '../lib/time';
import { yuan } from './pricing';

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

/** The bot's shorter day: "明天 12月2日", "12月5日 周六" (the weekday only when no 今天/明天/后天 says it). */
export function dayWords(date: string, today: string, tomorrow: string, dayAfter: string): string {
  const [, m, d] = date.split('-').map(Number);
  if (date === today) return `今天 ${m}月${d}日`;
  if (date === tomorrow) return `明天 ${m}月${d}日`;
  if (date === dayAfter) return `后天 ${m}月${d}日`;
  return `${m}月${d}日 ${WEEKDAYS[isoWeekday(date)]}`;
}

/** "明天 11:00" for a short list ("1 明天 09:00 洗澡"). */
export function dayShort(date: string, today: string, tomorrow: string, dayAfter: string): string {
  const [, m, d] = date.split('-').map(Number);
  if (date === today) return '今天';
  if (date === tomorrow) return '明天';
  if (date === dayAfter) return '后天';
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

/** Each kind of service as a senior says it (not 助浴, not 上门服务). */
export const KIND_WORDS: Record<ServiceKind, string> = {
  breakfast: '早饭',
  lunch: '午饭',
  dinner: '晚饭',
  bath: '洗澡',
  cleaning: '打扫',
  escort: '陪看病',
  nursing: '上门护理',
  haircut: '理发',
};

/** Each way of eating (or of being served) as a senior says it (not 堂食). */
export const MODE_WORDS: Record<DeliveryMode, string> = {
  delivery: '送到家',
  pick_up: '自己来拿',
  dine_in: '在食堂吃',
  at_centre: '到站里',
  at_home: '上门',
};

/** What the bot calls a service when no kind was named: "最近几天没有能订的饭", "最近两周没有空的洗澡时间". */
export const SERVICE_WORDS = { meal: '饭', bath: '洗澡', home_visit: '上门' } as const;

/**
 * A centre as a senior names it: "嘉新社区居家养老服务照料中心" is 嘉新站, "米市巷街道综合养老服务中心" is 米市巷站;
 * a short name ("湖墅老年食堂", "左家新村睦邻点") stays as it is.
 */
export function centreShortName(name: string): string {
  if ([...name].length <= 8) return name;
  const m = /^(.+?)(?:街道|社区|镇|村)?(?:综合|居家)?养老服务(?:照料)?中心$|^(.+?)(?:社区|街道)?(?:日间)?照料中心$/.exec(name);
  const core = m ? (m[1] ?? m[2]) : null;
  return core ? `${core}站` : name;
}

/** "11:00 午饭 2 份", "08:30 理发": a booking or an offer by its time and kind; portions only for meals. */
export function serviceWhat(start: string, kind: ServiceKind, portions: number | null): string {
  return portions === null ? `${start} ${KIND_WORDS[kind]}` : `${start} ${KIND_WORDS[kind]} ${portions} 份`;
}

/** A person as a senior calls them: "赵敏（嘉新社区居家养老服务照料中心）", a console name, is 赵敏. */
export function personName(displayName: string): string {
  return displayName.replace(/\s*[（(].*$/, '').trim() || displayName;
}

/** An error's message (server/errors.ts, written for the mini-program too) in the bot's plain words. */
export function plainWhy(message: string): string {
  return message
    .replace(/时段/g, '时间')
    .replace(/助浴/g, '洗澡')
    .replace(/上门服务/g, '上门')
    .replace(/堂食/g, '在食堂吃')
    .replace(/家属绑定码|绑定码/g, '数字')
    .replace(/小程序/g, '睦邻')
    .replace(/公众号/g, '这里')
    .replace(/核销码|预约码/g, '号')
    .replace(/核销/g, '报号');
}

/** A list as one line: "女儿、儿子和嘉新站". */
function spoken(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join('、')}和${names[names.length - 1]}`;
}

/** The numbered choices of the menus, as the bot reads them out. */
export const MENU_WORDS = { book_meal: '订饭', book_bath: '洗澡', book_visit: '上门', my_bookings: '查预约', cancel: '取消', human: '找人' } as const;
const choices = (items: string[]) => items.map((x, i) => `${i + 1} ${x}`).join('，');

/** Kinds of emergency, as the reply's last line treats them (server/language/danger.ts names them). */
export type EmergencyCare = 'fall' | 'fire' | 'gas' | 'intruder' | 'despair' | 'missing' | 'trapped' | 'medical';

/** What to do while help comes: never "open the door" to someone who has fallen. */
const WHILE_WAITING: Record<EmergencyCare, string> = {
  fall: '别急着起来，躺着别动，等人来。',
  medical: '先坐下或躺下，别走动，等人来。',
  fire: '快出门到楼下，打 119。',
  gas: '别开灯别打火，开窗后出门，打 119。',
  intruder: '锁好房门别出声，打 110。',
  despair: '您说，我们都在，等电话就好。',
  missing: '先打 110 报警，我们也一起找。',
  trapped: '别慌，按电梯里的铃，等人来。',
};

export const BOT = {
  // ---- who is talking ----
  welcomeUnbound: '您好！请先扫站里给您的二维码，\n或者发站里给您的 6 位数字。\n家人请发老人给的 6 位数字。',
  welcomeBound: (name: string) => `${name}您好！想订饭就直接说，\n比如说“明天中午订饭”。\n有急事就说“救命”。`,
  needBinding: '您的微信还没和老人连上。\n请发站里给的 6 位数字，\n或扫站里给的二维码。',
  boundSenior: (name: string) => `连上了！${name}您好。\n想订饭就说“明天中午订饭”。\n有急事就说“救命”。`,
  alreadyBound: (name: string) => `这个微信已经连着${name}了。\n想订饭就说“明天中午订饭”。`,
  boundToOther: (name: string) => `这个微信已经连着${name}。\n要换人，请找站里的工作人员。`,
  familyAccountConflict: '这个微信是家人在用。\n老人本人请用自己的微信扫码，\n有问题请找站里的工作人员。',
  linkedFamily: (seniorName: string) => `连上了！您可以帮${seniorName}订饭、查预约。\n比如说“给我妈订明天午饭”。`,
  alreadyLinked: (seniorName: string) => `您已经连着${seniorName}了，不用再连。\n想订饭就说“给我妈订明天午饭”。`,
  codeWrong: '这个数字不对，或者过期了。\n请核对后再发一次，或请站里再给一个。',
  codeTooManyTries: '试错太多次了，请过一小时再试，\n或请站里的工作人员帮您连上。',
  sceneExpired: '这个二维码过期或用过了。\n请发站里给您的 6 位数字。',

  // ---- help ----
  help: `直接说就行，比如“明天中午订饭”。\n也可以回数字：${choices([MENU_WORDS.book_meal, MENU_WORDS.book_bath, MENU_WORDS.book_visit, MENU_WORDS.my_bookings, MENU_WORDS.human])}\n有急事就说“救命”。`,
  /** Not understood: no echo of what was cut off, three choices, and help one word away. */
  notUnderstood: `我没听明白。\n回 ${choices([MENU_WORDS.book_meal, MENU_WORDS.my_bookings, MENU_WORDS.human])}。\n有急事就说“救命”。`,
  voiceUnclear: '没听清，请再说一遍。\n有急事就说“救命”。',
  unsupported: '这种消息我看不懂，请打字或按住说话。\n有急事就说“救命”。',

  // ---- whom for ----
  whichSenior: (names: string[]) => `给哪位老人办？\n${choices(names.slice(0, 4))}\n回数字就行。`,
  noSeniorMatch: (said: string) => `没找到“${said}”这位老人。\n请说名字，比如“给张桂英订饭”。`,
  /** A family code redeemed twice: the link does not say whose it was. */
  someSenior: '这位老人',

  // ---- booking ----
  /** An offer: what, the price, the question. `how` says how they will eat and why ("送到家" or "按上次，送到家"). */
  offer: (who: string | null, day: string, what: string, how: string | null, priceLine: string) =>
    `${who ? `给${who}订：` : ''}${day} ${what}${how ? `，${how}` : ''}\n${priceLine}\n回 1 确认，回 2 不订。`,
  /** "按上次，送到家": the way of eating they chose last time, said so. */
  asLastTime: (mode: DeliveryMode) => `按上次${MODE_WORDS[mode]}`,
  priceLine: (priceFen: number, subsidyFen: number, copayFen: number, note: string) =>
    `${subsidyFen > 0 ? `${yuan(priceFen)}，补贴 ${yuan(subsidyFen)}，您付 ${yuan(copayFen)}` : `您付 ${yuan(copayFen)}`}${note ? `，备注${note}` : ''}`,
  /** Nobody said how they will eat and there is no last time: one question. */
  askMode: (who: string | null, day: string, kind: ServiceKind, modes: DeliveryMode[], notHere: DeliveryMode | null) =>
    `${notHere ? `这里不能${MODE_WORDS[notHere]}。` : ''}${who ? `给${who}订` : ''}${day}${KIND_WORDS[kind]}怎么吃？\n回 ${choices(modes.slice(0, 3).map((m) => MODE_WORDS[m]))}。`,
  noMealSlot: (day: string | null, meal: string) =>
    day ? `${day}的${meal}订不了了，截止或订满了。\n换一天吧，比如说“后天中午订饭”。` : `最近几天没有能订的${meal}。\n请打电话问问站里，或说“附近站点”。`,
  noHomeCentre: '还不知道您平时去哪个站。\n请发个位置给我，或请站里帮您登记。',
  slotList: (who: string | null, what: string, lines: string[]) =>
    `${who ? `给${who}约` : ''}${what}，这几个时间有空：\n${lines
      .slice(0, 3)
      .map((l, i) => `${i + 1} ${l}`)
      .join('，')}\n回数字选一个。`,
  noServiceSlot: (what: string) => `最近两周没有空的${what}时间。\n请打电话问问站里。`,
  booked: (who: string | null, day: string, what: string, code: string) =>
    `订好了！${who ? `给${who}订的` : ''}${day} ${what}。\n到时候报这个号：${code}\n想取消就说“取消”。`,
  bookedNeedsConfirm: (who: string | null, day: string, what: string) =>
    `订好了！${who ? `给${who}订的` : ''}${day} ${what}。\n站里确认后会告诉您，\n想取消就说“取消”。`,
  // ---- paying (a chat booking with a co-payment): at most three short lines, ending with what to say next ----
  /** Not booked until paid; `by` is payBy(…); the link is this senior's own pay page. */
  notBookedUntilPaid: (who: string | null, day: string, what: string, copayFen: number, by: string, link: string) =>
    `还没订好：${who ? `给${who}的` : ''}${day} ${what}\n付了才算。${by}前付 ${yuan(copayFen)}：<a href="${link}">点这里付</a>\n不方便付就回“家人付”。`,
  /** The same without WeChat Pay to pay with here: the family pays for it on their phone. */
  notBookedAskFamily: (who: string | null, day: string, what: string, copayFen: number, by: string) =>
    `还没订好：${who ? `给${who}的` : ''}${day} ${what}\n付了才算，要付 ${yuan(copayFen)}，${by}前请家人付。\n回“家人付”，我们去告诉家人。`,
  /** 现场付: booked now, the co-payment is taken at the counter (`code` once the centre has confirmed it). */
  bookedPayAtCounter: (who: string | null, day: string, what: string, copayFen: number, code: string | null) =>
    `订好了！${who ? `给${who}订的` : ''}${day} ${what}。\n${code ? `到时候在站里付 ${yuan(copayFen)}，报这个号：${code}` : `站里确认后就算定了，到时候在站里付 ${yuan(copayFen)}。`}\n想取消就说“取消”。`,
  /** "明天上午9点半" — when to pay by, as it is said: the day (今天/明天/后天, or the date) and the time in words. */
  payBy: (day: string, hhmm: string) => `${day}${spokenTime(hhmm)}`,
  notBooked: '好的，不订。\n想订的时候就跟我说。',
  offerGone: '刚才那个过时了，没有订上。\n请再说一次，比如“明天中午订饭”。',
  bookFailed: (why: string) => `没订上：${plainWhy(why)}\n换个时间，或说“找人”。`,
  confirmOrNot: '回 1 确认，回 2 不订。',
  pickNumber: (n: number) => `请回 1 到 ${n} 的数字。`,

  // ---- price ----
  price: (day: string, what: string, priceFen: number, subsidyFen: number, copayFen: number) =>
    `${day}${what}${subsidyFen > 0 ? ` ${yuan(priceFen)}，补贴 ${yuan(subsidyFen)}，您付 ${yuan(copayFen)}` : `您付 ${yuan(copayFen)}`}。\n想订就说“订${what}”。`,
  priceUnknown: '现在查不到价钱。\n请打电话问问站里，或说“找人”。',

  // ---- family pays ----
  familyAsked: (names: string[]) => `已经请${spoken(names)}帮您付，\n付好了会告诉您，您等着就行。`,
  noFamilyToPay: '您还没有连上家人，没法请家人付。\n想连上，就说“给孩子一个数字”。',
  nothingToPay: '现在没有要付的钱。\n想查预约就说“我的预约”。',

  // ---- menu ----
  menuOf: (meals: string[], next: string) => `${meals.slice(0, 2).join('\n')}\n想订就说“${next}”。`,
  noMenu: (day: string) => `${day}的菜单还没出来。\n可以打电话问问站里。`,

  // ---- my bookings ----
  myBookings: (lines: string[], more: number) =>
    `您订了：${lines[0] ?? ''}${lines[1] ? `\n${lines[1]}` : ''}${more > 0 ? `，还有 ${more} 个` : ''}\n要取消就说“取消”。`,
  noBookings: '您现在没有预约。\n想订饭就说“明天中午订饭”。',

  // ---- cancel ----
  cancelWhich: (lines: string[]) => `取消哪一个？\n${choices(lines.slice(0, 3))}\n回数字就行。`,
  cancelConfirm: (line: string) => `要取消${line}吗？\n回 1 取消，回 2 不取消。`,
  cancelled: (line: string, refundFen: number) =>
    refundFen > 0 ? `已取消${line}。\n付的 ${yuan(refundFen)} 会退回，一般 1 到 3 天到。\n想再订就跟我说。` : `已取消${line}。\n想再订就跟我说。`,
  keptBooking: '好的，不取消。\n想查预约就说“我的预约”。',
  nothingToCancel: '您现在没有能取消的预约。\n想查就说“我的预约”。',
  cancelFailed: (why: string, phone: string) => `取消不了：${plainWhy(why)}\n${phone ? `请打站里电话 ${phone}。` : '请找站里的工作人员。'}`,
  denied: '好的，不订。\n想订的时候就跟我说。',

  // ---- nearby ----
  nearby: (centre: string, minutes: number, hours: string, phone: string, within: boolean) =>
    `${within ? '离您最近的是' : '10 分钟内没有站，最近的是'}${centre}，走 ${minutes} 分钟。\n${hours} 开门，电话 ${phone}\n想订饭就说“订饭”。`,
  askLocation: '请发个位置给我：\n点“＋”，选“位置”，再点“发送”。',
  noCentres: '附近没找到站点。\n请打 12345 问问街道。',

  // ---- emergency ----
  /** Help is on its way: who was told, 120 and the centre, what to do meanwhile. */
  emergency: (care: EmergencyCare, family: string[], centre: string, phone: string) =>
    [
      `已经告诉${spoken([...family, centre])}，马上有人来。`,
      care === 'despair' ? `想说话就打 ${phone || '12356'}，也可以打 12356。` : `很急就打 120。${centre}电话 ${phone || '12345'}`,
      WHILE_WAITING[care],
    ].join('\n'),
  /** A family member raised it for their parent: the reply is about the parent, not to them. */
  emergencyForOther: (seniorName: string, family: string[], centre: string, phone: string) =>
    `已经告诉${spoken([...family, centre])}，马上去找${seniorName}。\n很急就打 120。${centre}电话 ${phone || '12345'}\n能联系上老人，就请老人别动，等人到。`,
  emergencyUnbound: '请马上打 120！\n您的微信还没连上，我们找不到您的家人。\n能喊就喊邻居帮忙。',
  /** Not sure it is an emergency: one line, with help one word away. */
  askEmergency: (centre: string) => `是不是出事了？回 1 马上叫家人和${centre}。\n没事就回 2。很急就打 120。`,
  /** They said it is nothing. */
  emergencyNot: '好的，没事就好。\n有事随时说“救命”。',
  /** They did not answer: the centre was told anyway (a customer-service message). */
  emergencyUnanswered: (family: string[], centre: string, phone: string) =>
    `您没回话，我已经告诉${spoken([...family, centre])}，\n他们会给您打电话。${centre}电话 ${phone || '12345'}\n很急就打 120。`,
  /** They answered after the centre had already been told. */
  emergencyAlreadyTold: (centre: string) => `${centre}已经知道了，会给您打电话。\n有事随时说“救命”。`,

  // ---- family code ----
  familyCode: (code: string) => `给家人的数字：${code}（一天内有效）\n请孩子在这里发这 6 个数字就能连上。`,
  familyCodeOnlySenior: '这个数字要老人自己来拿。\n请老人在自己的微信里说“给孩子一个数字”。',

  // ---- rating ----
  rated: (score: number) => (score >= 4 ? '谢谢您！\n还有事就直接说。' : '谢谢您告诉我们，我们会改。\n有具体的事就说“找人”。'),
  nothingToRate: '最近没有要打分的服务。\n想订饭就说“明天中午订饭”。',
  rateWhich: '请回 1 到 5 打个分，5 分最好。',

  // ---- who comes to see them (探访关爱) ----
  /**
   * The visits planned this week and next, at most two, soonest first: `day` as dayWords says it (or 这几天 for one
   * already due), `name` as the senior calls the visitor; `whom` names the senior when the family asks for them.
   */
  visitorsComing: (whom: string | null, visits: Array<{ day: string; name: string }>) =>
    [
      `${visits[0].day}，${visits[0].name}来看${whom ?? '您'}${visits.length > 1 ? '；' : '。'}`,
      ...(visits[1] ? [`${visits[1].day}，${visits[1].name}再来。`] : []),
      '有事想先说，就说“找人”。',
    ].join('\n'),
  /** Nobody is planned: the centre arranges one when asked. */
  noVisitorsComing: (whom: string | null) => `这两周还没有安排人来看${whom ?? '您'}。\n想有人来，就说“找人”，站里来安排。`,
  /** An open visit whose day has passed: the visitor is still to come. */
  visitDueNow: '这几天',
  /** A visit given to no one by name. */
  someVisitor: '站里的人',

  // ---- a person ----
  /** Hand-over: from now on a person at the centre reads what they write. */
  toStaff: (centre: string, phone: string) =>
    `好的，${centre}的工作人员来回您。\n您直接说，话我都转过去。${phone ? `急事打 ${phone}。` : ''}\n说“好了”就换回我。`,
  toStaffSent: (whom: string) => `已经转给${whom}了。\n说“好了”就换回我。`,
  /** A staff member's own words, as the senior receives them (a customer-service message). */
  staffSays: (centre: string, staffName: string, text: string, first: boolean) => `${first ? `${centre}的${staffName}来回您了：\n` : `${staffName}：`}${text}`,
  /** The bot is back (the staff member handed back, or the senior said 好了, or nobody spoke for a while). */
  botBack: '现在又是小睦在回您。\n订饭、问菜单，直接说就行。',
  /** The bot is back and answers what was just asked: put before that answer's first line. */
  botBackBefore: '小睦回来了。',
  noStaffCentre: '还不知道您平时去哪个站。\n请打 12345，或请社区帮忙。',

  // ---- how they feel ----
  /** Loneliness: a kind answer, never an offer; a call is one word away. */
  lonely: (centre: string) => `一个人闷了吧，您跟我说说话也行。\n想让${centre}给您打个电话，就回 1。`,
  lonelyCallAsked: (centre: string) => `好，已经请${centre}给您打电话。\n等一会儿就来电话，先喝口热水。`,
  smallTalk: '嗯，听您说说真好。\n想订饭、问菜单，直接说就行。',
  thanks: '不客气！\n还有事就直接说。',
  weather: '天气变了，出门慢点走。\n想订饭送到家，就说“明天中午订饭送到家”。',
} as const;
