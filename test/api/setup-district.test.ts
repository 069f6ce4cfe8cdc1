import { addDays, isoWeekday } from '../../server/lib/time';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

// docs/setup-district.md, step by step, from an empty database (no demo seed) on SQLite and MariaDB: the district and
// its first administrator from the command line's service, then everything else through /api/v1 as the walk-through
// shows it. If this test has to change, the walk-through does too.

describeEachDb(
  'setting up a district from an empty database',
  (h) => {
    beforeEach(() => h().clock.set(T0));

    test('district, streets, communities, a centre and its neighbour point, services, prices, weekly slots', async () => {
      // 1. npm run district -- --name 拱墅区 --admin gongshu-admin
      const made = await h().services.registry.regions.createDistrict('拱墅区', { username: 'gongshu-admin', displayName: '拱墅区民政局' });
      expect(made.district).toMatchObject({ name: '拱墅区', level: 'district', parentId: null, path: `/${made.district.id}/` });
      const again = h().services.registry.regions.createDistrict('拱墅区', { username: 'someone-else', displayName: 'x' });
      await expect(again).rejects.toMatchObject({ code: 'REGION_NAME_TAKEN' });

      // 2. Sign in.
      const login = await h().http.post('/api/v1/auth/password-login').send({ username: 'gongshu-admin', password: made.password }).expect(200);
      const admin = `Bearer ${login.body.token}`;
      const api = (method: 'get' | 'post' | 'patch', path: string, body?: object) => {
        const req = h().http[method](`/api/v1${path}`).set('authorization', admin);
        return body ? req.send(body) : req;
      };

      // 3. Streets and communities.
      const street = (await api('post', '/regions', { name: '米市巷街道', parentId: made.district.id }).expect(201)).body;
      const jiaxin = (await api('post', '/regions', { name: '嘉新社区', parentId: street.id }).expect(201)).body;
      const zuojia = (await api('post', '/regions', { name: '左家新村社区', parentId: street.id }).expect(201)).body;
      const tree = (await api('get', '/regions').expect(200)).body.items;
      expect(tree).toMatchObject([{ name: '拱墅区', children: [{ name: '米市巷街道', children: [{ name: '嘉新社区' }, { name: '左家新村社区' }] }] }]);

      // 4. A care centre and a neighbour point under it ("1+X").
      const centre = (
        await api('post', '/centres', {
          name: '嘉新社区居家养老服务照料中心',
          kind: 'care_centre',
          regionId: jiaxin.id,
          address: '拱墅区米市巷街道嘉新路 18 号',
          latitude: 30.2929,
          longitude: 120.1649,
          opensAt: '07:00',
          closesAt: '19:00',
          phone: '0571-85001234',
          autoConfirm: false,
          counterPayment: true,
          deliveryArea: { communityIds: [jiaxin.id, zuojia.id], radiusMetres: null },
        }).expect(201)
      ).body;
      const point = (
        await api('post', '/centres', {
          name: '左家新村睦邻点',
          kind: 'neighbour_point',
          parentId: centre.id,
          regionId: zuojia.id,
          address: '拱墅区左家新村 3 幢 1 楼',
          latitude: 30.2951,
          longitude: 120.1702,
          opensAt: '08:00',
          closesAt: '17:00',
          phone: '0571-85005678',
          autoConfirm: true,
        }).expect(201)
      ).body;
      expect(point).toMatchObject({ parentId: centre.id, autoConfirm: true, counterPayment: false });

      // 5. Its services.
      const lunch = (
        await api('post', `/centres/${centre.id}/service-items`, {
          category: 'meal',
          kind: 'lunch',
          name: '爱心午餐',
          description: '两荤两素一汤，软烂少盐',
          priceFen: 1500,
          deliveryModes: ['dine_in', 'pick_up', 'delivery'],
          maxQuantity: 3,
        }).expect(201)
      ).body;
      const bath = (
        await api('post', `/centres/${centre.id}/service-items`, {
          category: 'bath',
          kind: 'bath',
          name: '助浴',
          priceFen: 3000,
          deliveryModes: ['at_centre'],
        }).expect(201)
      ).body;

      // 6. A price change announced ahead: 16 元 from the first of next month.
      const nextMonth = '2027-01-01';
      const prices = (await api('post', `/service-items/${lunch.id}/prices`, { priceFen: 1600, validFrom: nextMonth, version: lunch.version }).expect(201))
        .body;
      expect(prices.items.map((p: { priceFen: number; validFrom: string | null }) => [p.priceFen, p.validFrom])).toEqual([
        [1500, null],
        [1600, nextMonth],
      ]);

      // 7. The weekly slot templates: lunch on weekdays, baths on Tuesday and Friday mornings.
      const lunches = (
        await api('post', `/centres/${centre.id}/slot-templates`, {
          serviceItemId: lunch.id,
          weekdays: [1, 2, 3, 4, 5],
          start: '11:00',
          end: '12:30',
          capacity: 60,
          bookingCutoff: { daysBefore: 0, time: '09:30' },
          cancelCutoff: { daysBefore: 0, time: '09:00' },
        }).expect(201)
      ).body;
      await api('post', `/centres/${centre.id}/slot-templates`, {
        serviceItemId: bath.id,
        weekdays: [2, 5],
        start: '09:00',
        end: '09:45',
        capacity: 2,
        bookingCutoff: { daysBefore: 1, time: '17:00' },
        cancelCutoff: { daysBefore: 1, time: '12:00' },
      }).expect(201);
      const weekdays = Array.from({ length: 14 }, (_, d) => addDays(TODAY, d)).filter((d) => isoWeekday(d) <= 5);
      expect(lunches.slotsMade).toBe(weekdays.length); // 08:30 now: today's lunch can still be booked

      // 8. A holiday: no slots on New Year's Day.
      await api('post', `/centres/${centre.id}/closures`, { date: nextMonth, reason: '元旦休息' }).expect(201);

      // What a family sees: the centre, its services at today's price, the slots with each day's price.
      const family = `Bearer ${(await h().http.post('/api/v1/auth/login').send({ code: 'demo:o_new_family' }).expect(200)).body.token}`;
      const seen = (await h().http.get(`/api/v1/centres/${centre.id}`).set('authorization', family).expect(200)).body;
      expect(seen.serviceItems.map((i: { name: string; priceFen: number }) => [i.name, i.priceFen])).toEqual([
        ['爱心午餐', 1500],
        ['助浴', 3000],
      ]);
      const slots = (
        await h()
          .http.get('/api/v1/slots')
          .query({ centreId: centre.id, kind: 'lunch', from: TODAY, to: addDays(TODAY, 13) })
          .set('authorization', family)
          .expect(200)
      ).body.items;
      expect(slots.map((s: { date: string }) => s.date)).toEqual(weekdays);
      expect(slots.every((s: { serviceItem: { priceFen: number }; bookable: boolean }) => s.serviceItem.priceFen === 1500 && s.bookable)).toBe(true);
      const audit = await h().services.repos.audit.forEntity('centre', centre.id);
      expect(audit.map((a) => [a.action, a.actorAccountId])).toEqual([['centre.create', login.body.account.id]]);
    });
  },
  { seed: false },
);
