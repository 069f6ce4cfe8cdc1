import { lexicon } from './lexicon';

/**
 * What a message does besides naming things: says no, asks, tells, or says how one feels. Read on the residue (the
 * canonical text with slot phrases taken out: see patterns.ts) unless said otherwise. These decide that "别给我订
 * 了", "午饭几块钱", "中饭刚吃完" and "就我一个人，没人说话" are not orders, whatever meal words they hold.
 */

// ------------------------------------------------------------------------------------------------- "no"

/** The act of booking, negated: "别给我订了", "不订饭", "不需要订饭", "甭订了" — a "no" (a cancellation if a day is named). */
export const NO_BOOKING = /(?:不|别|不用|不要|不必|不需要|不想|没想|用不着|无需)(?:再|先|给我|帮我|给|帮|是要?|要|用)*(?:订|预订|预约|约|报名|报)/;

/**
 * Something booked, called off: "明天的饭别送了", "这周不洗了", "今天不吃食堂的饭", "理发不剪了", "不用来打扫了".
 * (Diet notes like 不要辣 are taken out before this is read; 不要送 with another way named is a way of eating.)
 */
export const CALL_OFF =
  /(?<!还|怎么|到底|[进出回上下起])(?:不|别|甭|不用|不要|不必|不需要|不想|无需)(?:再|都|先|用|要|能|给我|帮我|过去|过来)*(?:吃|送|洗|剪|理|打扫|扫|收拾|来|去|上门|陪|做|留|弄|搞)|(?:不|别)(?:要|用)了|(?:饭|餐|顿|澡|发|的)(?:都|就|也|先)?(?:不要|不用|算了|别要)(?:了|送|订|做|来)?(?=_*$)/;

/** A pause with no cancel word: "饭先停几天", "暂停送餐", "明天开始停一周", "停两天饭". Not 停电, 停水, 停车. */
export const PAUSE = /暂停|先停|停(?!电|水|车|下来|在|止痛)(?:[一两三四五六七八九十几]?(?:天|周|礼拜|星期|个月|阵|段|下)|掉|了|一停|送|订|餐|饭|吧)/;

/** Away from home, said with a day or a meal: "明天不在家", "我住院了，饭先别送", "去女儿家住几天". */
export const AWAY = /不在家|出门(?:几天|了)|回老家|住院|出远门|去旅游|(?:去|到|住)[^|]{0,4}家住/;

// -------------------------------------------------------------------------------------------- questions

/** The price asked: "午饭几块钱", "洗一次澡多少钱", "理发收费吗", "我自己要付多少", "有补贴吗". */
export const PRICE =
  /几块钱?|多少钱|多钱|免费|不要钱|的钱|钱是|自己出|政府出|谁出钱|谁付|饭钱|钱怎么算|怎么算钱|费用|补贴[^|]{0,3}多少|补多少|能补|多少一[份顿次]|一[份顿次][^|]{0,3}多少|收费|收不收钱|要钱|要不要钱|价格|价钱|什么价|是否贵|贵吗|贵不|便宜吗|花多少|付多少|补贴多少|有补贴|补贴吗|补助|加钱|多少块|免费吗/;

/** A question that wants to know, not to book: "几点开饭", "开门吗". */
export const OPEN_HOURS = /(?:几点|什么时候)(?:开门|关门|营业|上班)|开门吗|开不开门?|开门没|营业吗|休息吗/;
export const MEAL_TIME = /几点(?:开饭|吃饭|开餐)|什么时候(?:开饭|开餐)/;

// ------------------------------------------------------------------------------------------- statements

/**
 * Telling what has happened, not asking for anything: "中饭刚吃完", "午饭吃过了", "饭送到了", "刚吃了两碗饭",
 * "今天洗了个澡", "刚从医院回来", "护士今天来过了", "中午在儿子家吃的", "早上喝了碗粥".
 */
export const DONE =
  /刚(?:刚|才)?[^订约要想|]{0,5}(?:吃|喝|洗|理|剪|打扫|回来|走|到|弄|做|送)|(?:吃|喝)(?:过|完|好|饱|光|上)了?|(?:洗|理|剪|打扫|收拾)(?:完|好|过)[^吗么没|]{0,2}了|干净了|已经[^|要想]{0,4}了|已经(?:吃|洗|订|理|回|做)|送(?:来|到|过来)了(?!吗|么|没)|(?:做|烧|煮)(?:好)?(?:饭|菜)了|睡醒|(?:吃|喝)了(?:一|两|半|几|[0-9])?(?:碗|份|口|顿|个|盒|点)|(?:送|到)(?:到)?了(?!吗|么|没)|(?:饭|菜)到了|收到了|来过了|看了病|看过病|回来了|吃的$|吃的(?:是)?(?:稀饭|粥|面|饺子|馄饨|包子|米饭|馒头)|吃了(?:饺子|面|粥|稀饭|馄饨|包子|米饭|红烧肉)|(?:洗|理|剪)了个|做了|热了一下|(?:拿|看|买|吃|洗|理|剪|打|量|换|做|去)了(?:药|病|菜|澡|发|针|血压|头)/;

