import { shanghaiDate } from '../lib/time';
import {
  ALONE,
  ASKING_VERB,
  ASKS_ONLY,
  AWAY,
  CALL_OFF,
  DONE,
  GREETING_MEAL,
  HABIT,
  HEAD_PAIR,
  HEADCOUNT,
  INFO_ASK,
  LONELY,
  NO_BOOKING,
  OWN_COOKING,
  PAST_END,
  A_NOT_A,
  GREETING_SHORT,
  NO_CALLS,
  PAUSE,
  POLITE_ONLY,
  POLITE_REQUEST,
  POSTPONE,
  PRICE,
  SMALL_TALK,
  VISITOR_ASK,
  VISITOR_FAMILY,
} from './cues';
import { readDanger, type DangerKind } from './danger';
import { extractDate } from './dates';
import { consume, firstIn } from './lexicon';
import { parseNumber, tokenToNumber } from './numbers';
import {
  ASKING,
  BATH,
  CANCEL,
  CHILD_CODE,
  CHINESE_CODE,
  CHOICE,
  CHOOSE,
  CHOOSE_NUMBERED,
  CHOOSE_PREFIX_ONLY,
  CODE_CONTEXT,
  CONFIRM,
  DELIVERY,
  DENY,
  DIETS,
  DIGIT_CODE,
  FAMILY,
  FAMILY_CODE,
  FAMILY_NORMAL,
  FILLER,
  GREETING,
  HELP_STRONG,
  HUMAN,
  KIN_OF,
  LEADING,
  MEAL_SERVICE,
  MEAL_VERB,
  MEAL_WORD,
  MEALS,
  MENU_STRONG,
  MY_BOOKED,
  MY_BOOKINGS,
  NAME,
  NEARBY,
  ORDER_STRONG,
  PAY_BY_FAMILY,
  QUANTITY,
  QUANTITY_BARE,
  QUANTITY_GE,
  QUANTITY_ONE,
  RATE_WORD,
  RATED_SUBJECT,
  SCORES,
  SELF,
  SEND,
  SERVICE_ASK,
  SERVICE_FILLER,
  STARS,
  STATUS,
  THANKS,
  TRAILING_PARTICLES,
  VISIT_GENERIC,
  VISIT_KINDS,
  WHAT,
} from './patterns';
import { canonical, DOTTED_HINT, normalize, rewriteDottedDates, withBreaks } from './text';

export { parseNumber };
export type { DangerKind };

export type Intent =
  | 'book_meal' // 订饭: "明天中午订一份饭", "给我妈订明天午饭", "后儿个晌午来两份，送到家", "我们俩明天中午订饭"
  | 'menu' // "今天吃什么", "明天午饭是什么菜", "菜单", "几点开饭"
  | 'book_bath' // 洗澡, 助浴, "我想洗个澡"
  | 'book_visit' // 打扫卫生, 保洁, 陪我去医院, 陪诊, 理发, 上门护理, "上门" (visitKind may be absent)
  | 'my_bookings' // 我订了什么, 查一下, 我的预约, "明天有饭吗", "订了没有"
  | 'cancel' // 取消, 不要了, 退掉明天的饭, "明天的饭不吃了", "这周不洗了", "饭先停几天"
  | 'nearby' // 附近有什么, 最近的食堂在哪, "离我近的助餐点", "食堂几点开门"
  | 'emergency' // 救命, 快来人, 我摔倒了, 心口有点疼, 喘不上气, SOS, 不想活了; `sure` says whether to ask first
  | 'family_code' // a senior wants a code for their child: 绑定家属, 给我孩子一个码, 让我女儿也能看到
  | 'pay_by_family' // 让家人代付, 叫我儿子付, 家人付
  | 'rate' // 很好, 一般, 不好, 五星, 5分, 满意, 不满意, 评价
  | 'human' // 找人工, 我要说话, 转人工, 叫工作人员, 我要找你们负责的
  | 'help' // 帮助, ?, ？, 你能做什么, 你好
  | 'confirm' // 好, 对, 确认, 是的, 可以, 行, 嗯, 要, 好的好的, OK, 没问题
  | 'deny' // 不, 不用, 算了, 不对, 不是, 不要, 别给我订了, 不订饭
  | 'choose' // a bare pick: "1", "一", "第一个", "２", "选2", "第二", "头一个"
  | 'code' // a 6-digit binding code: "123456", "绑定 123456", "我的码是 123 456"; also "绑定我妈" without digits
  | 'price' // 午饭几块钱, 洗一次澡多少钱, 我自己要付多少
  | 'lonely' // 就我一个人，没人说话; 想老伴了; 孩子们都不来看我
  | 'small_talk' // 外头下小雨了, 中饭刚吃完, 谢谢你, 吃了吗
  | 'who_visits' // 这周谁来看我, 啥时候有人来看我, 志愿者哪天来, 下次探访是哪天 (探访关爱: who comes, and when)
  | 'unknown';

