import fs from 'node:fs';
import path from 'node:path';
import { AuditLog, Region, Visit, VisitPhoto } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling, type Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { loginConsole, loginWechat, seen, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';
import { TINY_PNG, fakeJpeg } from '../helpers/images';

// Photos on a visit (issue 24): optional, through the file store (local files under MULIN_FILES_DIR). Added by the
// visitor who recorded it or the centre's staff, within a day; the bytes read back are the bytes sent; too big, not an
// image (by its bytes, whatever the header says), a visit not yet recorded and the wrong person are refused in
// Chinese; seen by those who may see the visit (the family only where the senior shares her visits); deleted with
// their files by the personal-data purge after MULIN_RETAIN_PHOTO_DAYS (180).

const DAY = 86_400_000;

describeEachDb('visit photos', (h) => {
  const t = {} as Record<'street' | 'staff' | 'otherStaff' | 'otherStreet' | 'senior' | 'daughter', string>;
  let zhangId: number;
  let visit: Visit;
  let photoId: number;
  let runner: JobRunner<Services>;

  async function signIn(): Promise<void> {
    t.street = await loginConsole(h(), 'admin-mishixiang');
    t.otherStreet = await loginConsole(h(), 'admin-hushu');
    t.staff = await loginConsole(h(), 'staff-jiaxin');
    t.otherStaff = await loginConsole(h(), 'staff-maiyuqiao');
    t.senior = await loginWechat(h(), 'o_mini_senior_01');
    t.daughter = await loginWechat(h(), 'o_family_01');
  }
  const upload = (visitId: number, auth: string, body: Buffer | string, type = 'image/png') =>
    h().http.post(`/api/v1/visits/${visitId}/photos`).set('authorization', auth).type(type).send(body);
  const photo = (visitId: number, id: number, auth: string) =>
    h()
      .http.get(`/api/v1/visits/${visitId}/photos/${id}`)
      .set('authorization', auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    h().clock.set(T0);
    await signIn();
    runner = buildScheduling(h().services, { instance: 'test-instance', jobs: JOBS }).runner;
    zhangId = (await seniorNamed(h(), '张桂英')).id;
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    await h()
      .http.post('/api/v1/visit-rules')
      .set('authorization', t.street)
      .send({ regionId: street.id, category: 'living_alone', intervalDays: 7 })
      .expect(201);
    await h().services.visitPlans.plan();
    visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
  });

  test('a photo on a visit not yet recorded is refused; recorded, its visitor adds one and reads back the same bytes; the audit log has it', async () => {
    const early = await upload(visit.id, t.staff, TINY_PNG);
    expect([early.status, early.body.error.code, early.body.error.message]).toEqual([409, 'VISIT_NOT_DONE', '这次探访还没有登记，登记以后才能上传照片']);

    const code = await seen(h(), t.senior, `/seniors/${zhangId}/visit-code`);
    await h()
      .http.post(`/api/v1/visits/${visit.id}/record`)
      .set('authorization', t.staff)
      .send({ proof: { code: code.code }, health: 'good', mood: 'good', homeSafety: 'attention', note: '电线老化', version: visit.version })
      .expect(200);

    const added = await upload(visit.id, t.staff, TINY_PNG);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ visitId: visit.id, contentType: 'image/png', bytes: TINY_PNG.length });
    photoId = added.body.id;

    const back = await photo(visit.id, photoId, t.staff);
    expect(back.status).toBe(200);
    expect(back.headers['content-type']).toBe('image/png');
    expect(back.headers['cache-control']).toContain('no-store');
    expect(Buffer.compare(back.body as Buffer, TINY_PNG)).toBe(0);

    // The visit, as the centre's list and the senior's page show it, has the photo.
    const care = await seen(h(), t.senior, `/seniors/${zhangId}/care`);
    expect(care.visits.find((v: { id: number }) => v.id === visit.id).photoIds).toEqual([photoId]);

    // The bytes are a file in the store (MULIN_FILES_DIR), not in the database.
    const row = await h().db.manager.findOneByOrFail(VisitPhoto, { id: photoId });
    expect(fs.readFileSync(path.join(h().config.filesDir, row.storeKey)).equals(TINY_PNG)).toBe(true);
    const audit = await h().db.manager.findBy(AuditLog, { entityType: 'visit', entityId: visit.id, action: 'visit.photo_add' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ photoId, contentType: 'image/png' });
  });

  test('too big, not an image (whatever the header says), and the wrong person are refused, in Chinese', async () => {
    const big = await upload(visit.id, t.staff, fakeJpeg(5 * 1024 * 1024 + 1), 'image/jpeg');
    expect([big.status, big.body.error.code, big.body.error.message]).toEqual([413, 'VISIT_PHOTO_TOO_LARGE', '照片太大了，请不要超过 5 MB']);
    // A just-small-enough JPEG is taken.
    expect((await upload(visit.id, t.staff, fakeJpeg(5 * 1024 * 1024), 'image/jpeg')).status).toBe(201);

    const text = await upload(visit.id, t.staff, Buffer.from('这不是照片，只是几个字'), 'image/png');
    expect([text.status, text.body.error.code, text.body.error.message]).toEqual([415, 'VISIT_PHOTO_NOT_IMAGE', '只能上传 JPG、PNG 或 WebP 格式的照片']);
    const pdf = await upload(visit.id, t.staff, TINY_PNG, 'application/pdf');
    expect(pdf.body.error.code).toBe('VISIT_PHOTO_NOT_IMAGE');
    const json = await h().http.post(`/api/v1/visits/${visit.id}/photos`).set('authorization', t.staff).send({ photo: 'x' });
    expect(json.body.error.code).toBe('VISIT_PHOTO_NOT_IMAGE');

    const daughter = await upload(visit.id, t.daughter, TINY_PNG);
    expect([daughter.status, daughter.body.error.code, daughter.body.error.message]).toEqual([
      403,
      'VISIT_PHOTO_NOT_ALLOWED',
      '只有登记这次探访的人或老人所在站点的工作人员可以上传照片',
    ]);
    expect((await upload(visit.id, t.otherStaff, TINY_PNG)).body.error.code).toBe('VISIT_PHOTO_NOT_ALLOWED');
    expect((await upload(visit.id, t.street, TINY_PNG)).body.error.code).toBe('VISIT_PHOTO_NOT_ALLOWED');
    // Nothing refused was kept.
    expect(await h().db.manager.countBy(VisitPhoto, { visitId: visit.id })).toBe(2);
  });

  test('seen by her centre, the administrators over it and herself; her daughter once she shares her visits; nobody else', async () => {
    for (const who of [t.staff, t.street, t.senior]) expect((await photo(visit.id, photoId, who)).status).toBe(200);
    for (const who of [t.otherStaff, t.otherStreet]) {
      const res = await h().http.get(`/api/v1/visits/${visit.id}/photos/${photoId}`).set('authorization', who);
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([403, 'VISIT_PHOTO_VIEW_NOT_ALLOWED', '您不能查看这张探访照片']);
    }
    const notShared = await h().http.get(`/api/v1/visits/${visit.id}/photos/${photoId}`).set('authorization', t.daughter);
    expect(notShared.body.error.code).toBe('VISIT_PHOTO_VIEW_NOT_ALLOWED');
    const zhang = await seniorNamed(h(), '张桂英');
    await h().http.put(`/api/v1/seniors/${zhangId}/care-sharing`).set('authorization', t.senior).send({ share: true, version: zhang.version }).expect(200);
    const shared = await photo(visit.id, photoId, t.daughter);
    expect(shared.status).toBe(200);
    expect(Buffer.compare(shared.body as Buffer, TINY_PNG)).toBe(0);
    // A photo asked for under another visit is not found.
    expect(
      (
        await h()
          .http.get(`/api/v1/visits/${visit.id + 999}/photos/${photoId}`)
          .set('authorization', t.staff)
      ).body.error.code,
    ).toBe('VISIT_PHOTO_NOT_FOUND');
  });

  test('a day after recording no more photos are taken', async () => {
    h().clock.advance(DAY + 60_000);
    await signIn();
    const late = await upload(visit.id, t.staff, TINY_PNG);
    expect([late.status, late.body.error.code, late.body.error.message]).toEqual([409, 'VISIT_PHOTO_TOO_LATE', '探访登记一天以后就不能再上传照片了']);
  });

  test('the personal-data purge deletes photos, file and row, after 180 days and not before; a rerun deletes nothing more', async () => {
    const row = await h().db.manager.findOneByOrFail(VisitPhoto, { id: photoId });
    const file = path.join(h().config.filesDir, row.storeKey);
    const purge = async () => (await h().services.retention.purge()).visitPhotos;

    h().clock.set(new Date(Date.parse(T0) + 179 * DAY));
    expect(await purge()).toBe(0);
    expect(fs.existsSync(file)).toBe(true);

    h().clock.set(new Date(Date.parse(T0) + 181 * DAY));
    const run = await runner.run(jobNamed('personal-data-purge')!, h().clock.now());
    expect(run.error).toBeNull();
    expect(await h().db.manager.countBy(VisitPhoto, { visitId: visit.id })).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
    await signIn();
    const gone = await h().http.get(`/api/v1/visits/${visit.id}/photos/${photoId}`).set('authorization', t.staff);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'VISIT_PHOTO_NOT_FOUND']);
    const care = await seen(h(), t.senior, `/seniors/${zhangId}/care`);
    expect(care.visits.every((v: { photoIds: number[] }) => v.photoIds.length === 0)).toBe(true);
    expect(await purge()).toBe(0);
  });
});
