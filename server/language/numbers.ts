/** Number words as people type or say them: Arabic (half- or full-width) and Chinese, with 两/俩/仨/幺. */

const CN_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  幺: 1,
  二: 2,
  两: 2,
  俩: 2,
  三: 3,
  仨: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

const NUMBER_RUN = /[0-9０-９]+|[零〇一幺二两俩三仨四五六七八九十百千]+/;
const FULL_WIDTH_DIGITS = /[０-９]/g;

/** A run of Chinese numerals: positional ("二十一", "一百零五") or read digit by digit ("一二三四五六"). */
export function chineseToNumber(run: string): number | undefined {
  let hasUnit = false;
  for (const ch of run) if (ch in CN_UNITS) hasUnit = true;
  if (!hasUnit) {
    let n = 0;
    for (const ch of run) {
      const d = CN_DIGITS[ch];
      if (d === undefined) return undefined;
      n = n * 10 + d;
    }
    return n;
  }
  let total = 0;
  let current = 0;
  let seenDigit = false;
  for (const ch of run) {
    const unit = CN_UNITS[ch];
    if (unit !== undefined) {
      total += (seenDigit ? current : 1) * unit;
      current = 0;
      seenDigit = false;
    } else {
      const d = CN_DIGITS[ch];
      if (d === undefined) return undefined;
      current = d;
      seenDigit = true;
    }
  }
  return total + current;
}

/** A number token matched by the NUM patterns below (digits or Chinese). */
export function tokenToNumber(token: string): number | undefined {
  if (token.length === 0) return undefined;
  const c = token.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return Number.parseInt(token, 10);
  return chineseToNumber(token);
}

/**
 * Chinese or Arabic number words to a number: '一'→1, '两'→2, '俩'→2, '十二'→12, '第三个'→3, '２'→2, '头一个'→1;
 * undefined if there is none. The first number in the text counts.
 */
export function parseNumber(text: string): number | undefined {
  const m = NUMBER_RUN.exec(text);
  if (!m) return undefined;
  const token = m[0];
  const c = token.charCodeAt(0);
  if ((c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19)) {
    return Number.parseInt(
      token.replace(FULL_WIDTH_DIGITS, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)),
      10,
    );
  }
  return chineseToNumber(token);
}

/** Regex source for a small number (1–2 digits or up to three Chinese numerals). */
export const SMALL_NUM = '[0-9]{1,2}|[一二两三四五六七八九十]{1,3}';