/** The intents that lead to a booking offer. A message that asks for none of these must never get one. */
export const OFFER_INTENTS: ReadonlySet<Intent> = new Set<Intent>(['book_meal', 'book_bath', 'book_visit']);

export type Meal = 'breakfast' | 'lunch' | 'dinner';
export type VisitKind = 'cleaning' | 'escort' | 'nursing' | 'haircut';
export type Delivery = 'delivery' | 'pick_up' | 'dine_in';
/** Which service a message is about, whatever the intent ("取消明天的洗澡" → 'bath'). */
export type Service = 'meal' | 'bath' | 'visit';

export interface Understanding {
  intent: Intent;
  /** Shanghai calendar day 'YYYY-MM-DD' when a day was said, resolved forward from `now`. */
  date?: string;
  meal?: Meal;
  /** 一份/两份/2份/俩/三碗, or a head-count (我们俩, 老两口, 一家三口); only when said. */
  quantity?: number;
  delivery?: Delivery;
  /** Normalised notes: '软一点', '少盐', '少油', '不要辣', '清淡', '少糖', '素食', '不要葱', '不要香菜', '切碎'. */
  diet?: string[];
  visitKind?: VisitKind;
  /** For 'choose' (1-based) and for a numbered pick inside another intent ("取消第二个"). */
  choice?: number;
  /** For 'rate': 1–5. */
  score?: number;
  /** For 'code': the 6 digits. */
  code?: string;
  /** 'self', a relation ('妈', '爸', '奶奶', '爷爷', '外婆', '外公', '老伴', …) or a name as said ('张桂英'). */
  forWhom?: string;
  /** Optional addition: the service the message is about, when one is named (any intent). */
  service?: Service;
  /** For 'emergency': what kind, and whether it is clear (act at once) or to be asked about first. */
  danger?: DangerKind;
  sure?: boolean;
  /** The text after normalisation (punctuation and spaces stripped, full-width folded, ASCII lower-cased). */
  normalized: string;
}

const MAX_CHARS = 300;
const QUESTION_MARK = /[?？]/;
const UNDERSCORES = /_/g;
/** "不要了", "不想要了": said of something already booked, so a cancellation rather than a bare "no". */
const NO_LONGER_WANTED = /不(?:想)?要了/;
/** 送 called off while another way of eating is named: a way of eating ("不要送，我自己来拿"). */
const CALL_OFF_SEND = /送/;
/** The verb called off tells the service when no service word was said ("这周不洗了" is a bath). */
const CALLED_OFF_SERVICE: ReadonlyArray<readonly [RegExp, Service]> = [
  [/洗/, 'bath'],
  [/剪|理|打扫|扫|收拾|上门|陪/, 'visit'],
  [/吃|送/, 'meal'],
];

/** Intents an unsure danger ("头有点晕", "帮帮我") overrides: nothing concrete was asked. */
const WEAK_OVERRIDABLE: ReadonlySet<Intent> = new Set<Intent>([
  'unknown',
  'help',
  'rate',
  'human',
  'confirm',
  'deny',
  'choose',
  'small_talk',
  'lonely',
  'who_visits',
]);

