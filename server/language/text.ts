import { lexicon } from './lexicon';

/**
 * Text clean-up before understanding.
 *
 * `normalize`: keeps Chinese characters, ASCII letters (lower-cased) and digits; folds full-width ASCII; drops
 * punctuation, spaces, emoji and everything else. That is what is logged.
 * `withBreaks`: the same, but every run of punctuation or spaces becomes one `|`, so that the danger lexicon
 * (danger.ts) knows where a clause ends ("没摔倒，就是头晕" is two clauses).
 * `canonical`: the form the rules read: traditional characters, dialect, common typing slips and voice
 * recognition's homophones mapped to one spelling (明儿个→明天, 晌午→中午, 礼拜→星期, 俺→我, 啥→什么, 定饭→订饭,
 * 五饭→午饭, 就命→救命 …). It keeps `|`.
 */
export function normalize(text: string): string {
  return clean(text, false);
}

export function withBreaks(text: string): string {
  return clean(text, true);
}

function clean(text: string, breaks: boolean): string {
  let out = '';
  let gap = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    let ch = '';
    if (c >= 0x30 && c <= 0x39) ch = String.fromCharCode(c);
    else if (c >= 0x61 && c <= 0x7a) ch = String.fromCharCode(c);
    else if (c >= 0x41 && c <= 0x5a) ch = String.fromCharCode(c + 32);
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || c === 0x3007) ch = text[i];
    // anything else (punctuation, spaces, emoji halves, 「」) is dropped, or marks a clause break
    if (ch === '') {
      gap = breaks && out.length > 0;
      continue;
    }
    if (gap) out += '|';
    gap = false;
    out += ch;
  }
  return out;
}

/** "3.5", "3/5", "12-3" (month, day) as said in typed messages; rewritten to 3月5号 before normalising. */
export const DOTTED_DATE =
  /(?<![0-9０-９.．/／-])([0-9０-９]{1,2})\s*[.．/／-]\s*([0-9０-９]{1,2})(?![0-9０-９.．/／%％]|\s*(?:元|块|斤|公里|米|分|岁|点|个|份))/g;
export const DOTTED_HINT = /[0-9０-９]\s*[.．/／-]\s*[0-9０-９]/;

function foldDigit(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n = n * 10 + (c >= 0xff10 ? c - 0xff10 : c - 0x30);
  }
  return n;
}

export function rewriteDottedDates(text: string): string {
  return text.replace(DOTTED_DATE, (whole: string, m: string, d: string) => {
    const month = foldDigit(m);
    const day = foldDigit(d);
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? `${month}月${day}号` : whole;
  });
}

const TRADITIONAL: Readonly<Record<string, string>> = {
  訂: '订',
  飯: '饭',
  預: '预',
  約: '约',
  幫: '帮',
  請: '请',
  謝: '谢',
  個: '个',
  兩: '两',
  號: '号',
  點: '点',
  週: '周',
  禮: '礼',
  這: '这',
  麼: '么',
  們: '们',
  說: '说',
  話: '话',
  護: '护',
  醫: '医',
  診: '诊',
  髮: '发',
  頭: '头',
  掃: '扫',
  衛: '卫',
  評: '评',
  價: '价',
  滿: '满',
  碼: '码',
  綁: '绑',
  屬: '属',
  媽: '妈',
  爺: '爷',
  來: '来',
  裡: '里',
  裏: '里',
  嗎: '吗',
  沒: '没',
  給: '给',
  蔥: '葱',
  鹽: '盐',
  壞: '坏',
  錯: '错',
  問: '问',
  題: '题',
  門: '门',
  務: '务',
  氣: '气',
  樣: '样',
  難: '难',
  聽: '听',
  調: '调',
  見: '见',
  邊: '边',
  讓: '让',
  喫: '吃',
  幾: '几',
  傷: '伤',
  藥: '药',
  換: '换',
  廳: '厅',
  兒: '儿',
  後: '后',
  選: '选',
  對: '对',
  確: '确',
  認: '认',
  間: '间',
  麵: '面',
  湯: '汤',
  軟: '软',
  爛: '烂',
  賬: '账',
  錢: '钱',
  買: '买',
  單: '单',
  愛: '爱',
  無: '无',
  帶: '带',
  電: '电',
  體: '体',
  檢: '检',
  還: '还',
  塊: '块',
  開: '开',
  關: '关',
  聯: '联',
  員: '员',
  長: '长',
  場: '场',
  鐘: '钟',
  歲: '岁',
};
const TRADITIONAL_RE = new RegExp(
  `[${Object.keys(TRADITIONAL)
    .filter((k) => k.length === 1)
    .join('')}]`,
  'g',
);

