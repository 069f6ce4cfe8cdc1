import { Booking, WechatInbound } from '../../entities';
import { JIAXIN, loginConsole, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb } from '../helpers/harness';

/** EntityRows' narrow reader converts exactly as the full hydration does, on both databases. */
describeEachDb('EntityRows.picker', (h) => {
  test("a narrow SELECT of the picker's columns gives the same values as the whole row hydrated", async () => {
    const admin = await loginConsole(h(), 'admin');
    const senior = await seniorNamed(h(), '李建国');
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-04');
    const res = await h().http.post('/api/v1/bookings').set('authorization', admin).send({ seniorId: senior.id, slotId: slot.id, quantity: 2 });
    expect(res.status).toBe(201);

    const rows = h().db.rows(Booking);
    const props = ['id', 'seniorId', 'serviceDate', 'category', 'kind', 'subsidisedQuantity', 'subsidyFen', 'paymentDueAt', 'note'] as const;
    const picker = rows.picker(props);
    const [narrow] = await h().db.manager.query(`SELECT ${picker.columns} FROM booking WHERE id = ?`, [res.body.id]);
    const [whole] = await h().db.manager.query(`${rows.select} WHERE id = ?`, [res.body.id]);
    const full = rows.hydrate(whole);
    const picked = picker.read(narrow);
    expect(picked).toEqual(Object.fromEntries(props.map((p) => [p, full[p]])));
    expect(picked).toMatchObject({ seniorId: senior.id, serviceDate: '2026-12-04', category: 'meal', kind: 'lunch', subsidyFen: 750 });
    expect(picked.paymentDueAt).toBeInstanceOf(Date);
    expect(() => rows.picker(['nope' as never])).toThrow('Booking.nope is not a column');
  });

  test('INSERT … RETURNING gives each inserted row its generated id; with ignore, rows colliding with a unique key are left out', async () => {
    const rows = h().db.rows(WechatInbound);
    const at = new Date('2026-12-03T08:00:00.000Z');
    const row = (key: string) => ({
      dedupeKey: key,
      openid: 'o_rows',
      msgType: 'text',
      receivedAt: at,
      said: key,
      intent: '',
      accountId: null,
      seniorId: null,
      reply: null,
      handledAt: null,
    });
    const first = await rows.insertReturning(h().db.manager, [row('er:a'), row('er:b')], ['id', 'dedupeKey']);
    const stored = await h().db.manager.find(WechatInbound, { where: { openid: 'o_rows' } });
    expect(first.map((r) => [r.dedupeKey, r.id]).sort()).toEqual(stored.map((r) => [r.dedupeKey, r.id]).sort());
    expect(new Set(first.map((r) => r.id)).size).toBe(2);
    const second = await rows.insertReturning(h().db.manager, [row('er:b'), row('er:c')], ['dedupeKey'], 'ignore');
    expect(second).toEqual([{ dedupeKey: 'er:c' }]);
    await expect(rows.insertReturning(h().db.manager, [row('er:a')], ['id'])).rejects.toThrow();
    expect(await h().db.manager.countBy(WechatInbound, { openid: 'o_rows' })).toBe(3);
  });
});
