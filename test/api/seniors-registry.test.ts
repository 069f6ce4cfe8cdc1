import { AuditLog, Booking, Region, Senior, ServiceItem, Slot } from '../../entities';
import { hashIdNumber } from '../../server/lib/id-card';
import { addDays } from '../../server/lib/time';
import { centreNamed, JIAXIN, MAIYUQIAO, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TEST_ID_HASH_KEY, TODAY } from '../helpers/harness';
import { idNumber } from '../helpers/id-numbers';

/**
 * The seniors' registry through the API, on SQLite and MariaDB: registering and editing (scope, validation in
 * Chinese naming the field, optimistic concurrency, masking), categories that stop counting after their valid-until
 * date, ability assessments that drive eligibility, and closing a record (bookings cancelled and refunded, family
 * told, no more subsidy) and opening it again.
 */
describeEachDb('seniors registry', (h) => {
  const t = {} as Record<string, string>;
  let jiaxin: Region;
  let zuojia: Region;
  let maiyuqiao: Region;
  let jiaxinCentreId: number;
  let maiyuqiaoCentreId: number;

  beforeAll(async () => {
    h().clock.set(T0);
    t.jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    t.maiyuqiaoStaff = await loginConsole(h(), 'staff-maiyuqiao');
    t.district = await loginConsole(h(), 'admin');
    t.mishixiang = await loginConsole(h(), 'admin-mishixiang');
    t.hushu = await loginConsole(h(), 'admin-hushu');
    t.daughter = await loginWechat(h(), 'o_family_01'); // 刘敏 → 张桂英
    jiaxin = await h().db.manager.findOneByOrFail(Region, { name: '嘉新社区' });
    zuojia = await h().db.manager.findOneByOrFail(Region, { name: '左家新村社区' });
    maiyuqiao = await h().db.manager.findOneByOrFail(Region, { name: '卖鱼桥社区' });
    jiaxinCentreId = (await centreNamed(h(), JIAXIN)).id;
    maiyuqiaoCentreId = (await centreNamed(h(), MAIYUQIAO)).id;
  });
  beforeEach(() => h().clock.set(T0));

  const post = (path: string, auth: string, body: object) => h().http.post(`/api/v1${path}`).set('authorization', auth).send(body);
  const patch = (path: string, auth: string, body: object) => h().http.patch(`/api/v1${path}`).set('authorization', auth).send(body);
  const get = (path: string, auth: string) => h().http.get(`/api/v1${path}`).set('authorization', auth);

  let seq = 100;
  /** A new person's form: born `birthDate`, a fresh ID number each time. */
  function form(over: Record<string, unknown> = {}, birthDate = '1944-06-18') {
    seq += 2;
    return {
      name: '钱阿婆',
      idNumber: idNumber(birthDate, seq), // even: a woman
      phone: '13912345678',
      address: '嘉新社区 3 幢 1 单元 201 室',
      regionId: jiaxin.id,
      categories: [{ category: 'living_alone', evidence: '社区走访 2026-11', validUntil: null }],
      emergencyContacts: [{ name: '钱小明', relation: '儿子', phone: '13700001111' }],
      dietNotes: '少盐',
      ...over,
    };
  }

  test('staff register a senior of their centre: the ID number becomes its last four and a keyed hash, birth date and gender come from it', async () => {
    const f = form();
    const res = await post('/seniors', t.jiaxinStaff, f);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '钱阿婆',
      gender: 'female',
      birthDate: '1944-06-18',
      age: 82,
      isVeryOld: true,
      phone: '13912345678',
      phoneMasked: false,
      idCardLast4: f.idNumber.slice(14),
      regionId: jiaxin.id,
      homeCentreId: jiaxinCentreId,
      categories: ['living_alone'],
      categoryRecords: [{ category: 'living_alone', label: '独居', evidence: '社区走访 2026-11', validUntil: null, counts: true }],
      abilityLevel: 0,
      active: true,
      version: 1,
    });
    // The number itself is nowhere in the row: only its last four and its HMAC under the configured key.
    const row = await h().db.manager.findOneByOrFail(Senior, { id: res.body.id });
    expect(JSON.stringify(row)).not.toContain(f.idNumber.slice(0, 14));
    expect(row.idCardHash).toBe(hashIdNumber(TEST_ID_HASH_KEY, f.idNumber));
    const audit = await h().db.manager.findBy(AuditLog, { entityType: 'senior', entityId: res.body.id });
    expect(audit.map((a) => [a.action, a.actorRole])).toEqual([['senior.create', 'staff']]);
    expect(JSON.stringify(audit[0].detail)).not.toContain(f.idNumber.slice(0, 14));

    // The street's administrator sees the record with the phone masked; the staff see it whole.
    const byAdmin = await get(`/seniors/${res.body.id}`, t.mishixiang);
    expect(byAdmin.body).toMatchObject({ phone: '139****5678', phoneMasked: true, idCardLast4: f.idNumber.slice(14) });
    expect(byAdmin.body.emergencyContacts[0].phone).toBe('137****1111');
    expect((await get(`/seniors/${res.body.id}`, t.jiaxinStaff)).body.emergencyContacts[0].phone).toBe('13700001111');
    // Found by the whole ID number (through its hash) and by its last four.
    expect((await get(`/seniors?idNumber=${f.idNumber}`, t.mishixiang)).body.items.map((s: { id: number }) => s.id)).toEqual([res.body.id]);
    expect((await get(`/seniors?search=${f.idNumber.slice(14)}`, t.jiaxinStaff)).body.items.map((s: { id: number }) => s.id)).toContain(res.body.id);
  });

  test('every field is checked, and each message is in Chinese and names its field', async () => {
    const good = form();
    const res = await post('/seniors', t.jiaxinStaff, {
      ...good,
      name: '',
      idNumber: `${good.idNumber.slice(0, 17)}${good.idNumber[17] === '0' ? '1' : '0'}`,
      phone: '12345',
      categories: [{ category: 'rich', evidence: '' }],
      emergencyContacts: [{ name: '', phone: 'x' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields).toMatchObject({
      name: '请填写姓名',
      idNumber: '身份证号校验位不对，请核对是否抄错',
      phone: '联系电话要是 11 位手机号或带区号的固话',
      'categories.0.category': expect.stringContaining('人员类别只能是：特困、低保、低收入、失能、独居、空巢、高龄、计生特殊家庭'),
      'emergencyContacts.0.name': '请填写紧急联系人的姓名',
      'emergencyContacts.0.phone': expect.stringContaining('紧急联系人的电话'),
    });
    // Once each field is right on its own, they must agree with each other.
    const mismatch = await post('/seniors', t.jiaxinStaff, { ...form(), birthDate: '1944-06-19', gender: 'male', latitude: 30.29 });
    expect(mismatch.body.error.details.fields).toEqual({
      birthDate: '出生日期与身份证号不符（身份证上是 1944-06-18）',
      gender: '性别与身份证号不符（身份证上是女）',
      longitude: '经度和纬度要一起填',
    });
    const missing = await post('/seniors', t.jiaxinStaff, {});
    expect(missing.body.error.details.fields).toMatchObject({
      name: '请填写姓名',
      idNumber: '请填写身份证号',
      address: '请填写住址',
      regionId: '请选择所属社区',
    });
    // A street (not a community) is refused by the service.
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    expect((await post('/seniors', t.mishixiang, form({ regionId: street.id }))).body.error.code).toBe('REGION_NOT_COMMUNITY');
    expect(await h().db.manager.countBy(Senior, { name: '钱阿婆', regionId: street.id })).toBe(0);
  });

  test('one ID number, one senior: a second registration is refused, naming the record only to those who may see it', async () => {
    const f = form();
    const first = await post('/seniors', t.jiaxinStaff, f);
    expect(first.status).toBe(201);
    const again = await post('/seniors', t.mishixiang, { ...f, name: '钱阿婆二', idNumber: ` ${f.idNumber.toLowerCase()} ` });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'SENIOR_ALREADY_REGISTERED', details: { seniorId: first.body.id } });
    const elsewhere = await post('/seniors', t.hushu, { ...f, regionId: maiyuqiao.id, address: '卖鱼桥' });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.details).toBeUndefined();
  });

  test('scope: staff register and edit only for their centre and street, administrators only in their region', async () => {
    const created = (await post('/seniors', t.jiaxinStaff, form())).body;
    const denied = [
      [await patch(`/seniors/${created.id}`, t.maiyuqiaoStaff, { version: 1, dietNotes: 'x' }), 'SENIOR_OUT_OF_SCOPE'],
      [await patch(`/seniors/${created.id}`, t.hushu, { version: 1, dietNotes: 'x' }), 'SENIOR_OUT_OF_SCOPE'],
      [await post('/seniors', t.hushu, form()), 'REGION_OUT_OF_SCOPE'],
      [await post('/seniors', t.jiaxinStaff, form({ homeCentreId: maiyuqiaoCentreId })), 'CENTRE_OUT_OF_SCOPE'],
      [await post('/seniors', t.jiaxinStaff, form({ regionId: maiyuqiao.id })), 'REGION_OUT_OF_SCOPE'],
      [await post('/seniors', t.mishixiang, form({ homeCentreId: maiyuqiaoCentreId })), 'CENTRE_OUT_OF_SCOPE'],
      [await post('/seniors', t.daughter, form()), 'SENIOR_REGISTRAR_NOT_ALLOWED'],
      [await patch(`/seniors/${created.id}`, t.jiaxinStaff, { version: 1, homeCentreId: maiyuqiaoCentreId }), 'STAFF_CANNOT_TRANSFER'],
      [await get(`/seniors/${created.id}`, t.maiyuqiaoStaff), 'FORBIDDEN'],
    ] as const;
    for (const [res, code] of denied) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe(code);
    }
    expect((await h().db.manager.findOneByOrFail(Senior, { id: created.id })).version).toBe(1);
    // Staff list their centre's seniors only; an administrator filters inside the region, not outside it.
    const mine = await get('/seniors?limit=200', t.maiyuqiaoStaff);
    expect(mine.body.items.every((s: { homeCentreId: number }) => s.homeCentreId === maiyuqiaoCentreId)).toBe(true);
    expect(mine.body.items.map((s: { id: number }) => s.id)).not.toContain(created.id);
    expect((await get(`/seniors?regionId=${jiaxin.id}`, t.hushu)).body.error.code).toBe('REGION_OUT_OF_SCOPE');
    // Within the street, staff may move a senior to another community; an administrator may move them to another centre.
    const moved = await patch(`/seniors/${created.id}`, t.jiaxinStaff, { version: 1, regionId: zuojia.id, address: '左家新村 5 幢' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ regionId: zuojia.id, version: 2, homeCentreId: jiaxinCentreId });
    const transferred = await patch(`/seniors/${created.id}`, t.district, { version: 2, regionId: maiyuqiao.id, homeCentreId: maiyuqiaoCentreId });
    expect(transferred.body).toMatchObject({ regionId: maiyuqiao.id, homeCentreId: maiyuqiaoCentreId, version: 3 });
    expect((await get(`/seniors/${created.id}`, t.jiaxinStaff)).status).toBe(403);
    expect((await get(`/seniors/${created.id}`, t.maiyuqiaoStaff)).status).toBe(200);
  });

  test('an edit made on a stale version is refused with 409 and changes nothing; each edit is audited with what changed', async () => {
    const created = (await post('/seniors', t.jiaxinStaff, form())).body;
    const first = await patch(`/seniors/${created.id}`, t.jiaxinStaff, { version: 1, phone: '13800001234', dietNotes: '软食' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ phone: '13800001234', dietNotes: '软食', version: 2 });
    const stale = await patch(`/seniors/${created.id}`, t.mishixiang, { version: 1, dietNotes: '不吃辣' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', message: '这条记录刚被别人改过，请刷新后再改', details: { currentVersion: 2 } });
    expect((await get(`/seniors/${created.id}`, t.jiaxinStaff)).body).toMatchObject({ dietNotes: '软食', version: 2 });
    // Nothing to change is no change: the version stays.
    expect((await patch(`/seniors/${created.id}`, t.jiaxinStaff, { version: 2, dietNotes: '软食' })).body.version).toBe(2);
    expect((await patch(`/seniors/${created.id}`, t.jiaxinStaff, { dietNotes: 'x' })).body.error.details.fields.version).toContain('版本号');
    // Birth date and gender follow the ID number: changing one needs the number.
    const noId = await patch(`/seniors/${created.id}`, t.jiaxinStaff, { version: 2, birthDate: '1944-06-19' });
    expect(noId.status).toBe(422);
    expect(noId.body.error.code).toBe('ID_NUMBER_NEEDED');
    const audit = await h().db.manager.find(AuditLog, { where: { entityType: 'senior', entityId: created.id }, order: { id: 'ASC' } });
    expect(audit.map((a) => a.action)).toEqual(['senior.create', 'senior.update']);
    expect(audit[1].detail).toEqual({ changes: { phone: ['139****5678', '138****1234'], dietNotes: ['少盐', '软食'] } });
  });

  test('two edits made at once on the same version: exactly one applies, the other is 409', async () => {
    const created = (await post('/seniors', t.jiaxinStaff, form())).body;
    const results = await Promise.all(
      ['软食', '不吃辣', '糖尿病餐', '流食'].map((dietNotes, i) =>
        patch(`/seniors/${created.id}`, i % 2 ? t.mishixiang : t.jiaxinStaff, { version: 1, dietNotes }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(winners[0].body.version).toBe(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(3);
    const row = await h().db.manager.findOneByOrFail(Senior, { id: created.id });
    expect(row).toMatchObject({ version: 2, dietNotes: winners[0].body.dietNotes });
    expect(await h().db.manager.countBy(AuditLog, { entityType: 'senior', entityId: created.id, action: 'senior.update' })).toBe(1);
  });

  test('a category counts for subsidy until its valid-until date, and no longer', async () => {
    // 66 years old: only the minimum-living (低保) policy can subsidise her lunch, at half price.
    const f = form({ categories: [{ category: 'minimum_living', evidence: '低保证 330105-0012', validUntil: addDays(TODAY, 1) }] }, '1960-05-06');
    const senior = (await post('/seniors', t.jiaxinStaff, f)).body;
    const quote = async (date: string) =>
      (await post('/quotes', t.jiaxinStaff, { seniorId: senior.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', date)).id })).body;
    const within = await quote(addDays(TODAY, 1));
    expect(within.policy.name).toBe('低保老人助餐补贴');
    expect(within.subsidyFen).toBe(Math.floor(within.priceFen / 2));
    const after = await quote(addDays(TODAY, 2));
    expect(after).toMatchObject({ subsidyFen: 0, policy: null });
    // Once the day has passed, the view says so too.
    h().clock.set(new Date(Date.parse(T0) + 2 * 86_400_000));
    const staff = await loginConsole(h(), 'staff-jiaxin'); // a console session lasts 12 hours
    const seen = (await get(`/seniors/${senior.id}`, staff)).body;
    expect(seen.categories).toEqual([]);
    expect(seen.categoryRecords).toEqual([
      { category: 'minimum_living', label: '低保', evidence: '低保证 330105-0012', validUntil: addDays(TODAY, 1), counts: false },
    ]);
    // Renewed by an edit, it counts again.
    const renewed = await patch(`/seniors/${senior.id}`, staff, {
      version: 1,
      categories: [{ category: 'minimum_living', evidence: '低保证 330105-0012', validUntil: '2027-12-31' }],
    });
    expect(renewed.body.categories).toEqual(['minimum_living']);
  });

  /** The first bath slot after today (baths are on some weekdays only). */
  const nextBathSlot = () =>
    h()
      .db.manager.createQueryBuilder(Slot, 's')
      .innerJoin(ServiceItem, 'i', 'i.id = s.serviceItemId')
      .where("i.kind = 'bath' AND s.date > :today", { today: TODAY })
      .orderBy('s.startsAt', 'ASC')
      .getOneOrFail();

  test('assessments: the latest sets the ability level (and so the bath subsidy); an older one does not; a stale correction is 409', async () => {
    const senior = (await post('/seniors', t.jiaxinStaff, form({}, '1958-02-02'))).body;
    const bath = await nextBathSlot();
    const quote = async () => (await post('/quotes', t.district, { seniorId: senior.id, slotId: bath.id })).body;
    expect((await quote()).subsidyFen).toBe(0);

    const first = await post(`/seniors/${senior.id}/assessments`, t.jiaxinStaff, { assessedOn: '2026-11-20', assessor: '拱墅区评估中心 王医生', level: 3 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ level: 3, levelLabel: '能力重度受损（重度失能）', nextDue: '2027-11-20', current: true, version: 1 });
    expect((await get(`/seniors/${senior.id}`, t.jiaxinStaff)).body).toMatchObject({
      abilityLevel: 3,
      abilityAssessedOn: '2026-11-20',
      nextAssessmentDue: '2027-11-20',
      version: 2,
    });
    const q = await quote();
    expect(q.policy.name).toBe('失能老人助浴补贴');
    expect(q.subsidyFen).toBe(Math.floor((q.priceFen * 80) / 100));

    // An older assessment entered late does not override the newer one.
    const older = await post(`/seniors/${senior.id}/assessments`, t.mishixiang, { assessedOn: '2025-10-01', assessor: '旧评估', level: 1, nextDue: null });
    expect(older.body.current).toBe(false);
    expect((await get(`/seniors/${senior.id}`, t.jiaxinStaff)).body.abilityLevel).toBe(3);
    const list = await get(`/seniors/${senior.id}/assessments`, t.jiaxinStaff);
    expect(list.body.items.map((a: { assessedOn: string; current: boolean }) => [a.assessedOn, a.current])).toEqual([
      ['2026-11-20', true],
      ['2025-10-01', false],
    ]);

    // A correction on the version read; the same correction again is stale.
    const corrected = await patch(`/seniors/${senior.id}/assessments/${first.body.id}`, t.jiaxinStaff, { version: 1, level: 1 });
    expect(corrected.body).toMatchObject({ level: 1, version: 2 });
    expect((await patch(`/seniors/${senior.id}/assessments/${first.body.id}`, t.jiaxinStaff, { version: 1, level: 4 })).status).toBe(409);
    expect((await get(`/seniors/${senior.id}`, t.jiaxinStaff)).body.abilityLevel).toBe(1);
    expect((await quote()).subsidyFen).toBe(0);

    const bad = await post(`/seniors/${senior.id}/assessments`, t.jiaxinStaff, { assessedOn: addDays(TODAY, 1), assessor: '', level: 5 });
    expect(bad.body.error.details.fields).toMatchObject({ assessor: '请填写评估员或评估机构', level: expect.stringContaining('能力等级只能是 0 到 4') });
    const future = await post(`/seniors/${senior.id}/assessments`, t.jiaxinStaff, { assessedOn: addDays(TODAY, 1), assessor: 'x', level: 2 });
    expect(future.body.error.details.fields).toEqual({ assessedOn: '评估日期不能晚于今天' });
    expect((await get(`/seniors/${senior.id}/assessments`, t.daughter)).status).toBe(403);
    expect((await post(`/seniors/${senior.id}/assessments`, t.maiyuqiaoStaff, { assessedOn: TODAY, assessor: 'x', level: 2 })).body.error.code).toBe(
      'SENIOR_OUT_OF_SCOPE',
    );
  });

  test('closing a record: future bookings cancelled and refunded, the family told, no more booking or subsidy; then reopened', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const tomorrow = addDays(TODAY, 1);
    // Her daughter books lunch (a co-payment, paid at WeChat Pay) and a dinner; a bath is booked at the street centre.
    const lunch = await post('/bookings', t.daughter, { seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', tomorrow)).id, quantity: 2 });
    expect(lunch.status).toBe(201);
    const pay = await post(`/bookings/${lunch.body.id}/pay`, t.daughter, { via: 'miniprogram' });
    expect(pay.status).toBe(200);
    h().sandbox.wxpay.pay(pay.body.payment.outTradeNo);
    await h().sandbox.wxpay.settled();
    const paid = (await get(`/bookings/${lunch.body.id}/payments`, t.district)).body;
    expect(paid.paidFen).toBeGreaterThan(0);
    const dinner = await post('/bookings', t.daughter, { seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'dinner', tomorrow)).id });
    expect(dinner.status).toBe(201);
    const bath = await post('/bookings', t.district, { seniorId: zhang.id, slotId: (await nextBathSlot()).id });
    expect(bath.status).toBe(201);
    const before = h().sandbox.wxapi.allOutbox().length;

    const version = (await get(`/seniors/${zhang.id}`, t.jiaxinStaff)).body.version;
    expect((await post(`/seniors/${zhang.id}/deactivate`, t.jiaxinStaff, { reason: 'gone', version })).body.error.details.fields.reason).toContain('停用原因');
    expect((await post(`/seniors/${zhang.id}/deactivate`, t.maiyuqiaoStaff, { reason: 'deceased', version })).status).toBe(403);
    const closed = await post(`/seniors/${zhang.id}/deactivate`, t.jiaxinStaff, { reason: 'deceased', note: '家属电话告知', version });
    expect(closed.status).toBe(200);
    expect(closed.body.senior).toMatchObject({ active: false, deactivationReason: 'deceased', deactivationNote: '家属电话告知', version: version + 1 });
    expect([...closed.body.cancelledBookingIds].sort()).toEqual([lunch.body.id, dinner.body.id, bath.body.id].sort());
    expect(closed.body.familyNotified).toBe(1);
    await h().sandbox.wxpay.settled();

    // Every booking cancelled whatever its centre and cut-off, the seats back, the co-payment refunded.
    for (const id of [lunch.body.id, dinner.body.id, bath.body.id]) {
      const b = await h().db.manager.findOneByOrFail(Booking, { id });
      expect(b.status).toBe('cancelled');
      expect(b.closeReason).toBe('老人档案停用（去世）');
    }
    const ledger = (await get(`/bookings/${lunch.body.id}/payments`, t.district)).body;
    expect(ledger).toMatchObject({ refundedFen: paid.paidFen, refundingFen: 0 });
    // The daughter heard about it (subscribe message in the mini-program, or a template message).
    const sent = h().sandbox.wxapi.allOutbox().slice(before);
    const told = sent.find((m) => m.templateId === 'mulin_sub_senior_status' || m.templateId === 'mulin_tpl_senior_status');
    expect(told).toBeDefined();
    expect(JSON.stringify(told!.payload)).toContain('张桂英');
    const audit = await h().db.manager.find(AuditLog, { where: { entityType: 'senior', entityId: zhang.id }, order: { id: 'ASC' } });
    expect(audit.map((a) => a.action)).toContain('senior.deactivate');

    // No booking and no subsidy any more; lists leave the record out unless asked for closed records.
    const refused = await post('/bookings', t.daughter, { seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', tomorrow)).id });
    expect(refused.status).toBe(404);
    expect((await post('/quotes', t.jiaxinStaff, { seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', tomorrow)).id })).status).toBe(404);
    const ids = async (q: string) => (await get(`/seniors?limit=200${q}`, t.jiaxinStaff)).body.items.map((s: { id: number }) => s.id);
    expect(await ids('')).not.toContain(zhang.id);
    expect(await ids('&status=inactive')).toEqual([zhang.id]);
    expect((await post(`/seniors/${zhang.id}/deactivate`, t.jiaxinStaff, { reason: 'deceased', version: version + 1 })).body.error.code).toBe(
      'SENIOR_ALREADY_INACTIVE',
    );

    // Reopened (closed by mistake): bookable again; what was cancelled stays cancelled.
    expect((await post(`/seniors/${zhang.id}/reactivate`, t.jiaxinStaff, { version })).status).toBe(409);
    const reopened = await post(`/seniors/${zhang.id}/reactivate`, t.jiaxinStaff, { version: version + 1, note: '登记错误' });
    expect(reopened.body).toMatchObject({ active: true, deactivationReason: null, version: version + 2 });
    const again = await post('/bookings', t.daughter, { seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'dinner', tomorrow)).id });
    expect(again.status).toBe(201);
    expect((await h().db.manager.findOneByOrFail(Booking, { id: dinner.body.id })).status).toBe('cancelled');
  });

  test('the list filters by category (what the console filter sends); an unknown category is refused in Chinese', async () => {
    const names = async (q: string) => (await get(`/seniors?limit=200${q}`, t.jiaxinStaff)).body.items.map((s: { name: string }) => s.name);
    const alone = await names('&category=living_alone');
    expect(alone).toContain('张桂英');
    expect(alone).not.toContain('李建国');
    const minimum = await names('&category=minimum_living');
    expect(minimum).toContain('李建国');
    expect(minimum).not.toContain('张桂英');
    const bad = await get('/seniors?category=rich', t.jiaxinStaff);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.category).toMatch(/人员类别只能是/);
  });
});
