/**
 * The answers of the registry's routes (regions, centres, service items and prices, slots and closures), for the
 * web console. Pure declarations that import nothing, like api-types.ts (whose enums they use by name).
 * Instants are ISO-8601 strings, money in fen, days 'YYYY-MM-DD', times 'HH:mm' in Shanghai.
 */

export type RegionLevel = 'district' | 'street' | 'community';

/** GET /regions: a region and everything under it. `version` goes back with a rename. */
export interface RegionNode {
  id: number;
  name: string;
  level: RegionLevel;
  levelLabel: string;
  parentId: number | null;
  path: string;
  version: number;
  children: RegionNode[];
}

/** Where a centre delivers meals: listed communities and/or a radius around it (neither: no limit recorded). */
export interface DeliveryArea {
  communityIds: number[];
  radiusMetres: number | null;
}

/** A centre as the registry keeps it (GET /registry/centres, and what every centre write answers). */
export interface CentreRecord {
  id: number;
  name: string;
  kind: 'street_centre' | 'care_centre' | 'neighbour_point' | 'canteen' | 'rural_point';
  kindLabel: string;
  /** The care centre a neighbour point belongs to ("1+X"). */
  parentId: number | null;
  regionId: number;
  regionPath: string;
  address: string;
  latitude: number;
  longitude: number;
  opensAt: string;
  closesAt: string;
  phone: string;
  autoConfirm: boolean;
  counterPayment: boolean;
  deliveryArea: DeliveryArea;
  active: boolean;
  version: number;
  createdAt: string;
}

/** A dated price: from `validFrom` on (null: the price the item was created with, before any dated price). */
export interface PriceFrom {
  priceFen: number;
  validFrom: string | null;
}

/** A service item as the registry keeps it (GET /centres/:id/service-items and every item write). */
export interface ServiceItemRecord {
  id: number;
  centreId: number;
  category: 'meal' | 'bath' | 'home_visit';
  kind: 'breakfast' | 'lunch' | 'dinner' | 'bath' | 'cleaning' | 'escort' | 'nursing' | 'haircut';
  kindLabel: string;
  name: string;
  description: string;
  /** Its price today, and since when. */
  price: PriceFrom;
  /** The next dated price after today, when one is set. */
  nextPrice: PriceFrom | null;
  deliveryModes: Array<'dine_in' | 'pick_up' | 'delivery' | 'at_centre' | 'at_home'>;
  maxQuantity: number;
  active: boolean;
  version: number;
}

/** GET /service-items/:id/prices: every price the item has had or will have, oldest first. */
export interface PriceSchedule {
  serviceItemId: number;
  version: number;
  today: PriceFrom;
  items: Array<PriceFrom & { id: number | null; createdAt: string }>;
}

/** A day (or some services on a day) a centre does not run. */
export interface ClosureView {
  id: number;
  centreId: number;
  date: string;
  /** Empty: every service of the centre. */
  serviceItemIds: number[];
  reason: string;
  active: boolean;
  createdAt: string;
  liftedAt: string | null;
}

/** What closing a slot or a day did to the bookings in it. */
export interface CallOffOutcome {
  /** Bookings cancelled (each refunded through the booking's own cancellation). */
  bookingsCancelled: number;
  /** Bookings that had moved on by the time they were reached (served, cancelled meanwhile). */
  bookingsSkipped: number;
  /** People told (seniors and linked family), and those who could not be reached on WeChat. */
  told: number;
  unreachable: number;
}
