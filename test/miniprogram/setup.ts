import { startHarness, T0, type Harness } from '../helpers/harness';
import { MiniProgramRuntime } from './runtime';

/**
 * One real Mulin (SQLite, sandbox WeChat) per test file, and the phone's clock set to the harness's fake clock:
 * only Date is faked (timers, I/O and microtasks stay real), so the pages' "today" and cut-off checks agree with
 * the server's.
 */
export function useMiniProgramServer(): { h: () => Harness; as: (openid: string) => MiniProgramRuntime; setTime: (iso: string) => void } {
  let harness: Harness | undefined;
  let runtimes: MiniProgramRuntime[] = [];
  afterEach(() => {
    runtimes.forEach((r) => r.dispose());
    runtimes = [];
  });
  beforeAll(async () => {
    jest.useFakeTimers({
      now: new Date(T0),
      doNotFake: [
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
        'setTimeout',
        'clearTimeout',
      ],
    });
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
  };
}
