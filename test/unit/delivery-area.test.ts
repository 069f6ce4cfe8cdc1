import { deliversTo } from '../../server/services/catalogue/delivery-area';

// A centre's delivery area: listed communities and/or a radius (straight line from the centre); neither: no limit.

const centre = { latitude: 30.29, longitude: 120.16, deliveryCommunityIds: [] as string[], deliveryRadiusMetres: null as number | null };
/** About 1.1 km north of the centre (0.01° of latitude). */
const near = { regionId: 9, latitude: 30.3, longitude: 120.16 };

test('no area recorded: delivers anywhere', () => {
  expect(deliversTo(centre, { regionId: 1, latitude: null, longitude: null })).toBe(true);
});

test('listed communities: a home in one of them, wherever it is', () => {
  const c = { ...centre, deliveryCommunityIds: ['4', '9'] };
  expect(deliversTo(c, near)).toBe(true);
  expect(deliversTo(c, { ...near, regionId: 5 })).toBe(false);
  expect(deliversTo(c, { regionId: 4, latitude: null, longitude: null })).toBe(true);
});

test('a radius: homes within it, or in a listed community; a home with no location only by its community', () => {
  const c = { ...centre, deliveryCommunityIds: ['4'], deliveryRadiusMetres: 1200 };
  expect(deliversTo(c, near)).toBe(true);
  expect(deliversTo({ ...c, deliveryRadiusMetres: 1000 }, near)).toBe(false);
  expect(deliversTo({ ...c, deliveryRadiusMetres: 1000 }, { ...near, regionId: 4 })).toBe(true);
  expect(deliversTo(c, { regionId: 9, latitude: null, longitude: null })).toBe(false);
});
