import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, Region, Senior } from '../../entities';
import { hashIdNumber } from '../../server/lib/id-card';
import { writeXlsxFile, type SheetCell } from '../../server/lib/spreadsheet';
import { centreNamed, DONGYUAN, JIAXIN, loginConsole, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0, TEST_ID_HASH_KEY } from '../helpers/harness';
import { idNumber } from '../helpers/id-numbers';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['姓名', '性别', '身份证号', '出生日期', '联系电话', '住址', '所属社区', '人员类别', '类别有效期至', '服务站点', '紧急联系人', '紧急联系人电话'];

const csv = (rows: ReadonlyArray<readonly SheetCell[]>) =>
  Buffer.from(
    `\uFEFF${rows.map((r) => r.map((c) => (c === null ? '' : /[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n')}\r\n`,
  );

async function xlsx(rows: ReadonlyArray<readonly SheetCell[]>): Promise<Buffer> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-xlsx-')), 'list.xlsx');
  await writeXlsxFile(file, '老人名单', rows);
  const buf = fs.readFileSync(file);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return buf;
}

/**
 * The civil-affairs list import through the API, on both databases: the dry run's row-by-row report, apply,
 * re-import changing nothing, matching seniors registered before ID hashes, scope, and malformed files (a clear
 * error, nothing written). Small limits (batches of 3) so that duplicates and matches cross batch boundaries.
 */
