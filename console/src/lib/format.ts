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
