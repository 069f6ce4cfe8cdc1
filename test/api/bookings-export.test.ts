import { readXlsx, type Cell } from '../../server/lib/spreadsheet';
import { BookingExportService } from '../../server/services/booking/booking-export.service';
import { centreNamed, JIAXIN, loginConsole, MAIYUQIAO, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, TODAY } from '../helpers/harness';

// 导出 Excel of the bookings list (GET /bookings.xlsx): the same filters and scope as GET /bookings, the same rows
// read back from the file, Chinese headers, amounts in yuan as numbers, no more personal data than the list shows,
// and a clear refusal beyond the row limit.

const HEADERS = [
  '核销码',
  '服务日期',
  '时段',
  '站点',
  '服务项目',
  '老人',
  '份数',
  '方式',
  '状态',
  '单价（元）',
  '价格（元）',
  '补贴（元）',
  '自付（元）',
  '补贴说明',
  '渠道',
  '现场付',
  '下单时间',
  '核销时间',
  '备注',
  '取消/拒绝原因',
];

describeEachDb('bookings exported to Excel', (h) => {
  let staff: string;
  let otherStaff: string;
  let admin: string;
  let jiaxinId: number;
  const made: Array<{ id: number; code: string }> = [];

  beforeAll(async () => {
    staff = await loginConsole(h(), 'staff-jiaxin');
    otherStaff = await loginConsole(h(), 'staff-maiyuqiao');
    admin = await loginConsole(h(), 'admin');
    jiaxinId = (await centreNamed(h(), JIAXIN)).id;
    for (const [name, kind, note] of [
      ['王秀英', 'lunch', '少放盐'],
      ['李建国', 'dinner', ''],
    ] as const) {
      const slot = await slotOf(h(), JIAXIN, kind, TODAY);
      const senior = await seniorNamed(h(), name);
      const res = await h().http.post('/api/v1/bookings').set('authorization', staff).send({ seniorId: senior.id, slotId: slot.id, channel: 'phone', note });
      expect(res.status).toBe(201);
      made.push(res.body);
    }
  });

  const file = (auth: string, query: Record<string, string | number>) =>
    h()
      .http.get('/api/v1/bookings.xlsx')
      .query(query)
      .set('authorization', auth)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  test('a centre’s day: the rows of the JSON list, Chinese headers, yuan as numbers, a Chinese file name', async () => {
    const query = { centreId: jiaxinId, date: TODAY };
    const list = await seen(h(), staff, `/bookings?centreId=${jiaxinId}&date=${TODAY}&limit=200`);
    expect(list.total).toBeGreaterThanOrEqual(2);
    const res = await file(staff, query);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="bookings-${TODAY}-${TODAY}.xlsx"; filename*=UTF-8''${encodeURIComponent(`预约-${TODAY}.xlsx`)}`,
    );
    const sheets = await readXlsx(res.body as Buffer);
    const rows = sheets.get('预约')!;
    expect(rows[0]).toEqual(HEADERS);
    const body = rows.slice(1);
    expect(body.map((r) => r[0])).toEqual(list.items.map((b: { code: string }) => b.code));
    const col = (name: string) => HEADERS.indexOf(name);
    const byCode = new Map<Cell, Cell[]>(body.map((r) => [r[0], r]));
    for (const b of list.items as Array<{
      code: string;
      senior: { name: string };
      priceFen: number;
      subsidyFen: number;
      copayFen: number;
      statusLabel: string;
      note: string;
    }>) {
      const r = byCode.get(b.code)!;
      expect(r[col('老人')]).toBe(b.senior.name);
      expect(r[col('价格（元）')]).toBe(b.priceFen / 100);
      expect(r[col('补贴（元）')]).toBe(b.subsidyFen / 100);
      expect(r[col('自付（元）')]).toBe(b.copayFen / 100);
      expect(r[col('状态')]).toBe(b.statusLabel);
      expect(r[col('站点')]).toBe(JIAXIN);
    }
    expect(byCode.get(made[0].code)![col('备注')]).toBe('少放盐');
    expect(byCode.get(made[0].code)![col('渠道')]).toBe('电话');
    // Personal data as the list shows it: the name, never a phone or an ID number.
    const wang = await seniorNamed(h(), '王秀英');
    const flat = JSON.stringify(body);
    expect(flat).not.toContain(wang.phone!);
    expect(flat).not.toContain(wang.phone!.slice(-8));
    expect(sheets.get('说明')!.map((r) => r[0])).toContain('筛选条件');
  });

  test('filters by status as the list does, and a staff member without a centre given exports their own centre', async () => {
    const confirmed = await file(staff, { centreId: jiaxinId, date: TODAY, status: 'confirmed,served' });
    expect(confirmed.status).toBe(200);
    const listed = await seen(h(), staff, `/bookings?centreId=${jiaxinId}&date=${TODAY}&status=confirmed,served`);
    expect(((await readXlsx(confirmed.body as Buffer)).get('预约')!.length - 1) as number).toBe(listed.total);

    const own = await file(staff, { date: TODAY });
    expect(own.status).toBe(200);
    expect(
      (await readXlsx(own.body as Buffer))
        .get('预约')!
        .slice(1)
        .map((r) => r[0]),
    ).toEqual((await seen(h(), staff, `/bookings?date=${TODAY}`)).items.map((b: { code: string }) => b.code));
  });

  test('the scope of the list: another centre’s staff are refused, an administrator must name a scope, a bad filter names the field', async () => {
    const other = await file(otherStaff, { centreId: jiaxinId, date: TODAY });
    const otherJson = await h().http.get('/api/v1/bookings').query({ centreId: jiaxinId, date: TODAY }).set('authorization', otherStaff);
    expect([other.status, JSON.parse(other.body.toString()).error.code]).toEqual([otherJson.status, otherJson.body.error.code]);
    expect(other.status).toBe(403);

    const unscoped = await file(admin, { date: TODAY });
    const unscopedJson = await h().http.get('/api/v1/bookings').query({ date: TODAY }).set('authorization', admin);
    expect([unscoped.status, JSON.parse(unscoped.body.toString()).error.code]).toEqual([unscopedJson.status, unscopedJson.body.error.code]);
    const adminOk = await file(admin, { centreId: (await centreNamed(h(), MAIYUQIAO)).id, date: TODAY });
    expect(adminOk.status).toBe(200);

    const bad = await file(staff, { centreId: jiaxinId, status: 'eaten' });
    expect(bad.status).toBe(400);
  });

  test('more rows than the limit: refused with the count and what to do, in Chinese', async () => {
    const actor = await h().services.auth.authenticate(staff.replace(/^Bearer /, ''), '127.0.0.1');
    const small = new BookingExportService({ clock: h().clock, reader: h().services.bookingReader, maxRows: 1 });
    await expect(small.xlsx(actor!, { centreId: jiaxinId, date: TODAY })).rejects.toMatchObject({
      code: 'EXPORT_TOO_LARGE',
      message: expect.stringMatching(/^符合条件的预约有 \d+ 条，一次最多导出 1 条：请缩小日期范围，或按站点、状态筛选后再导出$/),
    });
  });
});
