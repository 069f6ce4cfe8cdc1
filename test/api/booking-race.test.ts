import { Slot } from '../../entities';
import { JIAXIN, loginConsole, seen, slotOf } from '../helpers/actors';
import { describeEachDb } from '../helpers/harness';
import { Senior } from '../../entities';
import { Like } from 'typeorm';

const CONCURRENCY = 200;

describeEachDb('booking under contention', (h) => {
  let staff: string;
  let seniors: Senior[];

  beforeAll(async () => {
    staff = await loginConsole(h(), 'staff-jiaxin');
    // 200 different seniors of the Jiaxin centre, so that every request is one senior's first try for the slot.
    const template = await h().db.manager.findOneByOrFail(Senior, { name: '张桂英' });
    const { id: _id, ...fields } = template;
    await h().db.manager.insert(
      Senior,
      Array.from({ length: CONCURRENCY }, (_, i) => ({ ...fields, name: `并发老人${i}`, phone: `139${String(i).padStart(8, '0')}` })),
    );
    seniors = await h().db.manager.find(Senior, { where: { name: Like('并发老人%') }, order: { id: 'ASC' } });
  });

  /** The slot and how many bookings it holds, as the centre's staff see them. */
  const seenByStaff = async (slot: Slot) => ({
    ...(await seen(h(), staff, `/slots/${slot.id}`)),
    bookings: (await seen(h(), staff, `/bookings?centreId=${slot.centreId}&slotId=${slot.id}`)).total,
  });

  /** A slot with exactly `left` seats left (others already taken). */
  async function slotWithSeatsLeft(date: string, kind: 'lunch' | 'dinner', left: number): Promise<Slot> {
    const slot = await slotOf(h(), JIAXIN, kind, date);
    await h().db.manager.update(Slot, { id: slot.id }, { booked: slot.capacity - left });
    return { ...slot, booked: slot.capacity - left };
  }

  test(`${CONCURRENCY} concurrent requests for 10 seats: exactly 10 bookings, ${CONCURRENCY - 10} SLOT_FULL, counter = bookings`, async () => {
    const slot = await slotWithSeatsLeft('2026-12-04', 'lunch', 10);
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        h()
          .http.post('/api/v1/bookings')
          .set('authorization', staff)
          .send({ seniorId: seniors[i % seniors.length].id, slotId: slot.id }),
      ),
    );
    const full = results.filter((r) => r.status === 409 && r.body.error.code === 'SLOT_FULL');
    const made = results.filter((r) => r.status === 201);
    expect(made.length).toBe(10);
    expect(full.length).toBe(CONCURRENCY - 10);
    expect(full[0].body.error.message).toContain('已经约满');
    const after = await seenByStaff(slot);
    expect(after.bookings).toBe(10);
    expect(after).toMatchObject({ booked: after.capacity, remaining: 0 });
    expect(after.booked - slot.booked).toBe(after.bookings);
    expect(new Set(made.map((r) => r.body.senior.id)).size).toBe(10);
  });

  test(`${CONCURRENCY} concurrent repeats of one Idempotency-Key make one booking and all get it back`, async () => {
    const slot = await slotWithSeatsLeft('2026-12-04', 'dinner', 10);
    const body = { seniorId: seniors[5].id, slotId: slot.id };
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        h().http.post('/api/v1/bookings').set('authorization', staff).set('Idempotency-Key', 'race-key-0001').send(body),
      ),
    );
    expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true').length).toBe(CONCURRENCY - 1);
    expect(await seenByStaff(slot)).toMatchObject({ bookings: 1, booked: slot.booked + 1 });

    const different = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', staff)
      .set('Idempotency-Key', 'race-key-0001')
      .send({ ...body, quantity: 2 });
    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
