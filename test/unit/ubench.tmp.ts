import { understand as newU } from '../../server/language/understand';
import { readDanger } from '../../server/language/danger';
import { canonical, withBreaks } from '../../server/language/text';
// eslint-disable-next-line
const oldU = require('/tmp/mulin-base/server/language/understand').understand as typeof newU;
import { NOW } from './bot-corpus.data';
const bench = ['明天中午订一份饭', '不订了', '今天吃什么？', '我订了什么', '帮助', '明天午饭是什么菜。'];
const pre = bench.map((t) => canonical(withBreaks(t)));
function cpu(f: () => void, n: number): number { const t = process.cpuUsage(); for (let i = 0; i < n; i++) f(); const d = process.cpuUsage(t); return (d.user + d.system) / n / bench.length; }
const r: Record<string, number[]> = { old: [], new: [], danger: [] };
for (let k = 0; k < 12; k++) {
  r.old.push(cpu(() => { for (const s of bench) oldU(s, NOW); }, 3000));
  r.new.push(cpu(() => { for (const s of bench) newU(s, NOW); }, 3000));
  r.danger.push(cpu(() => { for (const s of pre) readDanger(s); }, 3000));
}
for (const [k, v] of Object.entries(r)) { v.sort((a, b) => a - b); console.log(k, 'min', v[0].toFixed(2), 'median', v[6].toFixed(2), 'µs CPU per message'); }