function rateScore(r: string): number | undefined {
  const word = firstIn(SCORES, r);
  const stars = STARS.exec(r);
  if (stars && (!word || stars.index <= word.index)) {
    const n = tokenToNumber(stars[1]);
    if (n !== undefined) return Math.min(5, Math.max(1, n));
  }
  return word?.value;
}

/**
 * Understands one message. `now` is the instant the message arrived; days are Asia/Shanghai (UTC+8, no DST).
 * Pure and synchronous; every pattern is compiled at load.
 *
 * Safety first: the danger lexicon (danger.ts) reads the message before anything else, and a clear emergency wins
 * whatever else was said. Then what the message does — says no, asks, tells, says how one feels (cues.ts) — and
 * only then what it asks for, by the evidence for it: a meal word alone is not an order.
 */
export function understand(text: string, now: Date): Understanding {
  const input = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const normalized = normalize(input);
  if (normalized.length === 0) return { intent: QUESTION_MARK.test(input) ? 'help' : 'unknown', normalized };

  const dotted = DOTTED_HINT.test(input) ? rewriteDottedDates(input) : input;
  const s = canonical(dotted === input ? normalized : normalize(dotted));
  const danger = readDanger(canonical(withBreaks(dotted)));
  const u: Understanding = { intent: 'unknown', normalized };
  let w = s.includes('不') ? s.replace(A_NOT_A, '是否$1') : s;

  // ---- binding code
  const digits = DIGIT_CODE.exec(w);
  if (digits) {
    u.code = digits[0];
    w = w.replace(digits[0], '_');
  } else {
    const cn = CHINESE_CODE.exec(w);
    if (cn && (cn[0].length === w.length || CODE_CONTEXT.test(w))) {
      u.code = String(parseNumber(cn[0])).padStart(6, '0');
      w = w.replace(cn[0], '_');
    }
  }

  // ---- greetings, leave-takings, thanks and courtesies
  let greeted = false;
  let parted = false;
  let thanked = false;
  w = consume(GREETING, w, (hello) => {
    if (hello) greeted = true;
    else parted = true;
  });
  w = consume(THANKS, w, () => {
    thanked = true;
  });
  w = consume(FILLER, w, () => {});

  // ---- how many (我们俩, 老两口), then who for: a name, a relation, or the sender
  let heads: number | undefined;
  w = w.replace(HEAD_PAIR, () => ((heads ??= 2), '_'));
  w = consume(HEADCOUNT, w, (n) => {
    heads ??= n;
  });
  w = w.replace(KIN_OF, (_m: string, name: string) => {
    u.forWhom ??= name;
    return '_';
  });
  w = w.replace(NAME, (_m: string, name: string) => {
    u.forWhom ??= name;
    return '_';
  });
  w = w.replace(FAMILY, (_m: string, word: string | undefined, short: string | undefined) => {
    u.forWhom ??= FAMILY_NORMAL[word ?? short ?? ''];
    return '_';
  });
  if (u.forWhom === undefined && SELF.test(s)) u.forWhom = 'self';

  // ---- day and meal
  const today = shanghaiDate(now);
  const d = extractDate(w, today);
  w = d.w;
  if (d.date) u.date = d.date;
  let meal: Meal | undefined = d.meal;
  let mealNoun = false;
  w = consume(MEALS, w, ([m, noun]) => {
    meal ??= m;
    if (noun) mealNoun = true;
  });
  if (meal) u.meal = meal;

  // ---- diet notes (before anything reads 不要)
  let diet: string[] | undefined;
  w = consume(DIETS, w, (note) => {
    diet ??= [];
    if (!diet.includes(note)) diet.push(note);
  });
  if (diet) u.diet = diet;

  // ---- numbered picks, then quantities
  w = w.replace(CHOICE, (_m: string, n: string | undefined, head: string | undefined) => {
    const k = head ? 1 : tokenToNumber(n ?? '');
    if (k !== undefined && k > 0) u.choice ??= k;
    return '_';
  });
  const takeQuantity = (_m: string, n: string): string => {
    const q = tokenToNumber(n);
    if (q !== undefined && q > 0 && q <= 50) u.quantity ??= q;
    return '_';
  };
  w = w.replace(QUANTITY, takeQuantity);
  const mealContext = mealNoun || meal !== undefined || MEAL_WORD.test(w);
  if (mealContext) w = w.replace(QUANTITY_GE, takeQuantity);
  w = w.replace(QUANTITY_BARE, takeQuantity);
  if (u.quantity === undefined) w = w.replace(QUANTITY_ONE, () => ((u.quantity = 1), '_'));
  if (heads !== undefined && (u.quantity === undefined || u.quantity === 1)) u.quantity = heads;

  // ---- delivery and visit kind (read, not consumed)
  const delivery = firstIn(DELIVERY, w);
  if (delivery) u.delivery = delivery.value;
  else if (SEND.test(w)) u.delivery = 'delivery';
  const visit = firstIn(VISIT_KINDS, w);
  if (visit) u.visitKind = visit.value;

  const r = w.includes('_') ? w.replace(UNDERSCORES, '') : w;
  const bare = r.replace(LEADING, '').replace(TRAILING_PARTICLES, '');

  const isBath = BATH.test(r);
  const isVisit = !isBath && (visit !== undefined || VISIT_GENERIC.test(r));
  const mealWord = mealNoun || MEAL_WORD.test(r);
  const isMeal = mealWord || u.quantity !== undefined || u.delivery !== undefined || diet !== undefined;
  if (isBath) u.service = 'bath';
  else if (isVisit) u.service = 'visit';
  else if (isMeal || MEAL_SERVICE.test(r)) u.service = 'meal';

  const ordered = ORDER_STRONG.test(w);
  /** Small talk only because it tells something ("…了") and asks nothing: the safety net still reads it. */
  let toldOnly = false;
  const told = (): Intent => ((toldOnly = true), 'small_talk');
  u.intent = decide();
  if (danger && !danger.sure && WEAK_OVERRIDABLE.has(u.intent) && !(danger.mood && u.intent === 'lonely')) u.intent = 'emergency';
  // The safety net: nothing was understood, yet it speaks of pain, fear or harm. Asking costs one question.
  if ((u.intent === 'unknown' || (u.intent === 'small_talk' && toldOnly)) && !danger && DISTRESS_NET.test(s.replace(NEGATED_SIGN, ''))) {
    u.intent = 'emergency';
    u.danger = 'unwell';
    u.sure = false;
  }
  if (u.intent === 'emergency' && u.danger) {
    // set by the safety net
  } else if (u.intent === 'emergency' && danger) {
    u.danger = danger.kind;
    u.sure = danger.sure;
  } else if (u.intent === 'emergency') {
    u.danger = 'call';
    u.sure = true;
  }
  if (u.intent === 'rate') {
    const score = rateScore(r);
    if (score !== undefined) u.score = score;
  }
  if (u.intent !== 'code' && u.code !== undefined) delete u.code;
  return u;

  function decide(): Intent {
    if (danger?.sure) return 'emergency';
    if (u.code !== undefined) return 'code';

    // ---- bare answers to a question the bot asked
    if (bare.length === 0) {
      if (u.choice !== undefined) return 'choose';
      const numbered = u.date !== undefined ? CHOOSE_NUMBERED.exec(s) : null;
      if (numbered) {
        u.choice = tokenToNumber(numbered[1]);
        return 'choose';
      }
      const nothingElse = u.date === undefined && meal === undefined && !isMeal;
      if ((thanked || parted) && nothingElse) return 'small_talk';
      if (greeted && nothingElse) return 'help';
    } else {
      const pick = CHOOSE.exec(bare);
      if (pick && u.quantity === undefined) {
        u.choice ??= tokenToNumber(pick[1]);
        return 'choose';
      }
      if (u.choice !== undefined && CHOOSE_PREFIX_ONLY.test(bare)) return 'choose';
      if (u.quantity === undefined && !mealNoun && u.date === undefined && meal === undefined && CONFIRM.test(bare)) return 'confirm';
      // A "no" that names a day or a meal ("明天中午不用送了") calls off what was booked for it.
      const callsOff = NO_LONGER_WANTED.test(bare) || ((u.date !== undefined || meal !== undefined) && (CANCEL.test(r) || CALL_OFF.test(w)));
      if (u.quantity === undefined && !mealNoun && !callsOff && DENY.test(bare)) return 'deny';
    }
    // "刚才订错了，不是明天是大后天": a correction of the day — a "no" that carries the day meant.
    if (u.date !== undefined && CORRECTION.test(r) && !ordered && !isBath && !isVisit) return 'deny';
    if (GREETING_MEAL.test(bare)) return 'small_talk';
    if (GREETING_SHORT.test(s)) return 'help';

    // ---- who is coming to see me (探访): a question, before loneliness reads "有没有人来看我" as "没有人来看"
    if (VISITOR_ASK.test(s) && !VISITOR_FAMILY.test(s) && !ordered && !isBath) return 'who_visits';

    // ---- feelings come before any reading of portions or of "no" ("就我一个人" is no "1 份"; "孩子们都不来看我")
    // A portion said, or a meal sent on a named day, is an order even beside "一个人" ("我妈一个人在家，周六中午给她送一份饭").
    const portions = (mealContext && QUANTITY_PORTION.test(s)) || (u.delivery !== undefined && (u.date !== undefined || meal !== undefined));
    if (LONELY.test(s) && !ordered && !portions && !isBath && !isVisit) return 'lonely';

    // ---- saying no: to booking at all, or to something booked
    if (STATUS.test(r)) return 'my_bookings';
    if (NO_BOOKING.test(w)) return u.date !== undefined ? 'cancel' : 'deny';
    const off = CALL_OFF.exec(w);
    // "不要送，我自己来拿" with an order is a way of eating; without one it changes what was booked.
    if (off && !(CALL_OFF_SEND.test(off[0]) && u.delivery !== undefined && u.delivery !== 'delivery' && ordered)) {
      if (u.service === undefined) u.service = CALLED_OFF_SERVICE.find(([re]) => re.test(off[0]))?.[1];
      return 'cancel';
    }
    if (PAUSE.test(r) || (AWAY.test(r) && (u.date !== undefined || meal !== undefined || u.service !== undefined))) return 'cancel';
    if (CANCEL.test(r)) return 'cancel';
    if (OWN_COOKING.test(r) && !ordered && !DONE.test(s)) return 'deny';
    if (NO_CALLS.test(r) || (NO_MONEY.test(r) && !PAY_BY_FAMILY.test(s)) || (POSTPONE.test(r) && !ordered)) return 'deny';
    if (ALONE.test(s) && !ordered && !isBath && !isVisit && !MEAL_VERB_ORDER.test(r)) return 'lonely';

    // ---- asking for something in particular
    if (FAMILY_CODE.test(s)) return 'family_code';
    if (CHILD_CODE.test(s)) return 'code';
    if (PAY_BY_FAMILY.test(s)) return 'pay_by_family';
    const human = HUMAN.test(r);
    if (human && !isBath && !isVisit) return 'human';
    if (NEARBY.test(r)) return 'nearby';
    if (HELP_STRONG.test(r)) return 'help';
    // "我昨天订的饭收到了，味道还可以": told about a booking, not asking after it.
    if (DONE.test(s) && !ordered && !ASKS_ONLY.test(bare)) return rateScore(r) !== undefined && !SMALL_TALK.test(r) ? 'rate' : 'small_talk';
    if (MY_BOOKED.test(w) || (MY_BOOKINGS.test(r) && !WANTS_TO_ORDER.test(w))) return 'my_bookings';
    if (PRICE.test(r)) return 'price';
    if (MENU_STRONG.test(r) || (mealContext && WHAT.test(r))) return 'menu';

    // ---- praise or complaint, then telling (not asking)
    const talk = SMALL_TALK.test(r) && !RATED_SUBJECT.test(r);
    const rated = !talk && rateScore(r) !== undefined;
    if (!ASKING.test(r) && rated) return 'rate';
    if (!ordered && (DONE.test(s) || HABIT.test(r))) return 'small_talk';
    if (talk && !ordered) return 'small_talk';
    if (thanked && !ordered && u.quantity === undefined && u.delivery === undefined && !MEAL_SERVICE.test(r)) return 'small_talk';
    // "我女儿今天来给我做饭了": told, about today or before, with nothing asked.
    if (PAST_END.test(r) && !ASKING_VERB.test(r) && (u.date === undefined || u.date <= today) && !isBath && !isVisit) return told();
    // A question that only wants to know is no order ("你们中午吃什么呀" is not "订"; "能帮我订吗" is).
    const asksOnly = (ASKS_ONLY.test(bare) && !POLITE_REQUEST.test(r)) || (INFO_ASK.test(r) && !POLITE_ONLY.test(r));

    // ---- requests, by their evidence
    if ((isBath || isVisit) && !asksOnly) {
      const rest = r.replace(BATH, '').replace(VISIT_KINDS.re, '').replace(SERVICE_FILLER, '');
      if (SERVICE_ASK.test(r) || rest.length <= 2 || ordered) return isBath ? 'book_bath' : 'book_visit';
    }
    if (!asksOnly) {
      if ((isMeal && MEAL_VERB.test(r)) || MEAL_SERVICE.test(r) || (ordered && mealContext)) return 'book_meal';
      // A diet note or a way of eating for a named day or meal is an order ("明天午饭少放盐", "明天中午的饭我自己去拿").
      if ((diet !== undefined || u.delivery !== undefined) && (u.date !== undefined || meal !== undefined || mealNoun)) return 'book_meal';
    }
    if (human) return 'human';
    if (RATE_WORD.test(r) || rated) return 'rate';
    if (greeted) return 'help';
    // A fragment that names a meal, or a day and a meal, and little else ("明天午饭", "午饭两份", "明天，不对，是大后天中午").
    const fragment = r.replace(MEAL_FRAGMENT_FILLER, '').length <= 2;
    if (fragment && !asksOnly && (isMeal || (u.date !== undefined && meal !== undefined))) return 'book_meal';
    if (isMeal || isBath || isVisit || mealContext) return told();
    return 'unknown';
  }
}