/** How someone usually does it: "我平时都在食堂吃". */
export const HABIT = /平时|平常|一般都|每天都|天天|经常|向来|一直都/;

/** Doing it oneself: "我自己做饭", "我自己会做饭". */
export const OWN_COOKING = /自己(?:会)?(?:做|烧|煮)/;

/** The weather, the day, family news, the television, thanks: talk, not a request. */
export const SMALL_TALK =
  /天气|天儿|太阳|下[^|]{0,2}[雨雪]|打雷|祝|快乐|恭喜|很精神|刮风|风好大|风大|好冷|真冷|太冷|天冷|是否冷|是否热|好热|天热|降温|升温|暖和|凉快|雾霾|桂花|花开|电视|节目|麻将|公园|散步|遛弯|跳舞|下棋|打牌|转了一圈|生日|过年|过节|新年|中秋|结婚|考上|新衣服|回来看我|精神不错|精神挺好|挺稳|稳定|平稳|恢复|睡眠|胃口|手术|医生说|现在挺好|按时吃|吃着呢|放心|身体(?:挺|还|很|都)?(?:好|行|不错)|不用担心|放心吧|好好的|没(?:什么|啥)事|大的?风|风大|(?:孙子|孙女|儿子|女儿|闺女|外孙|亲戚|老朋友)[^|]{0,3}(?:要来|来了|回来|来看)|睡得|心情|身体还行|腿脚还行|腿脚挺好|日子过得|谢谢|多谢|辛苦|麻烦你们|你们真好|真会说话|晚安|早点睡|吃了吗|吃了没|吃饭了吗|吃过了吗|人好多|没事|按错|点错|不疼了|好多了|已经好了|正常|没有?不舒服/;

/** Putting it off: "理发改天吧", "过两天再说" — a "no" for now. */
export const POSTPONE = /改天|下次再|以后再说|再说吧|过[几两]天再|等等再|回头再|先放放|暂时不/;

/** "别再给我打电话了": a "no", not a request for a call. */
export const NO_CALLS = /(?:别|不要|不用)(?:再)?(?:给我)?打电话/;

/** X不X is a question ("送不送", "辣不辣", "开不开"): read as 是否X so that it is no "no". */
export const A_NOT_A = /(?<!不)([\u4e00-\u9fff])不\1(?!不)/g;

/** Greetings that are small talk: "吃了吗" is how neighbours greet each other, not an order. */
export const GREETING_MEAL = /^(?:你|您|你们)?(?:吃|吃饭|吃过饭?)了(?:吗|没|么|没有)$/;
export const GREETING_SHORT = /^早[啊呀哇]?$/;

// ----------------------------------------------------------------------------------------------- feelings

/** Loneliness, said plainly: never a booking, never a count of portions. Read on the canonical text. */
export const LONELY =
  /没(?:有)?人[^|]{0,5}(?:说话|说句话|说说|陪|聊|管|理|来|看|问|疼|照顾)|没空(?:来)?(?:看|陪|管)我|不来看我|就我自己|我自己一个|老伴(?:走了|去世|不在了|没了)|孤单|孤独|寂寞|冷清|冷冷清清|好闷|闷得慌|憋得慌|空落落|空荡荡|想(?:我的?)?(?:老伴|儿子|女儿|孩子|闺女|孙子|孙女|外孙|家里人|家人)|(?:孩子|儿女|子女|儿子|女儿|闺女)们?(?:都|也)?(?:不|没)(?:来|回|管|打电话|理|在身边)|好久没(?:人)?(?:来|打电话|见|看)|(?:吃饭|日子|过得)[^|]{0,2}没意思|说说话|聊聊天?|陪我聊|陪我说|睡不着|一个人(?:过|住|待|呆|在家|对着|吃饭没|吃饭不|怪|好)|又是一个人|心里头?(?:苦|空|难过)|空空的|难过|伤心|想哭|没人说|闷死|闷坏|无聊死|无聊得很|(?:孩子|儿女|子女|儿子|女儿|闺女)们?[^|]{0,6}(?:才|很少|难得)(?:回来|来|回|打)|(?:说好|答应)[^|]{0,6}(?:没来|又没)|又没来|一个人吃饭|就剩我|剩我一个|只剩我|就我一个老|在外地|不在身边|(?:过年|过节)[^|]{0,3}(?:也)?不回|(?:有空|多)(?:来|过来)看看?我|来看看我吧|陪陪我/;

/** "就我一个人", "我就一个人": loneliness when nothing is asked. */
export const ALONE = /就?我一个人|我就一个人|就我一个|一个人/;