const CANON = lexicon<string>([
  ['明天', '明儿个 明儿 明个 明日 明朝'],
  ['今天', '今儿个 今儿 今个 今日 今朝'],
  ['后天', '后儿个 后儿 后日'],
  ['昨天', '昨儿个 昨儿 昨日 昨个'],
  ['午饭', '晌午饭 晌饭 中饭 中午饭 响午饭 午晌饭'],
  ['中午', '晌午 响午 晌乎'],
  ['晚饭', '夜饭 夜里饭 晚上饭 黑饭 夜头饭'],
  ['早饭', '早上饭 早起饭 早晨饭'],
  ['星期', '礼拜'],
  ['我', '俺们 俺 咱们 咱 阿拉'],
  // Wu (Hangzhou, Shanghai), and a little Cantonese
  ['不要', '覅 勿要 唔要'],
  ['不用', '唔使'],
  ['不', '弗'],
  ['不舒服', '唔舒服 不适意'],
  ['你', '侬'],
  ['他', '伊 佢'],
  ['谢谢', '唔该晒 唔该'],
  ['下雨', '落雨'],
  ['家里', '屋里 屋头'],
  ['什么', '啥子 啥 么子 甚么 神马'],
  ['怎么', '咋个 咋'],
  ['不用', '甭'],
  ['没有', '木有 冇 莫得 没得'],
  ['点', '点儿'],
  ['哪', '哪儿 哪嘎达'],
  ['这', '这儿'],
  ['那', '那儿'],
  ['份', '份儿'],
  ['老伴', '老伴儿'],
  ['一会', '一会儿'],
  ['洗澡', '洗躁 洗燥 洗早 洗枣'],
  ['助浴', '助欲 注浴'],
  ['订饭', '丁饭 订反 订范'],
  ['取消', '去消 取笑'],
  ['菜单', '彩单 菜丹'],
  ['不舒服', '不素服 不舒坦 不舒福'],
  ['好', '好嘞 好滴 好哒 好咧'],
  // what voice recognition writes for what was said
  ['中午', '中五 钟午'],
  ['洗个澡', '洗个早 洗个枣'],
  ['理发', '理法 里发 礼发'],
  ['陪诊', '陪针 赔诊'],
  ['卫生', '为生'],
  ['救命', '就命 救名 旧命'],
  ['救护车', '就护车 旧护车'],
  ['送到家', '送到加'],
]);

/** 定 typed for 订 ("定饭", "定一份", "预定"), but not in 确定/一定/决定/绑定/定位/定时 … */
const DING = /(?<![确一决肯固规稳指约安设鉴否认坚锁限必说绑选特待敲搞制拟议判测商评核])定(?![位时期点量心价律理义居制做向])/g;

/**
 * 分 typed or heard for 份 (both "fen"): "两分饭", "订一分". Only right before a meal noun or right after 订/要/来 and a
 * number, so "5分" and "打5分" stay a score.
 */
const FEN =
  /(?<=[0-9一二两三四五六七八九十俩仨])分(?=饭|餐|盒饭|早饭|早餐|午饭|午餐|晚饭|晚餐|午|晚|五)|(?<=[订要来定顶][0-9一二两三四五六七八九十俩仨])分(?!钟)/g;

/** 午 heard as 五 and 晚 as 碗 before 饭/餐 ("明天五饭", "碗饭要两份"), but "两碗饭" is two bowls. */
const WU = /(?<![0-9一二三四五六七八九十])五(?=饭|餐)/g;
const WAN = /(?<![0-9一二两三四五六七八九十半几俩仨每大小])碗(?=饭|餐)/g;
/** 顶 heard for 订 before a portion: "顶一份饭". */
const DING_HEARD = /顶(?=[一两俩仨二三四五1-9]份|饭)/g;

/** 伐 ending a Wu question is 吗 ("还好订伐"). */
const FA = /伐$/;

export function canonical(normalized: string): string {
  let s = normalized.replace(TRADITIONAL_RE, (c) => TRADITIONAL[c]);
  if (s.endsWith('伐')) s = s.replace(FA, '吗');
  s = s.replace(WU, '午').replace(WAN, '晚');
  s = s.replace(CANON.re, (w) => CANON.values.get(w) as string);
  s = s.replace(DING, '订').replace(DING_HEARD, '订');
  s = s.replace(FEN, '份');
  return s;
}
