import { ERRORS } from '../../server/errors';
import { BOT, centreShortName, personName } from '../../server/words/bot';

/**
 * Every reply in server/words/bot.ts, filled in with realistic (long) values, held to the wording rules for
 * someone of 85: at most three short lines, no jargon word, and a last line that says what to say or do next.
 * A new entry without sample values here fails the test, so nothing the bot says escapes it.
 */

/** Lines as wide as a phone shows in large type: a Chinese character counts 1, a digit, letter or space ½. */
const MAX_WIDTH = 28;
const MAX_LINES = 3;
/** What a senior must never read (the plain words are 洗澡, 上门, 在食堂吃, "给家人的数字"). */
const JARGON = ['助浴', '上门服务', '堂食', '公众号', '小程序', '家属绑定码', '绑定码', '核销', '时段', '预约码'];
/** The last line says what to do: reply (回), say (说), call (打), send (发), tap (点), wait (等), find, ask, scan … */
const NEXT_STEP = /回|说|打|发|点|等|找|问|请|扫|别|躺|坐下|出门|锁好|开窗|按|喊/;

const LINK = 'https://mulin.example.cn/pay/jsapi?t=eyJhbGciOiJIUzI1NiJ9.eyJiIjoxMjN9.c2lnbmF0dXJl';
const CENTRE = centreShortName('嘉新社区居家养老服务照料中心');

/** Sample arguments for each function entry (long real values: the longest names and lists the bot builds). */
const SAMPLES: Record<string, unknown[][]> = {
  welcomeBound: [['欧阳秀英']],
  boundSenior: [['欧阳秀英']],
  alreadyBound: [['欧阳秀英']],
  boundToOther: [['欧阳秀英']],
  linkedFamily: [['欧阳秀英']],
  alreadyLinked: [['欧阳秀英']],
  whichSenior: [[['张桂英', '李建国', '欧阳秀英', '周玉兰']]],
  noSeniorMatch: [['王秀兰']],
  offer: [
    ['欧阳秀英', '明天 12月2日', '11:00 午饭 2 份', '按上次送到家', '30 元，补贴 6 元，您付 24 元，备注少盐'],
    [null, '12月5日 周六', '09:00 洗澡', null, '25 元，补贴 20 元，您付 5 元'],
  ],
  asLastTime: [['pick_up'], ['dine_in']],
  priceLine: [
    [3000, 600, 2400, '软一点，少盐'],
    [1500, 0, 1500, ''],
  ],
  askMode: [
    ['欧阳秀英', '明天 12月2日', 'lunch', ['delivery', 'pick_up', 'dine_in'], null],
    [null, '明天 12月2日', 'dinner', ['pick_up', 'dine_in'], 'delivery'],
  ],
  noMealSlot: [
    ['12月5日 周六', '午饭'],
    [null, '晚饭'],
  ],
  slotList: [
    ['欧阳秀英', '陪看病', ['明天 08:30', '后天 13:30', '12月5日 08:30']],
    [null, '洗澡', ['今天 09:00', '明天 09:45']],
  ],
  noServiceSlot: [['上门护理']],
  booked: [
    ['欧阳秀英', '明天 12月2日', '11:00 午饭 2 份', '738205'],
    [null, '12月5日 周六', '13:30 陪看病', '738205'],
  ],
  bookedNeedsConfirm: [['欧阳秀英', '明天 12月2日', '11:00 午饭 2 份']],
  notBookedUntilPaid: [
    ['欧阳秀英', '明天 12月2日', '11:00 午饭 2 份', 2400, '明天上午10点半', LINK],
    [null, '12月5日 周六', '09:00 洗澡', 500, '12月4日下午4点45分', LINK],
  ],
  notBookedAskFamily: [['欧阳秀英', '明天 12月2日', '11:00 午饭 2 份', 2400, '明天上午10点半']],
  bookedPayAtCounter: [
    ['欧阳秀英', '明天 12月2日', '11:00 午饭 2 份', 2400, '738205'],
    [null, '明天 12月2日', '11:00 午饭', 1200, null],
  ],
  payBy: [['明天', '10:30']],
  bookFailed: [['这个时间已经订满了'], ['已经过了订饭的截止时间']],
  pickNumber: [[4]],
  price: [
    ['明天', '午饭', 1500, 300, 1200],
    ['', '洗澡', 2500, 0, 2500],
  ],
  familyAsked: [[['女儿', '儿子', '儿媳']]],
  menuOf: [[['明天午饭：红烧狮子头、清蒸鲈鱼、番茄炒蛋、肉末豆腐', '明天晚饭：油焖茄子、清炒小青菜、冬瓜排骨汤'], '订明天午饭']],
  noMenu: [['12月5日 周六']],
  myBookings: [
    [['明天 11:00 午饭 2 份，待付款', '后天 09:00 洗澡，已确认'], 3],
    [['明天 11:00 午饭 1 份，已确认'], 0],
  ],
  cancelWhich: [[['明天 11:00 午饭', '明天 17:00 晚饭', '后天 09:00 洗澡']]],
  cancelConfirm: [['明天 12月2日 11:00 午饭 2 份']],
  cancelled: [
    ['明天 12月2日 11:00 午饭 2 份', 2400],
    ['12月5日 周六 13:30 陪看病', 0],
  ],
  cancelFailed: [
    ['已经过了取消的截止时间', '0571-85802345'],
    ['已经过了取消的截止时间', ''],
  ],
  nearby: [
    [CENTRE, 3, '08:00-17:00', '0571-85802345', true],
    ['左家新村睦邻点', 14, '08:00-17:00', '0571-85802345', false],
  ],
  emergency: (['fall', 'medical', 'fire', 'gas', 'intruder', 'despair', 'missing', 'trapped'] as const).map((care) => [
    care,
    ['女儿', '儿子'],
    CENTRE,
    '0571-85802345',
  ]),
  emergencyForOther: [['欧阳秀英', ['儿子'], CENTRE, '0571-85802345']],
  askEmergency: [[CENTRE]],
  emergencyUnanswered: [[['女儿', '儿子'], CENTRE, '0571-85802345']],
  emergencyAlreadyTold: [[CENTRE]],
  familyCode: [['738205']],
  rated: [[5], [2]],
  toStaff: [
    [CENTRE, '0571-85802345'],
    ['左家新村睦邻点', ''],
  ],
  toStaffSent: [[`${CENTRE}的王芳`]],
  staffSays: [
    [CENTRE, '王芳', '张阿姨，我下午三点过来看您。', true],
    [CENTRE, '王芳', '好的，您别急，我马上打给您。', false],
  ],
  lonely: [[CENTRE]],
  visitorsComing: [
    [
      '欧阳秀英',
      [
        { day: '明天 12月2日', name: '志愿者欧阳秀英' },
        { day: '12月9日 周三', name: '志愿者欧阳秀英' },
      ],
    ],
    [null, [{ day: '这几天', name: '赵敏' }]],
  ],
  noVisitorsComing: [['欧阳秀英'], [null]],
  lonelyCallAsked: [[CENTRE]],
};

