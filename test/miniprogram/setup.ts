import { startHarness, T0, type Harness } from '../helpers/harness';
import { MiniProgramRuntime } from './runtime';

/** What always stays real: the server's and the pages' I/O, promise jobs and setImmediate (wx callbacks). */
const ALWAYS_REAL = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
] as const;

/** The phone's Date at `now`, faked; its setTimeout too when `timers` (then a test runs the timers itself). */
function phoneClock(now: Date, timers: boolean): void {
  jest.useFakeTimers({ now, doNotFake: timers ? [...ALWAYS_REAL] : [...ALWAYS_REAL, 'setTimeout', 'clearTimeout'] });
}

/**
 * One real Mulin (SQLite, sandbox WeChat) per test file, and the phone's clock set to the harness's fake clock:
 * only Date is faked (timers, I/O and microtasks stay real), so the pages' "today" and cut-off checks agree with
 * the server's.
 */
export function useMiniProgramServer(): {
  h: () => Harness;
  as: (openid: string) => MiniProgramRuntime;
  setTime: (iso: string) => void;
  withPageTimers: <T>(f: () => Promise<T>) => Promise<T>;
} {
  let harness: Harness | undefined;
  let runtimes: MiniProgramRuntime[] = [];
  afterEach(() => {
    runtimes.forEach((r) => r.dispose());
    runtimes = [];
  });
  beforeAll(async () => {
    phoneClock(new Date(T0), false);
    harness = await startHarness('sqlite');
  });
  afterAll(async () => {
    await harness?.close();
    jest.useRealTimers();
  });
  const h = () => {
    if (!harness) throw new Error('harness not started');
    return harness;
  };
  return {
    h,
    as: (openid) => {
      runtimes.forEach((r) => r.dispose()); // one phone at a time: the wx bridge is global
      const rt = new MiniProgramRuntime(h(), openid);
      runtimes = [rt];
      return rt;
    },
    setTime: (iso) => {
      h().clock.set(iso);
      jest.setSystemTime(new Date(iso));
    },
    /**
     * Runs `f` with setTimeout faked as well, for a page that waits on a timer of its own (a retry's back-off):
     * MiniProgramRuntime.waitFor then runs those timers instead of waiting for them. Only for a test whose
     * server side sets no timer of its own (the sandbox's WeChat Pay notifications do).
     */
    withPageTimers: async (f) => {
      phoneClock(new Date(), true);
      try {
        return await f();
      } finally {
        phoneClock(new Date(), false);
      }
    },
  };
}
