import pino from 'pino';
import { In } from 'typeorm';
import { Account, CentreDayDigest, JobRun, JobTick } from '../../entities';
import { JOBS } from '../../jobs';
import { buildScheduling, buildServices, type Services } from '../../server/container';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import type { Job } from '../../server/services/scheduler/job';
import { accountNamed, JIAXIN, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';
import { startHarness, T0, type Harness } from '../helpers/harness';
import { mysqlAvailable } from '../helpers/mysql-env';

// Production runs several Mulin instances on one MariaDB database, each with the scheduler on. Here three
// independent containers (own connection pools, own coordinators and runners, one database) take the same ticks.

const MINUTE = 60_000;

(mysqlAvailable() ? describe : describe.skip)('scheduled jobs across instances on one MariaDB database', () => {
  let h: Harness;
  const extraDbs: Database[] = [];
  let instances: Array<ReturnType<typeof buildScheduling> & { services: Services; name: string }>;

  beforeAll(async () => {
    h = await startHarness('mariadb');
    const others: Services[] = [];
    for (let i = 0; i < 2; i++) {
      const db = await openDatabase(h.config.database);
      extraDbs.push(db);
      others.push(buildServices({ config: h.config, db, clock: h.clock, logger: pino({ level: 'silent' }), wechat: h.wechat }));
    }
    instances = [h.services, ...others].map((services, i) => ({
      services,
      name: `instance-${i + 1}`,
      ...buildScheduling(services, { instance: `instance-${i + 1}`, jobs: JOBS }),
    }));
  });
  afterAll(async () => {
    for (const db of extraDbs) await db.ds.destroy();
    await h?.close();
  });

  async function runsPerTick(): Promise<Array<{ job: string; tick: string; n: number }>> {
    const rows: Array<{ job: string; tick: Date | string; n: number | string }> = await h.db.ds.query(
      'SELECT job, tick, COUNT(*) AS n FROM job_run WHERE triggeredBy = ? GROUP BY job, tick ORDER BY job, tick',
      ['schedule'],
    );
    return rows.map((r) => ({ job: r.job, tick: new Date(r.tick).toISOString(), n: Number(r.n) }));
  }

  test("three instances offered the same ticks through node-cron's coordinator interface: each job runs once per tick, and sends once", async () => {
    const daughter = await loginWechat(h, 'o_family_01');
    const zhang = await seniorNamed(h, '张桂英');
    const slot = await slotOf(h, JIAXIN, 'lunch', '2026-12-02');
    const unpaid = (await h.http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: zhang.id, slotId: slot.id }).expect(201)).body;
    const own = await accountNamed(h, '张桂英');
    const alert = await h.services.emergencies.raise({ senior: zhang, raisedByAccountId: own.id, channel: 'mp_chat', message: '胸口疼' });
    const tpl = h.config.templates.emergency.mini;
    const heard = (openid: string) =>
      h.sandbox.wxapi.outboxFor(openid).filter((m) => m.templateId === tpl && (m.payload.page as string).endsWith(`id=${alert.alertId}`)).length;

    // Sixteen minute ticks; at each, every instance asks for every job at once, as node-cron's timers would.
    for (let minute = 1; minute <= 16; minute++) {
      const tick = new Date(Date.parse(T0) + minute * MINUTE);
      h.clock.set(tick);
      for (const job of JOBS) {
        const key = `${job.name}:${tick.toISOString()}`;
        await Promise.all(
          instances.map(async (inst) => {
            if (await inst.coordinator.shouldRun(key, 30_000)) await inst.runner.run(job, tick);
          }),
        );
      }
    }

    const perTick = await runsPerTick();
    expect(perTick).toHaveLength(16 * JOBS.length);
    expect(perTick.filter((r) => r.n !== 1)).toEqual([]);
    // Each tick's run was made by the instance that won its coordinator row.
    const ticks = await h.db.manager.find(JobTick);
    expect(ticks).toHaveLength(16 * JOBS.length);
    const runs = await h.db.manager.find(JobRun, { where: { triggeredBy: 'schedule' } });
    const winner = new Map(ticks.map((t) => [t.runKey, t.instance]));
    for (const r of runs) expect(r.instance).toBe(winner.get(`${r.job}:${r.tick.toISOString()}`));
    expect(new Set(runs.map((r) => r.instance)).size).toBeGreaterThan(1); // the work really was shared out

    // And the work was done once: one expiry, two escalations, each message once.
    const processed = (job: string) => runs.filter((r) => r.job === job).reduce((a, r) => a + (r.processed ?? 0), 0);
    expect(processed('payment-expiry')).toBe(1);
    expect((await seen(h, daughter, `/bookings/${unpaid.id}`)).status).toBe('expired');
    expect(processed('emergency-escalation')).toBe(2);
    expect(heard('o_family_01')).toBe(2); // raised + level 1
    expect(heard('o_staff_jiaxin')).toBe(2);
    expect(heard('o_staff_mishixiang')).toBe(1); // level 2
    expect(runs.filter((r) => r.error !== null).map((r) => `${r.job}: ${r.error}`)).toEqual([]);
  });

  test('three real Schedulers (node-cron, distributed) on a per-second schedule: every tick is run by exactly one instance', async () => {
    await h.db.manager.clear(JobRun);
    await h.db.manager.clear(JobTick);
    // The real jobs, due every second instead of every minute. node-cron's timers and dates are faked; the database
    // I/O is real, so after each second the test waits for every instance's coordinator and runner calls to end.
    // setImmediate and nextTick stay real: the drivers and Mulin's batchers need them.
    const everySecond: Job<Services>[] = JOBS.map((j) => ({ ...j, schedule: '* * * * * *' }));
    const pending = new Set<Promise<unknown>>();
    const tracked =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      (...a: A): Promise<R> => {
        const p = fn(...a);
        pending.add(p);
        void p.finally(() => pending.delete(p)).catch(() => undefined);
        return p;
      };
    const settled = async () => {
      do {
        await Promise.allSettled([...pending]);
        await new Promise((resolve) => setImmediate(resolve)); // a won tick's run starts a few promise hops later
      } while (pending.size > 0);
    };
    jest.useFakeTimers({ now: new Date('2026-12-01T02:00:00.000Z'), doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask'] });
    try {
      const schedulers = instances.map((inst) => {
        const { scheduler, coordinator, runner } = buildScheduling(inst.services, { instance: inst.name, jobs: everySecond });
        coordinator.shouldRun = tracked(coordinator.shouldRun.bind(coordinator));
        runner.run = tracked(runner.run.bind(runner));
        return scheduler;
      });
      for (const s of schedulers) s.start();
      for (let second = 0; second < 3; second++) {
        await jest.advanceTimersByTimeAsync(1_000);
        await settled();
      }
      await Promise.all(schedulers.map((s) => s.stop()));
    } finally {
      jest.useRealTimers();
    }

    const perTick = await runsPerTick();
    expect(perTick.filter((r) => r.n !== 1)).toEqual([]);
    const seconds = ['2026-12-01T02:00:01.000Z', '2026-12-01T02:00:02.000Z', '2026-12-01T02:00:03.000Z'];
    expect(perTick.map((r) => `${r.job} ${r.tick} ×${r.n}`).sort()).toEqual(JOBS.flatMap((j) => seconds.map((tick) => `${j.name} ${tick} ×1`)).sort());
    // Every claimed tick was run (no instance won a tick and then dropped it).
    const ticks = await h.db.manager.find(JobTick);
    const runs = await h.db.manager.find(JobRun);
    expect(runs).toHaveLength(ticks.length);
    for (const r of runs) expect(r.tick.getUTCMilliseconds()).toBe(0);
    // Every digest went to its centre's staff once (one message per (centre, day) row), however many instances
    // ran day-end every second.
    const digestTpl = h.config.templates.dayCounts.mini;
    for (const staff of await h.db.manager.find(Account, { where: { username: In(['staff-jiaxin', 'staff-zuojia', 'staff-mishixiang']) } })) {
      const sent = h.sandbox.wxapi.outboxFor(staff.miniOpenid!).filter((m) => m.templateId === digestTpl).length;
      const rows = await h.db.manager.countBy(CentreDayDigest, { centreId: staff.centreId! });
      expect({ staff: staff.username, sent, rows }).toEqual({ staff: staff.username, sent: 1, rows: 1 });
    }
  });
});
