import { Account, Centre, Senior, ServiceItem, type Slot, SubsidyPolicy } from '../../entities';
import type { Actor } from '../../server/services/access/actor';
import type { Reservation } from '../../server/services/booking/booking-writer';
import { DONGYUAN, JIAXIN, MAIYUQIAO, loginConsole, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

/**
 * Bookings that arrive together are decided together in one transaction (group commit). Whatever shares a batch,
 * each booking must come out exactly as it would have alone: caps counted across the batch, one seat per senior
 * per slot, and a batch that fails as a whole loses nothing.
 */
describeEachDb('bookings decided together', (h) => {
  let admin: string;
  beforeAll(async () => {
    admin = await loginConsole(h(), 'admin');
  });
  beforeEach(() => h().clock.set(T0));

  const book = (seniorId: number, slotId: number) => h().http.post('/api/v1/bookings').set('authorization', admin).send({ seniorId, slotId });
  /** Bookings as the administrator's booking list shows them (every status). */
  const listed = async (query: string): Promise<Array<{ id: number; senior: { id: number }; subsidyFen: number }>> =>
    (await seen(h(), admin, `/bookings?${query}&limit=200`)).items;
  const seatsTaken = async (slotId: number): Promise<number> => (await seen(h(), admin, `/slots/${slotId}`)).booked;

  /** Bookings for other seniors on another slot, sent alongside, so that the requests under test share batches. */
  async function company(n: number) {
    const slot = await slotOf(h(), MAIYUQIAO, 'lunch', '2026-12-05');
    const others = await h().db.manager.find(Senior, { order: { id: 'DESC' }, take: n });
    return others.map((s) => book(s.id, slot.id));
  }

  /** A reservation as BookingService hands it to the writer once every lock-free check has passed. */
  async function reservationFor(senior: Senior, slot: Slot, key: string | null = null): Promise<Reservation> {
    const account = await h().db.manager.findOneByOrFail(Account, { username: 'admin' });
    const actor: Actor = {
      accountId: account.id,
      displayName: account.displayName,
      roles: account.roles,
      seniorId: null,
      centreId: null,
      regionPath: account.regionPath,
      ip: '127.0.0.1',
    };
    const item = await h().db.manager.findOneByOrFail(ServiceItem, { id: slot.serviceItemId });
    const centre = await h().db.manager.findOneByOrFail(Centre, { id: slot.centreId });
    const policies = await h().db.manager.findBy(SubsidyPolicy, { category: item.category, active: true });
    return {
      actor,
      senior,
      slot,
      item,
      centre,
      unitPriceFen: item.priceFen,
      policies,
      quantity: 1,
      payAtCounter: false,
      bookedBy: 'staff',
      deliveryMode: 'dine_in',
      note: '',
      channel: 'console',
      idempotencyKey: key,
      requestHash: key ? 'h' : null,
    };
  }

  test('two lunches for one senior in one batch: the one-subsidised-lunch-a-day cap still holds', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const lunches = [await slotOf(h(), JIAXIN, 'lunch', '2026-12-05'), await slotOf(h(), DONGYUAN, 'lunch', '2026-12-05')];
    const reservations = await Promise.all(lunches.map((slot) => reservationFor(zhang, slot)));
    const writer = h().services.bookingWriter;
    const before = writer.stats.batches;
    const [a, b] = await Promise.all(reservations.map((r) => writer.write(r))); // queued in one tick: one batch
    expect(writer.stats.batches).toBe(before + 1);
    expect([a.booking.subsidyFen, b.booking.subsidyFen]).toEqual([300, 0]); // in arrival order
    expect(b.booking.subsidyReason).toContain('当天已享受过 1 份补贴');
    expect(b.booking.copayFen).toBe(1500);
    const saved = await listed(`seniorId=${zhang.id}&date=2026-12-05`);
    expect(saved.map((x) => x.subsidyFen).sort()).toEqual([0, 300]);
  });

  test('one senior twice for one slot in one batch: one booking, one ALREADY_BOOKED, one seat taken', async () => {
    const li = await seniorNamed(h(), '李建国');
    const slot = await slotOf(h(), JIAXIN, 'dinner', '2026-12-06');
    const [r1, r2] = await Promise.all([book(li.id, slot.id), book(li.id, slot.id), ...(await company(10))]);
    expect([r1.status, r2.status].sort()).toEqual([201, 409]);
    expect((r1.status === 409 ? r1 : r2).body.error.code).toBe('ALREADY_BOOKED');
    expect(await listed(`seniorId=${li.id}&slotId=${slot.id}`)).toHaveLength(1);
    expect(await seatsTaken(slot.id)).toBe(slot.booked + 1);
  });

  test('a batch that fails as a whole is retried one by one: the others are booked, nothing half-written', async () => {
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-07');
    const seniors = await h().db.manager.find(Senior, { order: { id: 'ASC' }, take: 7 });
    const reservation = async (senior: Senior, key: string | null) => reservationFor(senior, slot, key);
    const writer = h().services.bookingWriter;
    await writer.write(await reservation(seniors[0], 'used-key'));

    // Six at once; the last reuses a key that already has a booking (as if its own pre-check had raced), so the
    // batch's INSERT breaks the unique index and the whole transaction rolls back.
    const splitsBefore = writer.stats.splits;
    const batch = await Promise.all([...seniors.slice(1, 6).map((s) => reservation(s, null)), reservation(seniors[6], 'used-key')]);
    const results = await Promise.allSettled(batch.map((r) => writer.write(r))); // queued in one tick: one batch
    expect(writer.stats.splits).toBe(splitsBefore + 1);
    expect(results.slice(0, 5).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const failed = results[5];
    expect(failed.status).toBe('rejected');
    expect(h().db.isDuplicateKey((failed as PromiseRejectedResult).reason)).toBe(true);

    const rows = await listed(`centreId=${slot.centreId}&slotId=${slot.id}`);
    expect(rows.map((b) => b.senior.id).sort((x, y) => x - y)).toEqual(
      seniors
        .slice(0, 6)
        .map((s) => s.id)
        .sort((x, y) => x - y),
    );
    expect(await seatsTaken(slot.id)).toBe(slot.booked + 6);
    // Staff bookings are audited, once each, only for the bookings that exist.
    const audited = await h().db.manager.query(
      `SELECT entityId FROM audit_log WHERE action = 'booking.create' AND entityId IN (${rows.map((b) => b.id).join(',')})`,
    );
    expect(audited).toHaveLength(6);
  });
});
