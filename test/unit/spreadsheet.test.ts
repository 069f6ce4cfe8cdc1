import { readXlsx, toCsv, toXlsx, yuan, type Table } from '../../server/lib/spreadsheet';

const table = (rows: Table['rows']): Table => ({
  sheet: '表',
  columns: [
    { header: '名称', kind: 'text' },
    { header: '人次', kind: 'count' },
    { header: '金额(元)', kind: 'fen' },
  ],
  rows,
  totals: ['合计', 3, 100_001],
  createdAt: new Date('2026-12-01T00:00:00Z'),
});

describe('spreadsheet files', () => {
  test('fen become yuan with two decimals, exactly', () => {
    expect([0, 1, 10, 99, 100, 1205, 123_456_789, -150].map(yuan)).toEqual(['0.00', '0.01', '0.10', '0.99', '1.00', '12.05', '1234567.89', '-1.50']);
    expect(() => yuan(1.5)).toThrow(RangeError);
  });

  test('CSV: BOM, CRLF, quoting, and no formula can start a cell', () => {
    const csv = toCsv(
      table([
        ['甲,"乙"', 1, 1],
        ['=HYPERLINK("x")', 2, 100_000],
      ]),
    );
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toBe(
      ['名称,人次,金额(元)', '"甲,""乙""",1,0.01', `"'=HYPERLINK(""x"")",2,1000.00`, '合计,3,1000.01', ''].join('\r\n'),
    );
  });

  test('xlsx: money cells are numbers shown with two decimals, read back as written', async () => {
    const sheets = await readXlsx(await toXlsx(table([['甲', 1, 1205]])));
    expect(sheets.get('表')).toEqual([
      ['名称', '人次', '金额(元)'],
      ['甲', 1, 12.05],
      ['合计', 3, 1000.01],
    ]);
  });
});