/** Entries that are not replies on their own: a name in a sentence, a phrase inside an offer, a prefix. */
const PARTS = new Set(['someSenior', 'asLastTime', 'priceLine', 'botBackBefore', 'confirmOrNot', 'payBy', 'visitDueNow', 'someVisitor']);

function width(line: string): number {
  let w = 0;
  for (const ch of line.replace(/<[^>]+>/g, '')) w += ch.charCodeAt(0) < 0x2e80 ? 0.5 : 1;
  return w;
}

const replies: Array<[string, string]> = [];
for (const [key, entry] of Object.entries(BOT)) {
  if (typeof entry === 'string') replies.push([key, entry]);
  else {
    const samples = SAMPLES[key];
    if (!samples) throw new Error(`BOT.${key} has no sample values in the wording test: add some`);
    for (const args of samples) replies.push([key, (entry as (...a: unknown[]) => string)(...args)]);
  }
}
const whole = replies.filter(([key]) => !PARTS.has(key));

describe('every bot reply keeps to the wording rules', () => {
  test.each(whole)('%s: at most three short lines', (_key, text) => {
    const lines = text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES);
    expect(lines.filter((l) => width(l) > MAX_WIDTH)).toEqual([]);
    expect(lines.filter((l) => l.trim() === '')).toEqual([]);
  });

  test.each(replies)('%s: no jargon word', (_key, text) => {
    expect(JARGON.filter((j) => text.includes(j))).toEqual([]);
  });

  test.each(whole)('%s: ends with what to say or do next', (_key, text) => {
    const lines = text.split('\n');
    expect(lines[lines.length - 1]).toMatch(NEXT_STEP);
  });

  test('an error the bot passes on (any of server/errors.ts) reaches the senior without jargon', () => {
    for (const { message } of Object.values(ERRORS)) {
      for (const text of [BOT.bookFailed(message), BOT.cancelFailed(message, '0571-85802345')])
        expect([text, JARGON.filter((j) => text.includes(j))]).toEqual([text, []]);
    }
  });

  test('the not-understood reply echoes nothing, offers three choices at most and says 救命', () => {
    expect(BOT.notUnderstood).toContain('救命');
    expect(BOT.notUnderstood.match(/\d/g)!.length).toBeLessThanOrEqual(3);
  });

  test('the emergency reply says who was told, 120, the centre by its short name and its phone, and never asks to open the door', () => {
    for (const care of ['fall', 'medical'] as const) {
      const text = BOT.emergency(care, ['女儿'], CENTRE, '0571-85802345');
      expect(text).toContain('女儿');
      expect(text).toContain('嘉新站');
      expect(text).toContain('0571-85802345');
      expect(text).toContain('打 120');
    }
    for (const [key, text] of replies) if (/emergency|Emergency/.test(key)) expect(text).not.toMatch(/开门|把门打开/);
  });

  test('people by the name a senior calls them', () => {
    expect(personName('赵敏（嘉新社区居家养老服务照料中心）')).toBe('赵敏');
    expect(personName('王芳')).toBe('王芳');
  });

  test('centres by their short names', () => {
    expect(centreShortName('嘉新社区居家养老服务照料中心')).toBe('嘉新站');
    expect(centreShortName('米市巷街道综合养老服务中心')).toBe('米市巷站');
    expect(centreShortName('卖鱼桥社区居家养老服务照料中心')).toBe('卖鱼桥站');
    expect(centreShortName('左家新村睦邻点')).toBe('左家新村睦邻点');
    expect(centreShortName('湖墅老年食堂')).toBe('湖墅老年食堂');
  });
});