/** "一份就行": a portion said, so "就我自己吃，一份就行" is an order, not loneliness. */
const QUANTITY_PORTION = /[一两俩二三四五1-9](?:份|碗|盒)/;
/** "…我想订一份": an order said beside a question about what there is ("今天晚上还有饭吗"). */
const WANTS_TO_ORDER = /(?:想|要|我)订|订_|订(?:个|份|一)/;
/**
 * Words of pain, fear or harm that no danger pattern placed: said in a message nothing else explains, they make an
 * unsure emergency (the bot asks). Not in a statement or small talk, which have their own answers.
 */
const DISTRESS_NET =
  /疼|痛|晕|昏|喘|憋|慌|抖|麻木|肿|血(?!压|糖)|摔|跌|伤|撞|抢|偷|撬|救|急|死|撑不|受不了|难受|不舒服|害怕|危险|出事|不行了|发黑|发紫|发白|发烫|发冷|迷路|走丢|找不到/;
/** A sign said not to be there ("没摔着", "不疼"), or a thing that fell ("把碗摔了"): the safety net does not read it. */
const NEGATED_SIGN =
  /(?:没有|没|不|别|没什么)(?:有|再|怎么)?[疼痛晕昏喘憋慌抖肿血摔跌伤撞]|把?(?:碗|盘子?|杯子?|瓶子?|眼镜|锅|东西|手机)[^|]{0,2}(?:摔|打|碰)/g;
/** "订错了", "说错了", "不是…是…": a correction. */
const CORRECTION = /(?:订|说|搞|弄)错了|不是是/;
/** "没钱订饭了": a no. */
const NO_MONEY = /没钱/;

/** What may stand beside a meal word in a fragment order ("明天的午饭", "午饭吧"). */
const MEAL_FRAGMENT_FILLER = /[饭餐的了吧啊呀个我要份还是就哦嗯]|不对|伙食|盒饭/g;
/** A meal verb that orders even when someone is alone ("就我一个人吃，来一份"). */
const MEAL_VERB_ORDER = /订|来_|要_|送/;