// --------------------------------------------------------------------------------------------- head-counts

/** "我和我家老头子", "我跟儿子": the sender and one more. Consumed before relation words. */
export const HEAD_PAIR =
  /我(?:们)?(?:和|跟|同|与)(?:我家|我的|我)?(?:老伴|老头子?|老太婆|老婆子?|老太太|爱人|老公|老婆|媳妇|儿子|女儿|闺女|孙子|孙女|外孙女?|儿媳妇?|女婿)(?:两个人|俩|两个)?/g;

/** A question that only wants to know (not "能帮我订…吗", which asks for it): never an order by itself. */
export const ASKS_ONLY = /(?:吗|么|呢|没有?|不)$|什么|啥|哪|几[点天号个份块顿]|怎么|多少|多久|多长时间|是不是|有没有|对不对|是否/;
/** A question about how things work ("订饭要提前多久"): information, even beside 订. */
export const INFO_ASK = /多久|多长时间|提前|什么时候|为什么|几天|哪天/;
export const POLITE_ONLY = /能|可以|帮我|给我|帮俺|给俺|还能|行不行|好不好/;
export const POLITE_REQUEST = /能|可以|可不可以|帮我|给我|帮俺|给俺|还能|行不行|好不好|订|约|要(?!多|几)/;

/** Telling what happened, at the end of the message ("我女儿今天来给我做饭了"), with nothing asked. */
export const PAST_END = /了$/;
export const ASKING_VERB = /要|想|能|可以|帮我|订|约|预约|安排/;

/** How many will eat, said as who: "我们俩", "老两口", "我和老伴", "一家三口". Consumed before relation words. */
export const HEADCOUNT = lexicon<number>([
  [
    2,
    '我们俩 我俩 我们两个人 我们两个 我们两口 我们两口子 老两口 两口子 俩口子 夫妻俩 我们夫妻俩 我和老伴 我跟老伴 我和我老伴 我跟我老伴 ' +
      '我和老头子 我跟老头子 我和老太婆 我跟老太婆 我和我爱人 我跟我爱人 我和老头 我跟老头 我们二人 俩人 两人 两个人',
  ],
  [3, '我们仨 我们三个人 我们三个 一家三口 三口人 三个人 我们三口'],
  [4, '一家四口 四口人 四个人 我们四个'],
]);

/** Which kind of small talk, for the answer: thanks, the weather, or anything else. Read on the normalised text. */
export function smallTalkKind(normalized: string): 'thanks' | 'weather' | 'other' {
  if (/谢|辛苦|感谢|麻烦你们/.test(normalized)) return 'thanks';
  if (/雨|雪|冷|热|风|天气|太阳|降温|升温|暖和|凉快/.test(normalized)) return 'weather';
  return 'other';
}

// ----------------------------------------------------------------------------------------------- visitors

const WHEN = '(?:什么时候|哪天|哪一天|几号|几点|星期几|周几|几时)';
const COMES = '(?:是否来|来不来|来吗|来么|来没|会来|要来|还来|来了吗)';
const SEE = '(?:看(?!病|医生|大夫|菜单|电视)|探望|看望|探访|走访)';
const VISITOR = '(?:志愿者|义工|社工|网格员|探访员|探访的人?|看我的人|走访的人?)';

/**
 * Who is coming to see me, and when: "这周谁来看我", "啥时候有人来看我", "志愿者哪天来", "下次探访是哪天",
 * "有没有人来看我". Read on the canonical text, before loneliness ("有没有人来看我" holds 没有人来看), and only
 * when no one of the family is asked after (VISITOR_FAMILY): "没人来看我" is a feeling, not this question.
 */
export const VISITOR_ASK = new RegExp(
  [
    `谁[^|]{0,3}(?:来|过来|上门|去)${SEE}`,
    `${WHEN}[^|]{0,6}(?:来|过来|上门|去)(?:人|我家|家里)?${SEE}`,
    `${WHEN}[^|]{0,2}有人(?:来|过来|上门)(?![^|]{0,2}(?:送|拿|修|打扫|收))`,
    `(?:有没有人|是否有人)[^|]{0,4}(?:来|过来|上门|去)${SEE}`,
    `有人[^|]{0,4}(?:来|过来|上门|去)${SEE}[^|]{0,3}(?:吗|么|没|没有)$`,
    `${VISITOR}[^|]{0,6}(?:${WHEN}|${COMES})`,
    `探访[^|]{0,4}${WHEN}|${WHEN}[^|]{0,4}探访|有探访|有没有探访|探访安排`,
  ].join('|'),
);

/** The family asked after ("儿子什么时候来看我"): the bot does not know their plans, and it is no visit question. */
export const VISITOR_FAMILY = /儿子|女儿|闺女|孩子|孙子|孙女|外孙|儿女|子女|老伴|亲戚|家里人|家人|儿媳|女婿|侄子|侄女/;