describeEachDb(
  'seniors list import',
  (h) => {
    let admin: string; // 米市巷街道
    let hushuAdmin: string;
    let staff: string;
    const ids = {
      a: idNumber('1941-02-03', 12),
      b: idNumber('1950-07-08', 21),
      c: idNumber('1938-12-30', 34),
      registered: idNumber('1946-01-15', 45),
      hushu: idNumber('1947-03-03', 57),
      legacy: idNumber('1950-08-01', 61),
    };
    let registeredId: number;
    let legacy: Senior;

    beforeAll(async () => {
      h().clock.set(T0);
      admin = await loginConsole(h(), 'admin-mishixiang');
      hushuAdmin = await loginConsole(h(), 'admin-hushu');
      staff = await loginConsole(h(), 'staff-jiaxin');
      const jiaxin = await h().db.manager.findOneByOrFail(Region, { name: '嘉新社区' });
      const maiyuqiao = await h().db.manager.findOneByOrFail(Region, { name: '卖鱼桥社区' });
      const reg = await h()
        .http.post('/api/v1/seniors')
        .set('authorization', staff)
        .send({ name: '孙阿大', idNumber: ids.registered, phone: '13900000001', address: '嘉新社区 9 幢', regionId: jiaxin.id });
      expect(reg.status).toBe(201);
      registeredId = reg.body.id;
      const other = await h()
        .http.post('/api/v1/seniors')
        .set('authorization', hushuAdmin)
        .send({ name: '湖墅老人', idNumber: ids.hushu, address: '卖鱼桥 1 号', regionId: maiyuqiao.id });
      expect(other.status).toBe(201);
      // 李建国 was registered before ID hashes were kept: only his last four digits are on record.
      legacy = await seniorNamed(h(), '李建国');
      await h().db.manager.update(Senior, { id: legacy.id }, { idCardLast4: ids.legacy.slice(14) });
    });
    beforeEach(() => h().clock.set(T0));

    const rows: SheetCell[][] = [
      HEADER,
      ['周新华', '女', ids.a, '1941-02-03', '13811112222', '嘉新社区 2 幢 101', '嘉新社区', '低保、独居', '2027-12-31', '', '周明', '13822223333'],
      ['吴根宝', '男', ids.b, '', '', '左家新村 7 幢', '左家新村社区', '', '', '', '', ''],
      ['错号码', '女', `${ids.c.slice(0, 17)}${ids.c[17] === '1' ? '2' : '1'}`, '', '', '嘉新社区', '嘉新社区', '', '', '', '', ''],
      ['两处错', '女', ids.c, '', '12345', '嘉新社区', '嘉新社区', '低保,有钱人', '', '', '', ''],
      ['周新华', '女', ids.a, '', '', '嘉新社区 2 幢 101', '嘉新社区', '', '', '', '', ''],
      ['外街道', '男', idNumber('1949-09-09', 71), '', '', '卖鱼桥', '卖鱼桥社区', '', '', '', '', ''],
      ['孙阿大', '男', ids.registered, '1946-01-15', '13900000002', '嘉新社区 9 幢', '嘉新社区', '', '', '', '', ''],
      ['湖墅老人', '男', ids.hushu, '', '', '嘉新社区', '嘉新社区', '', '', '', '', ''],
      ['李建国', '男', ids.legacy, '1950-08-01', '', '', '嘉新社区', '低保', '', '', '', ''],
    ];

    const upload = (body: Buffer, type: string, query = '', auth = admin) =>
      h().http.post(`/api/v1/seniors/import${query}`).set('authorization', auth).set('content-type', type).send(body);
    const state = async () => ({
      seniors: await h().db.manager.count(Senior),
      audit: await h().db.manager.count(AuditLog),
      versions: (await h().db.manager.find(Senior, { order: { id: 'ASC' } })).map((s) => `${s.id}:${s.version}`).join(','),
    });

    test('a dry run reports row by row what would happen, and writes nothing', async () => {
      const before = await state();
      const res = await upload(csv(rows), 'text/csv; charset=utf-8', '?dryRun=true&fileName=list.csv');
      expect(res.status).toBe(200);
      const r = res.body;
      expect(r).toMatchObject({ dryRun: true, format: 'csv', headerRow: 1, ignoredColumns: [] });
      expect(r.columns.map((c: { field: string }) => c.field)).toEqual([
        'name',
        'gender',
        'idNumber',
        'birthDate',
        'phone',
        'address',
        'community',
        'categories',
        'categoryValidUntil',
        'homeCentre',
        'contactName',
        'contactPhone',
      ]);
      expect(r.summary).toEqual({ rows: 9, create: 2, update: 2, unchanged: 0, error: 4, duplicate: 1 });
      const byRow = Object.fromEntries(r.rows.map((x: { row: number }) => [x.row, x]));
      expect(byRow[2]).toMatchObject({ action: 'create', name: '周新华', idCardLast4: ids.a.slice(14), seniorId: null });
      expect(byRow[3]).toMatchObject({ action: 'create', name: '吴根宝' });
      expect(byRow[4]).toMatchObject({ action: 'error', errors: [{ column: '身份证号', message: '身份证号校验位不对，请核对是否抄错' }] });
      expect(byRow[5].errors).toEqual([
        { column: '联系电话', message: '电话要是 11 位手机号或带区号的固话' },
        { column: '人员类别', message: expect.stringContaining('不认识的人员类别“有钱人”') },
      ]);
      expect(byRow[6]).toMatchObject({ action: 'duplicate', duplicateOfRow: 2 });
      expect(byRow[7]).toMatchObject({ action: 'error', errors: [{ column: '所属社区', message: '没有找到社区“卖鱼桥社区”（或不在您管辖的范围内）' }] });
      expect(byRow[8]).toMatchObject({ action: 'update', seniorId: registeredId, changes: ['phone'] });
      expect(byRow[9]).toMatchObject({ action: 'error', errors: [{ column: '身份证号', message: '这位老人已在您管辖范围以外登记，请联系所在街道' }] });
      expect(byRow[10]).toMatchObject({ action: 'update', seniorId: legacy.id, changes: ['idNumber'] });
      expect(await state()).toEqual(before);
    });

    test('apply writes what the dry run said, with an audit entry per senior; importing the same file again changes nothing', async () => {
      const before = await state();
      const res = await upload(csv(rows), 'text/csv', '?dryRun=false&fileName=list.csv');
      expect(res.status).toBe(200);
      expect(res.body.summary).toEqual({ rows: 9, create: 2, update: 2, unchanged: 0, error: 4, duplicate: 1 });
      const created = res.body.rows.filter((x: { action: string }) => x.action === 'create');
      expect(created.every((x: { seniorId: number | null }) => typeof x.seniorId === 'number')).toBe(true);

      const zhou = await h().db.manager.findOneByOrFail(Senior, { idCardHash: hashIdNumber(TEST_ID_HASH_KEY, ids.a) });
      expect(zhou).toMatchObject({
        name: '周新华',
        gender: 'female',
        birthDate: '1941-02-03',
        idCardLast4: ids.a.slice(14),
        phone: '13811112222',
        categories: ['minimum_living', 'living_alone'],
        homeCentreId: (await centreNamed(h(), JIAXIN)).id, // 嘉新社区's care centre, the list naming none
        emergencyContacts: [{ name: '周明', relation: '', phone: '13822223333' }],
        version: 1,
      });
      expect(zhou.categoryRecords).toEqual([
        { category: 'minimum_living', evidence: '民政名单导入（list.csv）', validUntil: '2027-12-31' },
        { category: 'living_alone', evidence: '民政名单导入（list.csv）', validUntil: '2027-12-31' },
      ]);
      expect((await h().db.manager.findOneByOrFail(Senior, { id: registeredId })).phone).toBe('13900000002');
      const li = await h().db.manager.findOneByOrFail(Senior, { id: legacy.id });
      expect(li.idCardHash).toBe(hashIdNumber(TEST_ID_HASH_KEY, ids.legacy));
      expect(li.categories).toEqual(['minimum_living']);
      const after = await state();
      expect(after.seniors).toBe(before.seniors + 2);
      expect(after.audit).toBe(before.audit + 4);
      const entries = await h().db.manager.find(AuditLog, { where: { entityType: 'senior', entityId: zhou.id } });
      expect(entries.map((e) => [e.action, e.detail])).toEqual([['senior.import.create', { row: 2, file: 'list.csv' }]]);

      // The same file again: every row it can import is already there, exactly.
      const again = await upload(csv(rows), 'text/csv', '?dryRun=false&fileName=list.csv');
      expect(again.body.summary).toEqual({ rows: 9, create: 0, update: 0, unchanged: 4, error: 4, duplicate: 1 });
      expect(again.body.rows.map((x: { action: string }) => x.action)).toEqual(['error', 'error', 'duplicate', 'error', 'error']);
      expect(await state()).toEqual(after);
      // And as xlsx, with a title line above the header, dates as date cells: the same people, nothing to change.
      const sheet = await xlsx([
        ['米市巷街道 2026 年 12 月 老人名单'],
        ...rows.map((r, i) => (i > 0 && r[3] ? r.map((c, j) => (j === 3 ? new Date(`${c as string}T00:00:00Z`) : c)) : r)),
      ]);
      const asXlsx = await upload(sheet, XLSX, '?dryRun=false');
      expect(asXlsx.status).toBe(200);
      expect(asXlsx.body).toMatchObject({ format: 'xlsx', headerRow: 2, summary: { rows: 9, create: 0, update: 0, unchanged: 4, error: 4, duplicate: 1 } });
      expect(asXlsx.body.rows.map((x: { row: number }) => x.row)).toEqual([5, 6, 7, 8, 10]);
      expect(await state()).toEqual(after);
    });

    test('xlsx: tolerant headers, a number where an ID was due, the home centre by name; the file is streamed, not parsed as JSON', async () => {
      const id = idNumber('1939-04-04', 82);
      const sheet = await xlsx([
        ['老人姓名', '公民身份号码', '家庭住址', '社区（村）', '所属街道', '人员类型', '所属站点', '备注'],
        ['郑阿婆', id, '东园 1 号', '嘉新', '米市巷', '高龄 失能', DONGYUAN, '某备注'],
        // What Excel keeps of an 18-digit number typed into a General cell: the last digits are gone.
        ['数字号', Number('330105194104041234'), '东园 2 号', '嘉新社区', '', '', '', ''],
      ]);
      const res = await upload(sheet, 'application/octet-stream', '?dryRun=false');
      expect(res.status).toBe(200);
      expect(res.body.ignoredColumns).toEqual(['备注']);
      expect(res.body.summary).toMatchObject({ rows: 2, create: 1, error: 1 });
      expect(res.body.rows[1]).toMatchObject({
        row: 3,
        action: 'error',
        errors: [{ column: '公民身份号码', message: expect.stringContaining('身份证号被 Excel 存成了数字') }],
      });
      const zheng = await h().db.manager.findOneByOrFail(Senior, { idCardHash: hashIdNumber(TEST_ID_HASH_KEY, id) });
      expect(zheng).toMatchObject({
        homeCentreId: (await centreNamed(h(), DONGYUAN)).id,
        categories: ['very_old', 'disabled'],
        gender: 'female',
        birthDate: '1939-04-04',
      });
    });

    test('only administrators import, and only into their region', async () => {
      const res = await upload(csv(rows), 'text/csv', '', staff);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('SENIOR_IMPORT_NOT_ALLOWED');
      // The hushu administrator's dry run: the mishixiang communities are unknown to them, row by row.
      const other = await upload(csv(rows), 'text/csv', '', hushuAdmin);
      expect(other.body.rows.find((x: { row: number }) => x.row === 2).errors[0].message).toContain('没有找到社区“嘉新社区”');
    });

    test('malformed files: a clear error, and nothing written even when the trouble comes after good rows', async () => {
      const before = await state();
      const fresh = (n: number) => [`新人${n}`, '女', idNumber('1945-05-05', 100 + 2 * n), '', '', '嘉新社区', '嘉新社区', '', '', '', '', ''];
      const good = [HEADER, ...Array.from({ length: 10 }, (_, i) => fresh(i))];
      const cases: Array<[Buffer, string, number, string, RegExp]> = [
        // A quote opened in the last row and never closed.
        [Buffer.concat([csv(good), Buffer.from('"坏行,女\r\n')]), 'text/csv', 422, 'IMPORT_FILE_UNREADABLE', /第 12 行的引号没有配对/],
        [(await xlsx(good)).subarray(0, 3000), XLSX, 422, 'IMPORT_FILE_UNREADABLE', /不是有效的 xlsx/],
        [Buffer.from('d0cf11e0a1b11ae1000000000000', 'hex'), 'application/vnd.ms-excel', 422, 'IMPORT_FILE_UNREADABLE', /旧的 \.xls 格式/],
        [
          csv([
            ['姓名', '身份证号', '住址'],
            ['王', ids.a, '嘉新'],
          ]),
          'text/csv',
          422,
          'IMPORT_MISSING_COLUMNS',
          /文件缺少这些列：所属社区/,
        ],
        [csv([['标题'], ['a', 'b']]), 'text/csv', 422, 'IMPORT_NO_HEADER', /前 10 行/],
        [csv([HEADER]), 'text/csv', 422, 'IMPORT_EMPTY', /没有老人数据/],
        [Buffer.from('{"rows":[]}'), 'application/json', 415, 'IMPORT_FILE_TYPE', /xlsx 或 csv/],
        [csv([HEADER, ...Array.from({ length: 60 }, (_, i) => fresh(i))]), 'text/csv', 413, 'IMPORT_TOO_MANY_ROWS', /最多 50 行/],
        [Buffer.alloc(300 * 1024, 0x41), 'text/csv', 413, 'IMPORT_FILE_TOO_LARGE', /文件太大，最大 256 KB/],
      ];
      for (const [body, type, status, code, message] of cases) {
        const res = await upload(body, type, '?dryRun=false');
        expect([res.status, res.body.error?.code]).toEqual([status, code]);
        expect(res.body.error.message).toMatch(message);
      }
      expect(await state()).toEqual(before);
      // The dry-run default: without dryRun=false nothing is written either.
      const dry = await upload(csv(good), 'text/csv');
      expect(dry.body).toMatchObject({ dryRun: true, summary: { create: 10 } });
      expect(await state()).toEqual(before);
    });
  },
  { importLimits: { batchSize: 3, maxRows: 50, maxBytes: 256 * 1024 } },
);
