import { Between, In } from 'typeorm';
import { Menu, ServiceItem, Slot } from '../../entities';
import { centreNamed, JIAXIN, loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';
import { REFERENCE_MAX_AGE_MS } from '../../server/lib/fresh-reads';

/** Slot listings as the mini-program and the bot read them, checked against the tables themselves. */
describeEachDb('slot listings', (h) => {
  let auth: string;
  beforeAll(async () => {
    auth = await loginWechat(h(), 'o_family_01');
  });
  beforeEach(() => h().clock.set(T0));

  const list = async (query: Record<string, string | number>) => {
    const res = await h().http.get('/api/v1/slots').query(query).set('authorization', auth);
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, any>>;
  };

  test("a centre's meals over three days: exactly its slots of active meal items, in time order, with item, seats and menu", async () => {
    const centre = await centreNamed(h(), JIAXIN);
    const items = await list({ centreId: centre.id, category: 'meal', from: '2026-12-03', to: '2026-12-05' });

    const meals = await h().db.manager.findBy(ServiceItem, { centreId: centre.id, category: 'meal', active: true });
    const expected = await h().db.manager.find(Slot, {
      where: { centreId: centre.id, serviceItemId: In(meals.map((m) => m.id)), date: Between('2026-12-03', '2026-12-05') },
      order: { startsAt: 'ASC', id: 'ASC' },
    });
    expect(expected.map((x) => x.date)).toEqual(['2026-12-03', '2026-12-03', '2026-12-04', '2026-12-04', '2026-12-05', '2026-12-05']); // lunch and dinner
    expect(items.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    const menus = new Map((await h().db.manager.findBy(Menu, { slotId: In(expected.map((s) => s.id)) })).map((m) => [m.slotId, m]));
    for (const [i, s] of items.entries()) {
      const row = expected[i];
      const item = meals.find((m) => m.id === row.serviceItemId)!;
      expect(s).toMatchObject({ centreId: centre.id, date: row.date, capacity: row.capacity, remaining: row.capacity - row.booked });
      expect(s.serviceItem).toMatchObject({ id: item.id, name: item.name, category: 'meal', kind: item.kind, priceFen: item.priceFen });
      expect(s.menu?.dishes.length ?? 0).toBe(menus.get(row.id)?.dishes.length ?? 0);
    }
  });

  test('kind narrows the listing, and a service item withdrawn in the database takes its slots out of it within a second', async () => {
    const centre = await centreNamed(h(), JIAXIN);
    const query = { centreId: centre.id, kind: 'lunch', from: '2026-12-03', to: '2026-12-09' };
    const lunches = await list(query);
    // The week the demo seeded: a lunch a day from the 3rd to the 7th (the 8th and 9th are not made yet).
    expect(lunches.map((x) => [x.date, x.start])).toEqual(['2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07'].map((d) => [d, '11:00']));
    expect(new Set(lunches.map((s) => s.serviceItem.kind))).toEqual(new Set(['lunch']));

    const itemId = lunches[0].serviceItem.id as number;
    await h().db.manager.update(ServiceItem, { id: itemId }, { active: false });
    try {
      // Listings are shared for REFERENCE_MAX_AGE_MS (as another instance's change would reach this one).
      expect((await list(query)).map((s) => s.id)).toEqual(lunches.map((s) => s.id));
      h().clock.advance(REFERENCE_MAX_AGE_MS);
      expect((await list(query)).filter((s) => s.serviceItem.id === itemId)).toEqual([]);
    } finally {
      await h().db.manager.update(ServiceItem, { id: itemId }, { active: true });
      h().clock.advance(REFERENCE_MAX_AGE_MS);
    }
    expect((await list(query)).map((s) => s.id)).toEqual(lunches.map((s) => s.id));
  });

  test('a listing read a moment ago still says a slot can no longer be booked once its cut-off has passed', async () => {
    const centre = await centreNamed(h(), JIAXIN);
    const query = { centreId: centre.id, kind: 'lunch', from: '2026-12-05', to: '2026-12-05' };
    const [first] = await list(query);
    h().clock.set(new Date(Date.parse(first.bookingCutoffAt) - 400));
    const before = (await list(query)).find((s) => s.id === first.id)!;
    expect(before.bookable).toBe(true);
    h().clock.advance(400); // within REFERENCE_MAX_AGE_MS: the same rows, asked at the cut-off
    const after = (await list(query)).find((s) => s.id === first.id)!;
    expect(after).toEqual({ ...before, bookable: false });
  });

  test("this instance's own bookings and cancellations show in the seats left at once, a booking by another instance within a second", async () => {
    const centre = await centreNamed(h(), JIAXIN);
    const query = { centreId: centre.id, kind: 'lunch', from: '2026-12-07', to: '2026-12-07' };
    const [slot] = await list(query);
    const seatsLeft = async () => (await list(query)).find((s) => s.id === slot.id)!.remaining as number;
    expect(slot.remaining).toBeGreaterThan(2);

    const admin = await loginConsole(h(), 'admin');
    const senior = await seniorNamed(h(), '陈阿毛');
    const booked = await h().http.post('/api/v1/bookings').set('authorization', admin).send({ slotId: slot.id, seniorId: senior.id, quantity: 1 });
    expect(booked.status).toBe(201);
    expect(await seatsLeft()).toBe(slot.remaining - 1);
    const cancelled = await h().http.post(`/api/v1/bookings/${booked.body.id}/cancel`).set('authorization', admin).send({ reason: '不去了' });
    expect(cancelled.status).toBe(200);
    expect(await seatsLeft()).toBe(slot.remaining);

    // Another instance's booking: the seat taken in the database, not through this one.
    await h().db.manager.increment(Slot, { id: slot.id }, 'booked', 1);
    try {
      expect(await seatsLeft()).toBe(slot.remaining);
      h().clock.advance(REFERENCE_MAX_AGE_MS);
      expect(await seatsLeft()).toBe(slot.remaining - 1);
    } finally {
      await h().db.manager.decrement(Slot, { id: slot.id }, 'booked', 1);
    }
  });
});
