/**
 * npm run bench:bot — signed text messages through /wechat on MariaDB, against a bare Koa app answering the same
 * posts, in one run.
 *
 * The real server (server/main.ts, sandbox mode) runs in a child process on a fresh MariaDB database, with SENDERS
 * bound seniors. Each sender goes through a conversation, one message at a time, in a mix of what seniors send:
 * book lunch (an offer with the engine's quote, saved as pending), say no, ask today's menu, list bookings, ask for
 * help, send a location, and a voice message. Every message is signed as WeChat signs it, carries its own MsgId, and
 * must come back 200 with a text reply that is not the bot's "sorry". The baseline (test/bench/koa-hello.ts) reads
 * the same XML body and answers a fixed text reply.
 *
 * BENCH_INSTANCES=2 runs two server instances (and two baselines) on one database, the load client spreading its
 * connections over them as a load balancer would (DESIGN.md, Scale-out).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { plainSignature } from '../../server/lib/wechat-message-crypto';
import type { SandboxCredentials } from '../../server/wechat-settings';
import { BOT_TEXTS } from '../../server/words/texts';
import {
  cpuPerUnit,
  drive,
  freshDatabase,
  INSTANCES,
  mariadbPid,
  insertSeniors,
  LoadClient,
  OPEN_LOOP_SOCKETS,
  pace,
  pacedRates,
  percentile,
  startArgs,
  startFleet,
  waitForServer,
  type Fleet,
  type RunResult,
} from './lib';

const DB = 'mulin_bench_bot';
const PORT = Number(process.env.BENCH_PORT ?? 3927);
const HELLO_PORT = PORT + 50;
const DATA_DIR = '/tmp/mulin-bench-bot';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const SENDERS = Math.max(CONCURRENCY * 2, Number(process.env.BENCH_SENDERS ?? 1000));
/** Open-loop phases after the closed-loop one: messages pushed at these rates for 4 s each (BENCH_PACED=4000,4500,5000). */
const PACED_RATES = pacedRates('4000,4500,5000');

type Message = { text: string } | { voice: string } | { lat: number; lng: number };
/** One conversation step per message; sender s's k-th message is MIX[(s + k) % MIX.length]. */
const ALL: Array<{ label: string; message: Message }> = [
  { label: 'book lunch (offer)', message: { text: '明天中午订一份饭' } },
  { label: 'no', message: { text: '不订了' } },
  { label: 'menu', message: { text: '今天吃什么？' } },
  { label: 'my bookings', message: { text: '我订了什么' } },
  { label: 'help', message: { text: '帮助' } },
  { label: 'location', message: { lat: 30.2935, lng: 120.1655 } },
  { label: 'voice', message: { voice: '明天午饭是什么菜。' } },
];

/** BENCH_ONLY=help,menu measures only those steps (to see what each costs). */
const ONLY = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const MIX = ONLY ? ALL.filter((m) => ONLY.includes(m.label)) : ALL;

type Outcome = 'ok' | 'sorry' | 'bad';
const OUTCOMES = ['ok', 'sorry', 'bad'] as const;

