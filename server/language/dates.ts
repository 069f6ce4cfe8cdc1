import { addDays, isoWeekday } from '../lib/time';
import { consume, lexicon } from './lexicon';
import { SMALL_NUM, tokenToNumber } from './numbers';

/**
 * The days seniors name, resolved forward from "today" in Shanghai (a YYYY-MM-DD string):
 * 今天/明天/后天/大后天/昨天 (dialect forms are mapped to these by `canonical`), 今早/明晚,
 * 周三/星期三 (the next such day, today included), 这周五/本周五 (this Monday-to-Sunday week), 下周一, 下下周一,
 * 周末, 3月5号/三月五日/2027年3月5日 (this year, or next year once passed), 5号 (this month, or next once passed),
 * 三天后. Every date phrase found is replaced by `_`; the first one, by the order of the rules below, is the date.
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

/** Finds and consumes date phrases in `w` (a canonical string). */
export function extractDate(w: string, today: string): { w: string; date?: string; meal?: Meal } {
  if (w.length === 0) return { w };
  let date: string | undefined;
  let meal: Meal | undefined;
  const ty = Number(today.slice(0, 4));
  const tm = Number(today.slice(5, 7));
  const td = Number(today.slice(8, 10));

  if (w.includes('月')) {
    w = w.replace(MONTH_DAY, (whole: string, year: string | undefined, mo: string, da: string) => {
      const m = tokenToNumber(mo);
      const d = tokenToNumber(da);
      if (m === undefined || d === undefined) return whole;
      if (year) {
        const exact = ymd(Number(year), m, d);
        if (!exact) return whole;
        date ??= exact;
        return '_';
      }
      let found = ymd(ty, m, d);
      if (found === undefined || found < today) found = ymd(ty + 1, m, d);
      if (!found) return whole;
      date ??= found;
      return '_';
    });
  }
  if (w.includes('号') || w.includes('日')) {
    w = w.replace(DAY_ONLY, (whole: string, da: string) => {
      const d = tokenToNumber(da);
      if (d === undefined || d < 1 || d > 31) return whole;
      let found: string | undefined = d >= td ? ymd(ty, tm, d) : undefined;
      for (let k = 1; !found && k <= 3; k++) {
        const mm = ((tm - 1 + k) % 12) + 1;
        const yy = ty + Math.floor((tm - 1 + k) / 12);
        found = ymd(yy, mm, d);
      }
      date ??= found;
      return '_';
    });
  }
  if (w.includes('周') || w.includes('星期')) {
    w = w.replace(WEEKEND, (_whole: string, modifier: string | undefined) => {
      date ??= weekdayDate(today, 6, modifier);
      return '_';
    });
    w = w.replace(WEEKDAY, (_whole: string, modifier: string | undefined, day: string) => {
      date ??= weekdayDate(today, WEEKDAY_NUM[day], modifier);
      return '_';
    });
  }
  if (w.includes('天')) {
    w = w.replace(DAYS_LATER, (whole: string, n: string) => {
      const k = tokenToNumber(n);
      if (k === undefined || k > 60) return whole;
      date ??= addDays(today, k);
      return '_';
    });
  }
  w = consume(RELATIVE, w, ([offset, m]) => {
    date ??= addDays(today, offset);
    meal ??= m;
  });
  return { w, date, meal };
}
