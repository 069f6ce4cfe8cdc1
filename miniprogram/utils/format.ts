/** Money and dates the way a Chinese senior reads them. Money is integer fen everywhere until shown. */
export function yuan(fen: number): string {
  const y = fen / 100;
  return `${Number.isInteger(y) ? y : y.toFixed(2)} 元`;
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** The phone's today, in Shanghai (service days are Shanghai dates whatever zone the phone is set to). */
export function todayInShanghai(now = Date.now()): string {
  return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** 2026-12-02 → "12月2日 周三", with 今天/明天/后天 in front when it is one of those. */
export function dayLabel(day: string, today = todayInShanghai()): string {
  const d = new Date(`${day}T00:00:00Z`);
  const base = `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 周${WEEKDAYS[d.getUTCDay()]}`;
  const near = day === today ? '今天' : day === addDays(today, 1) ? '明天' : day === addDays(today, 2) ? '后天' : '';
  return near ? `${near} ${base}` : base;
}

/** An instant as Shanghai wall-clock "12月2日 09:00". */
export function shanghaiDateTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}

export const DELIVERY_LABELS: Record<string, string> = { dine_in: '到站点吃（堂食）', pick_up: '到站点拿回家（自取）', delivery: '送到家里（送餐）' };
