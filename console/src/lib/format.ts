/** Money is integer fen on the wire; people read yuan with two decimals. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return `¥${(fen / 100).toFixed(2)}`;
}

const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** Today in Shanghai, 'YYYY-MM-DD' (what the API calls a day). */
export function shanghaiToday(now = new Date()): string {
  return dayFmt.format(now);
}
export function shanghaiMonth(now = new Date()): string {
  return shanghaiToday(now).slice(0, 7);
}
/** An instant as staff read it: 12/01 08:30, Shanghai time. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return timeFmt.format(new Date(iso));
}

/** A 'YYYY-MM-DD' day moved by n days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** The Monday of the week a day is in (weeks run Monday to Sunday). */
export function mondayOf(day: string): string {
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((wd + 6) % 7));
}
/** 'YYYY-MM' moved by n months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
/** The last day of a 'YYYY-MM' month. */
export function monthEnd(month: string): string {
  return addDays(`${addMonths(month, 1)}-01`, -1);
}
/** Yuan as typed into a form (12.5) to integer fen (1250). */
export function toFen(yuanAmount: number | null | undefined): number {
  return Math.round((yuanAmount ?? 0) * 100);
}
/** A date picker's Date (local midnight) as 'YYYY-MM-DD'. */
export function pickerDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
