import { ConfigError, loadConfig, applyDotEnv } from '../../server/config';
import { addDays, ageOn, isDateString, isoWeekday, monthRange, shanghaiDate, shanghaiInstant, shanghaiTime } from '../../server/lib/time';
import { maskPhone, maskName } from '../../server/lib/mask';
import { walkingMetres, walkingMinutes } from '../../server/lib/geo';

describe('Shanghai time', () => {
  test('an instant late in the UTC evening is already the next day in Shanghai', () => {
    const i = new Date('2026-11-30T16:30:00Z');
    expect(shanghaiDate(i)).toBe('2026-12-01');
    expect(shanghaiTime(i)).toBe('00:30');
    expect(shanghaiInstant('2026-12-01', '11:00').toISOString()).toBe('2026-12-01T03:00:00.000Z');
  });
  test('calendar helpers', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(monthRange('2026-02-14')).toEqual({ first: '2026-02-01', last: '2026-02-28' });
    expect(isoWeekday('2026-12-01')).toBe(2);
    expect(isoWeekday('2026-12-06')).toBe(7);
    expect(ageOn('1946-12-02', '2026-12-01')).toBe(79);
    expect(ageOn('1946-12-01', '2026-12-01')).toBe(80);
    expect(isDateString('2026-02-29')).toBe(false);
    expect(isDateString('2028-02-29')).toBe(true);
  });
});

describe('configuration', () => {
  test('defaults: port 3000, embedded SQLite under data/, sandbox mode', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, sandbox: true, database: { kind: 'sqlite', file: 'data/mulin.sqlite' } });
    expect(c.wechat.apiBase).toBe('https://api.weixin.qq.com');
  });
  test('DATABASE_URL selects MariaDB/MySQL for mysql:// and mariadb://', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/mulin' }).database).toEqual({
      kind: 'mariadb',
      url: 'mysql://u:p@db:3306/mulin',
      lockWaitSeconds: 5,
    });
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/mulin', MULIN_DB_LOCK_WAIT_S: '2' }).database).toMatchObject({ lockWaitSeconds: 2 });
    expect(loadConfig({ DATABASE_URL: 'mariadb://u@db/mulin' }).database.kind).toBe('mariadb');
  });
  test('a wrong value stops the start with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y' })).toThrow(/DATABASE_URL: must look like mysql:\/\//);
    expect(() => loadConfig({ WECHAT_MP_AES_KEY: 'short' })).toThrow(/WECHAT_MP_AES_KEY/);
    expect(() => loadConfig({ WXPAY_APIV3_KEY: 'too-short' })).toThrow(/WXPAY_APIV3_KEY: must be exactly 32 bytes/);
  });
  test('half a set of real credentials is refused, naming what is missing; sandbox cannot be on with real ones', () => {
    try {
      loadConfig({ WXPAY_MCHID: '1900000001' });
      throw new Error('should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const v of [
        'WXPAY_SERIAL_NO',
        'WXPAY_PRIVATE_KEY_PATH',
        'WXPAY_APIV3_KEY',
        'WXPAY_PUBLIC_KEY_PATH',
        'WXPAY_PUBLIC_KEY_ID',
        'PUBLIC_BASE_URL',
        'MULIN_ID_HASH_KEY',
      ]) {
        expect(problems).toContain(v);
      }
    }
    const real = loadConfig({
      WECHAT_MINI_APPID: 'wx1234',
      WECHAT_MINI_SECRET: 's',
      PUBLIC_BASE_URL: 'https://mulin.example.cn',
      MULIN_ID_HASH_KEY: 'k'.repeat(32),
    });
    expect(real.sandbox).toBe(false);
  });
  test('.env never overrides the real environment', () => {
    const env: Record<string, string | undefined> = { PORT: '4000' };
    applyDotEnv('# comment\nPORT=5000\nexport LOG_LEVEL="debug"\n', env);
    expect(env).toEqual({ PORT: '4000', LOG_LEVEL: 'debug' });
  });
});

describe('masking and walking', () => {
  test('phones and names are masked for people who need not see them', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone(null)).toBeNull();
    expect(maskName('张桂英')).toBe('张*英');
    expect(maskName('王芳')).toBe('王*');
  });
  test('walking minutes at a senior pace', () => {
    const m = walkingMetres(30.2932, 120.1651, 30.2948, 120.1676);
    expect(m).toBeGreaterThan(300);
    expect(m).toBeLessThan(450);
    expect(walkingMinutes(600)).toBe(10);
    expect(walkingMinutes(601)).toBe(11);
  });
});
