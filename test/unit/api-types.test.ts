import type {
  Allergen,
  AlertStatus,
  BookedBy,
  BookingStatus,
  CentreKind,
  Channel,
  DeactivationReason,
  DeliveryMode,
  DietFlag,
  Dish,
  EmergencyAlert,
  EmergencyContact,
  NoticeAudience,
  NoticeStatus,
  PaymentStatus,
  RefundStatus,
  Role,
  Senior,
  SeniorCategory,
  ServiceCategory,
  ServiceKind,
} from '../../entities';
import type * as Api from '../../server/contracts/api-types';

// server/contracts/api-types.ts writes the entities' enums out again (the mini-program cannot compile the entity
// files). This is checked by the compiler, in `npm run typecheck`: a copy that differs from its entity, in either
// direction, makes the line below that names it fail to compile. The test itself only keeps jest content.

/** true when A and B are the same type (each assignable to the other), not distributed over unions. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;

export type EntityEnumsMatch = [
  Expect<Same<Api.Role, Role>>,
  Expect<Same<Api.ServiceCategory, ServiceCategory>>,
  Expect<Same<Api.ServiceKind, ServiceKind>>,
  Expect<Same<Api.DeliveryMode, DeliveryMode>>,
  Expect<Same<Api.CentreKind, CentreKind>>,
  Expect<Same<Api.DietFlag, DietFlag>>,
  Expect<Same<Api.Allergen, Allergen>>,
  Expect<Same<Api.SeniorCategory, SeniorCategory>>,
  Expect<Same<Api.Gender, Senior['gender']>>,
  Expect<Same<Api.BookingStatus, BookingStatus>>,
  Expect<Same<Api.BookedBy, BookedBy>>,
  Expect<Same<Api.BookingChannel, Channel>>,
  Expect<Same<Api.PaymentStatus, PaymentStatus>>,
  Expect<Same<Api.RefundStatus, RefundStatus>>,
  Expect<Same<Api.AlertStatus, AlertStatus>>,
  Expect<Same<Api.AlertChannel, EmergencyAlert['channel']>>,
  Expect<Same<Api.NoticeStatus, NoticeStatus>>,
  Expect<Same<Api.Dish, Dish>>,
  Expect<Same<Api.EmergencyContact, EmergencyContact>>,
  Expect<Same<Api.NoticeAudience, NoticeAudience>>,
  Expect<Same<Api.DeactivationReason, DeactivationReason>>,
];

test('the API types repeat the entities enums exactly (the check is the type above, at compile time)', () => {
  const checked: EntityEnumsMatch['length'] = 21;
  expect(checked).toBe(21);
});
