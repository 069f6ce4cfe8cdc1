import { csvRecords, CsvFormatError } from '../../server/lib/csv-reader';

async function read(chunks: Array<Buffer | string>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(r.cells);
  return out;
}

/** The same bytes cut into 1-byte chunks: every state of the reader meets a chunk boundary. */
const bytewise = (b: Buffer) => [...b].map((x) => Buffer.from([x]));

describe('streaming CSV reader', () => {
  const text = '\uFEFF姓名,住址,备注\r\n张桂英,"嘉新社区 1 幢, 2 单元","说""软一点""\r\n第二行"\r\n李建国,,\r\n';
  const expected = [
    ['姓名', '住址', '备注'],
    ['张桂英', '嘉新社区 1 幢, 2 单元', '说"软一点"\r\n第二行'],
    ['李建国', '', ''],
  ];

  test('quotes, doubled quotes, commas and line breaks inside quotes, CRLF, a byte-order mark', async () => {
    expect(await read([Buffer.from(text, 'utf8')])).toEqual(expected);
  });

  test('the same, one byte at a time (a UTF-8 character split across chunks, a quote pair split)', async () => {
    expect(await read(bytewise(Buffer.from(text, 'utf8')))).toEqual(expected);
  });

  test('GB18030/GBK (what Excel on a Chinese Windows saves) is recognised and decoded', async () => {
    // 姓名,电话\n王秀英,13800000000 in GBK.
    const gbk = Buffer.from('d0d5c3fb2cb5e7bbb00acdf5d0e3d3a22c3133383030303030303030', 'hex');
    expect(await read([gbk])).toEqual([
      ['姓名', '电话'],
      ['王秀英', '13800000000'],
    ]);
    expect(await read(bytewise(gbk))).toEqual([
      ['姓名', '电话'],
      ['王秀英', '13800000000'],
    ]);
  });

  test('tab-separated text, LF or CR line ends, a last line without a line end', async () => {
    expect(await read(['a\tb\nc\td'])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(await read(['a,b\rc,d\r'])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  test('record numbers are the rows Excel shows, blank lines included', async () => {
    const rows: number[] = [];
    for await (const r of csvRecords(
      (async function* () {
        yield 'h\n\nx\n"a\nb"\ny\n';
      })(),
    ))
      rows.push(r.row);
    expect(rows).toEqual([1, 2, 3, 4, 5]);
  });

  test('a quote never closed is an error naming the record it opened in', async () => {
    await expect(read(['a,b\n1,"open\n2,3\n'])).rejects.toEqual(new CsvFormatError('unterminated_quote', 2));
  });
});