function xml(openid: string, m: Message, createTime: number, msgId: string): string {
  const head = `<xml><ToUserName><![CDATA[gh_mulin_sandbox]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${createTime}</CreateTime>`;
  if ('text' in m) return `${head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${m.text}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  if ('voice' in m)
    return `${head}<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m${msgId}]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[${m.voice}]]></Recognition><MsgId>${msgId}</MsgId></xml>`;
  return `${head}<MsgType><![CDATA[location]]></MsgType><Location_X>${m.lat}</Location_X><Location_Y>${m.lng}</Location_Y><Scale>15</Scale><Label><![CDATA[建国北路]]></Label><MsgId>${msgId}</MsgId></xml>`;
}

async function main(): Promise<void> {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  const url = await freshDatabase(DB);
  // The baseline runs as many instances as the bot, so that the ratio compares like with like.
  const helloPorts = Array.from({ length: INSTANCES }, (_, k) => HELLO_PORT + k);
  const hellos = helloPorts.map((port) =>
    spawn(process.execPath, startArgs('test/bench/koa-hello.ts'), {
      env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  let server: Fleet | undefined;
  try {
    const starting = startFleet(url, PORT, DATA_DIR);
    await Promise.all([starting, ...hellos.map((h, k) => waitForServer(h, helloPorts[k]))]);
    server = await starting;
    const { ports } = server;
    const creds = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'sandbox', 'credentials.json'), 'utf-8')) as SandboxCredentials;
    const pool = createPool({ uri: url, connectionLimit: 4, timezone: 'Z' });
    await insertSeniors(pool, SENDERS, new Date(), 'o_bench_');
    const questions = async () => Number((await pool.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'"))[0][0].Value);

    const msgBase = BigInt(`0x${randomBytes(6).toString('hex')}`) * 1000000n;
    const sender = (i: number) => i % SENDERS;
    const step = (i: number) => MIX[(sender(i) + Math.floor(i / SENDERS)) % MIX.length];
    const signed = (i: number) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(100000 + i);
      const body = xml(`o_bench_${sender(i)}`, step(i).message, Number(timestamp), String(msgBase + BigInt(i)));
      return { query: `signature=${plainSignature(creds.mp.token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}`, body };
    };
    const headers = { 'content-type': 'text/xml' };
    const content = (x: string) => /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(x)?.[1];

    let failures = 0;
    /** `requests` messages, numbered from `first` (the numbers pick sender, step and MsgId). */
    /** Closed loop at CONCURRENCY, or with `perSecond` an open loop at that rate (see `pace`). */
    const run = async (ports: number[], target: string, check: boolean, requests = REQUESTS, first = 0, perSecond?: number): Promise<RunResult<Outcome>> => {
      const client = new LoadClient(ports, perSecond ? OPEN_LOOP_SOCKETS : CONCURRENCY);
      if (perSecond) await client.open(Math.min(OPEN_LOOP_SOCKETS, Math.ceil(perSecond / 20))); // what 50 ms of messages hold
      const loop = (job: (j: number) => Promise<Outcome>) =>
        perSecond ? pace(requests, perSecond, OUTCOMES, job) : drive(requests, CONCURRENCY, OUTCOMES, job);
      try {
        return await loop(async (j) => {
          const { query, body } = signed(first + j);
          const res = await client.post(`${target}?${query}`, body, headers);
          const text = content(res.body);
          if (res.status !== 200 || !text) {
            if (failures++ < 3) console.error(`  !! ${res.status} ${res.body.slice(0, 200)}`);
            return 'bad';
          }
          return check && text === BOT_TEXTS.sorry ? 'sorry' : 'ok';
        });
      } finally {
        client.close();
      }
    };
    // A warm-up of each, so that neither side is measured while its code is still being compiled.
    // The bot's warm-up goes through the same conversations with message ids of its own (they must not be taken for
    // retries of the measured ones).
    const warm = Math.min(5000, REQUESTS);
    await run(helloPorts, '/wechat', false, warm);
    await run(ports, '/wechat', true, warm, REQUESTS);
    const bare = await run(helloPorts, '/wechat', false);
    const before = await questions();
    const pids = { [INSTANCES > 1 ? `${INSTANCES} servers` : 'server']: server.pids, MariaDB: mariadbPid(), 'this client': process.pid };
    const { result: bot, perUnit: cpu } = await cpuPerUnit(pids, REQUESTS, () => run(ports, '/wechat', true));
    const statements = ((await questions()) - before - 1) / REQUESTS;
    // Then WeChat's way: messages pushed at fixed rates, each answered while more keep coming.
    const paced = [];
    for (const perSecond of PACED_RATES)
      paced.push({ perSecond, r: await run(ports, '/wechat', true, Math.min(REQUESTS, perSecond * 4), REQUESTS + warm + paced.length * REQUESTS, perSecond) });
    await pool.end();

    const fmt = (r: RunResult<Outcome>) =>
      `${r.rate.toFixed(0).padStart(6)} /s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   ok ${r.counts.ok}, sorry ${r.counts.sorry}, failed ${r.counts.bad}`;
    console.log(
      `\nbot benchmark: ${REQUESTS} signed messages, ${CONCURRENCY} concurrent, ${SENDERS} bound seniors, MariaDB, ${INSTANCES} server instance${INSTANCES > 1 ? 's' : ''}`,
    );
    console.log(`  mix               ${MIX.map((m) => m.label).join(', ')}`);
    console.log(`  bare Koa hello    ${fmt(bare)}`);
    console.log(`  /wechat bot       ${fmt(bot)}`);
    for (const m of MIX) {
      const mine = bot.latencies.filter((_, j) => step(j) === m).sort((a, b) => a - b);
      console.log(`    ${m.label.padEnd(20)} p50 ${percentile(mine, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(mine, 99).toFixed(1).padStart(6)} ms`);
    }
    for (const { perSecond, r } of paced) console.log(`  paced ${String(perSecond).padStart(5)} /s    ${fmt(r)}`);
    console.log(`  SQL statements    ${statements.toFixed(2)} per message`);
    console.log(
      `  CPU per message   ${Object.entries(cpu)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(`  ratio bot / bare  ${(bot.rate / bare.rate).toFixed(2)}`);
    console.log(`  rate /wechat      ${bot.rate.toFixed(0)} /s   (target ≥ 5,000 /s)`);
    console.log(`  p99 /wechat       ${bot.p99.toFixed(1)} ms   (target < 50 ms; WeChat allows 5 s)`);
    // The target read as WeChat pushes: 5,000 messages a second, each answered within 50 ms at the 99th percentile.
    const at5000 = paced.find((p) => p.perSecond === 5000);
    if (at5000)
      console.log(`  pushed 5,000 /s   answered ${at5000.r.rate.toFixed(0)} /s, p99 ${at5000.r.p99.toFixed(1)} ms   (target: all of them, p99 < 50 ms)`);
    process.exitCode = bot.counts.ok === REQUESTS && paced.every(({ r }) => r.counts.ok === r.latencies.length) ? 0 : 1;
  } finally {
    server?.stop();
    for (const h of hellos) h.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
