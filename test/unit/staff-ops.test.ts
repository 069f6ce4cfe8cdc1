import { oneTimePassword } from '../../server/lib/random';
import { readXlsx, toPrintableXlsx } from '../../server/lib/spreadsheet';
import { passwordProblem } from '../../server/services/access/password-policy';
import { seniorMatch } from '../../server/services/operations/counter.service';
import { dietGroup } from '../../server/services/operations/lists.service';

test('the password rule: length, letters and digits, well-known ones, the username inside', () => {
  expect(passwordProblem('Lotus-garden-88', 'staff-wang')).toBeNull();
  expect(passwordProblem('睦邻2026abc', null)).toBeNull(); // Chinese letters count as letters
  expect(passwordProblem('a1b2c3d', null)).toBe('short');
  expect(passwordProblem(`a1${'x'.repeat(63)}`, null)).toBe('long');
  expect(passwordProblem('12345678', null)).toBe('letterAndDigit');
  expect(passwordProblem('abcdefgh', null)).toBe('letterAndDigit');
  expect(passwordProblem('Password123', null)).toBe('common');
  expect(passwordProblem('WOAINI1314', null)).toBe('common');
  expect(passwordProblem('xx-Staff-Wang-1', 'staff-wang')).toBe('username');
  expect(passwordProblem('ab1-ab1-ab1', 'ab')).toBeNull(); // a name too short to mean anything is not looked for
});

test('one-time passwords: 12 characters, letters and digits both, none that can be misread', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const p = oneTimePassword();
    expect(p).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz2-9]{12}$/);
    expect(p).toMatch(/[A-Za-z]/);
    expect(p).toMatch(/\d/);
    expect(passwordProblem(p, 'someone')).toBeNull();
    seen.add(p);
  }
  expect(seen.size).toBe(200);
});

test('the counter reads four digits (an ID may end in X) as the end of a phone or ID, anything else as a name', () => {
  expect(seniorMatch(' 0571 ')).toEqual({ last4: '0571' });
  expect(seniorMatch('123x')).toEqual({ last4: '123X' });
  expect(seniorMatch('12345')).toEqual({ name: '12345' });
  expect(seniorMatch('张桂英')).toEqual({ name: '张桂英' });
  expect(seniorMatch('x123')).toEqual({ name: 'x123' });
});

test('diet notes group by their parts, whatever the order and the separators', () => {
  expect(dietGroup('')).toBe('');
  expect(dietGroup('  ')).toBe('');
  expect(dietGroup('少盐')).toBe('少盐');
  expect(dietGroup('软食，少盐')).toBe(dietGroup('少盐、软食'));
  expect(dietGroup('少盐, 软食;少盐')).toBe('少盐、软食');
  expect(dietGroup('糖尿病；低糖')).toBe('低糖、糖尿病');
});

test('a printable workbook reads back: title, subtitle, headers, section headings, rows in order, totals', async () => {
  const buf = await toPrintableXlsx(
    [
      {
        sheet: '送餐单',
        title: '某站点 送餐单',
        subtitle: '共 3 户',
        columns: [
          { header: '序号', kind: 'count' },
          { header: '姓名', kind: 'text' },
          { header: '金额', kind: 'fen' },
        ],
        sections: [
          { heading: '甲社区', rows: [[1, '张三', 1250]] },
          {
            heading: '乙社区',
            rows: [
              [2, '李四', 5],
              [3, '王五', 0],
            ],
          },
        ],
        totals: ['合计', '', 1255],
        landscape: true,
      },
    ],
    new Date('2026-12-01T00:00:00Z'),
  );
  expect((await readXlsx(buf)).get('送餐单')).toEqual([
    ['某站点 送餐单'],
    ['共 3 户'],
    ['序号', '姓名', '金额'],
    ['甲社区'],
    [1, '张三', 12.5],
    ['乙社区'],
    [2, '李四', 0.05],
    [3, '王五', 0],
    ['合计', '', 12.55],
  ]);
});
