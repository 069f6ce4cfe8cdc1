import pino from 'pino';
import { JOBS, JOB_NAMES } from '../../jobs';
import { ConfigError, loadConfig } from '../../server/config';
import { selectJobs, type Services } from '../../server/container';
import { shanghaiDate, shanghaiTime } from '../../server/lib/time';
import type { TickCoordinator } from '../../server/services/scheduler/job-coordinator';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import type { Job } from '../../server/services/scheduler/job';
import { Scheduler } from '../../server/services/scheduler/scheduler';

const silent = pino({ level: 'silent' });

describe('MULIN_JOBS', () => {
  test('all jobs by default, and with "all"', () => {
    expect(selectJobs(JOBS, loadConfig({}).jobs).map((j) => j.name)).toEqual(JOB_NAMES);
    expect(selectJobs(JOBS, loadConfig({ MULIN_JOBS: ' all ' }).jobs).map((j) => j.name)).toEqual(JOB_NAMES);
  });

  test('"none" for a web-only instance', () => {
    expect(selectJobs(JOBS, loadConfig({ MULIN_JOBS: 'none' }).jobs)).toEqual([]);
  });

  test('a comma list of job names, spaces and repeats forgiven', () => {
    expect(selectJobs(JOBS, loadConfig({ MULIN_JOBS: 'payment-expiry, day-end,payment-expiry' }).jobs).map((j) => j.name)).toEqual([
      'payment-expiry',
      'day-end',
    ]);
  });

  test('an unknown name stops the start at the composition root, naming the variable and the jobs there are', () => {
    const selection = loadConfig({ MULIN_JOBS: 'payment-expiry,nightly-report' }).jobs;
    let err: unknown;
    try {
      selectJobs(JOBS, selection);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).toContain('MULIN_JOBS: unknown job "nightly-report"');
    for (const name of JOB_NAMES) expect(message).toContain(name);
    expect(() => loadConfig({ MULIN_JOBS: ',' })).toThrow(/MULIN_JOBS: no job given/);
  });
});

describe('the jobs and the Scheduler', () => {
  test('each job has a unique name, an explicit Shanghai timezone and a schedule node-cron accepts', async () => {
    expect(new Set(JOB_NAMES).size).toBe(JOBS.length);
    expect(JOB_NAMES).toEqual(
      expect.arrayContaining(['payment-expiry', 'payment-reconcile', 'emergency-escalation', 'day-end', 'job-tick-purge', 'wechat-claim-purge']),
    );
    for (const j of JOBS) expect(j.timezone).toBe('Asia/Shanghai');
    const runner = { run: jest.fn() } as unknown as JobRunner<Services>;
    const scheduler = new Scheduler<Services>({ jobs: JOBS, coordinator: { shouldRun: async () => false }, runner, logger: silent });
    scheduler.start();
    try {
      // Read in Shanghai, whatever the machine's zone: day end at :30 past 21, 22 or 23; reconciliation on the tens.
      const dayEnd = scheduler.nextRun('day-end')!;
      expect(['21:30', '22:30', '23:30']).toContain(shanghaiTime(dayEnd));
      expect(scheduler.nextRun('payment-reconcile')!.getUTCMinutes() % 10).toBe(0);
      expect(shanghaiTime(scheduler.nextRun('job-tick-purge')!)).toBe('04:17');
      expect(shanghaiTime(scheduler.nextRun('wechat-claim-purge')!)).toBe('04:27');
      // The monthly settlement at 02:30 on the 1st.
      const settlement = scheduler.nextRun('monthly-settlement')!;
      expect([shanghaiDate(settlement).slice(8), shanghaiTime(settlement)]).toEqual(['01', '02:30']);
    } finally {
      await scheduler.stop();
    }
    expect(() =>
      new Scheduler<Services>({ jobs: [{ ...JOBS[0], schedule: '61 * * * *' }], coordinator: { shouldRun: async () => true }, runner, logger: silent }).start(),
    ).toThrow();
  });

  test('node-cron hands each tick to the runner only on the instance the coordinator elects', async () => {
    // node-cron 4 arms one setTimeout per task up to its next match and reads new Date(): fake timers drive it.
    jest.useFakeTimers({ now: new Date('2026-12-01T00:30:00.000Z') });
    try {
      const ran: Array<{ job: string; tick: Date }> = [];
      const runner = { run: async (job: Job, tick: Date) => void ran.push({ job: job.name, tick }) } as unknown as JobRunner;
      const asked: string[] = [];
      const coordinator: TickCoordinator = { shouldRun: async (key) => (asked.push(key), key.startsWith('elected:')) };
      const job = (name: string): Job => ({ name, schedule: '* * * * * *', timezone: 'Asia/Shanghai', description: name, run: async () => 0 });
      const scheduler = new Scheduler({ jobs: [job('elected'), job('not-elected')], coordinator, runner, logger: silent });
      scheduler.start();
      // The first timer fires 0.4 s after its slot (a busy event loop): the tick is still the slot it matched.
      jest.setSystemTime(Date.now() + 400);
      await jest.advanceTimersByTimeAsync(2_200);
      await scheduler.stop();

      // Two whole seconds passed: each job was offered both, and only the elected one ran, with the matched slot as
      // its tick and name:slotISO as the coordination key.
      const slots = ['2026-12-01T00:30:01.000Z', '2026-12-01T00:30:02.000Z'];
      expect([...asked].sort()).toEqual([...slots.map((s) => `elected:${s}`), ...slots.map((s) => `not-elected:${s}`)]);
      expect(ran.map((r) => [r.job, r.tick.toISOString()])).toEqual(slots.map((s) => ['elected', s]));

      await jest.advanceTimersByTimeAsync(5_000);
      expect(asked).toHaveLength(4); // stopped means stopped
    } finally {
      jest.useRealTimers();
    }
  });
});
