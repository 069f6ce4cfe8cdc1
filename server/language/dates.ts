import { addDays, isoWeekday } from '../lib/time';
import { lexicon } from './lexicon';
import { SMALL_NUM, tokenToNumber } from './numbers';

/**
 * The days seniors name, resolved forward from "today" in Shanghai (a YYYY-MM-DD string):
 * 今天/明天/后天/大后天/昨天 (dialect forms are mapped to these by `canonical`), 今早/明晚,
 * 周三/星期三 (the next such day, today included), 这周五/本周五 (this Monday-to-Sunday week), 下周一, 下下周一,
 * 周末, 3月5号/三月五日/2027年3月5日 (this year, or next year once passed), 5号 (this month, or next once passed),
 * 三天后. Every date phrase found is replaced by `_`; which of several is meant: see `extractDate`.
 */

type Meal = 'breakfast' | 'lunch' | 'dinner';

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function ymd(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

const MONTH_DAY = new RegExp(`(?:([0-9]{4})年)?(${SMALL_NUM})月(${SMALL_NUM})(?:号|日)?`, 'g');
const DAY_ONLY = new RegExp(`(?<![第选0-9月一二三四五六七八九十])(${SMALL_NUM})(?:号|日)(?!楼|床|线|窗|门|房|机|座|桌|车|站|位|病房)`, 'g');
const WEEKEND = /(下下个|下下|下个|下|这个|这|本)?周末/g;
const WEEKDAY = /(下下个|下下|下个|下|这个|这|本|上个|上)?(?:周|星期)([一二三四五六日天七1-7])/g;
const DAYS_LATER = new RegExp(`(${SMALL_NUM})天(?:以后|之后|后)`, 'g');

const RELATIVE = lexicon<readonly [number, Meal | undefined]>([
  [[0, undefined], '今天 当天'],
  [[1, undefined], '明天'],
  [[2, undefined], '后天'],
  [[3, undefined], '大后天'],
  [[-1, undefined], '昨天'],
  [[-2, undefined], '前天'],
  [[0, 'breakfast'], '今早 今早上 今晨 今天一早'],
  [[0, 'lunch'], '今中午'],
  [[0, 'dinner'], '今晚 今晚上 今夜'],
  [[1, 'breakfast'], '明早 明早上 明晨 明天一早'],
  [[1, 'lunch'], '明中午'],
  [[1, 'dinner'], '明晚 明晚上'],
  [[-1, 'dinner'], '昨晚 昨晚上'],
]);

const WEEKDAY_NUM: Readonly<Record<string, number>> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
  七: 7,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 7,
};

function weekdayDate(today: string, weekday: number, modifier: string | undefined): string {
  const wd = isoWeekday(today);
  switch (modifier) {
    case undefined:
      return addDays(today, (weekday - wd + 7) % 7);
    case '这':
    case '这个':
    case '本':
      return addDays(today, weekday - wd);
    case '上':
    case '上个':
      return addDays(today, weekday - wd - 7);
    case '下下':
    case '下下个':
      return addDays(today, weekday - wd + 14);
    default: // 下, 下个
      return addDays(today, weekday - wd + 7);
  }
}

/** Between two days named, what makes them a range or a list ("下周一到周三", "周六周日"): the first is meant. */
const RANGE_BETWEEN = /^(?:的)?(?:到|至|一直到|和|跟|与|及|以及|或者?|都|也)?$/;
/** Placeholder for a day found (〓, which normalising never lets through), as long as its phrase, so that positions keep their meaning. */
const MARK = '\u3013';
const MARKS = /\u3013+/g;

interface Found {
  index: number;
  end: number;
  date: string;
  meal?: Meal;
}

/**
 * Finds and consumes date phrases in `w` (a canonical string). Of two days named, the later one in the message is
 * meant ("明天，不对，后天", "周三还是周四吧，周四", "明天的饭改到后天"), unless they are a range or a list
 * ("下周一到周三", "周六周日"): then the first.
 */
export function extractDate(w: string, today: string): { w: string; date?: string; meal?: Meal } {
  if (w.length === 0) return { w };
  const found: Found[] = [];
  const mark = (whole: string, index: number, date: string, meal?: Meal): string => {
    found.push({ index, end: index + whole.length, date, meal });
    return MARK.repeat(whole.length);
  };
  const ty = Number(today.slice(0, 4));
  const tm = Number(today.slice(5, 7));
  const td = Number(today.slice(8, 10));

  if (w.includes('月')) {
    w = w.replace(MONTH_DAY, (whole: string, year: string | undefined, mo: string, da: string, index: number) => {
      const m = tokenToNumber(mo);
      const d = tokenToNumber(da);
      if (m === undefined || d === undefined) return whole;
      if (year) {
        const exact = ymd(Number(year), m, d);
        return exact ? mark(whole, index, exact) : whole;
      }
      let at = ymd(ty, m, d);
      if (at === undefined || at < today) at = ymd(ty + 1, m, d);
      return at ? mark(whole, index, at) : whole;
    });
  }
  if (w.includes('号') || w.includes('日')) {
    w = w.replace(DAY_ONLY, (whole: string, da: string, index: number) => {
      const d = tokenToNumber(da);
      if (d === undefined || d < 1 || d > 31) return whole;
      let at: string | undefined = d >= td ? ymd(ty, tm, d) : undefined;
      for (let k = 1; !at && k <= 3; k++) {
        const mm = ((tm - 1 + k) % 12) + 1;
        const yy = ty + Math.floor((tm - 1 + k) / 12);
        at = ymd(yy, mm, d);
      }
      return at ? mark(whole, index, at) : MARK.repeat(whole.length);
    });
  }
  if (w.includes('周') || w.includes('星期')) {
    w = w.replace(WEEKEND, (whole: string, modifier: string | undefined, index: number) => mark(whole, index, weekdayDate(today, 6, modifier)));
    w = w.replace(WEEKDAY, (whole: string, modifier: string | undefined, day: string, index: number) =>
      mark(whole, index, weekdayDate(today, WEEKDAY_NUM[day], modifier)),
    );
  }
  if (w.includes('天')) {
    w = w.replace(DAYS_LATER, (whole: string, n: string, index: number) => {
      const k = tokenToNumber(n);
      return k === undefined || k > 60 ? whole : mark(whole, index, addDays(today, k));
    });
  }
  RELATIVE.re.lastIndex = 0;
  w = w.replace(RELATIVE.re, (whole: string, index: number) => {
    const [offset, m] = RELATIVE.values.get(whole)!;
    return mark(whole, index, addDays(today, offset), m);
  });
  if (found.length === 0) return { w };
  found.sort((a, b) => a.index - b.index);
  const first = found[0];
  const last = found[found.length - 1];
  const between = w.slice(first.end, last.index).replace(MARKS, '');
  const meant = found.length === 1 || RANGE_BETWEEN.test(between) ? first : last;
  return { w: w.replace(MARKS, '_'), date: meant.date, meal: meant.meal ?? found.find((f) => f.meal)?.meal };
}
