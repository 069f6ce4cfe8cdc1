/**
 * The shapes of the /api/v1 answers, declared once. The server's view functions and services are declared to
 * return these types, and the mini-program reads its answers as these types (`import type` through
 * miniprogram/utils/types.ts, erased at compile), so an answer changed on one side and not followed on the other
 * fails `npm run typecheck`.
 *
 * Pure declarations that import nothing: miniprogram/tsconfig.json compiles this file as it is, without the
 * entities (their TypeORM decorators do not compile there). That is why the entities' enums are written out
 * again below; test/unit/api-types.test.ts fails to compile when a copy and its entity differ.
 *
 * Instants are ISO-8601 strings (what JSON makes of a Date), money is in fen, days are 'YYYY-MM-DD' and times of
 * day 'HH:mm', in Shanghai.
 */

// ---- the entities' enums, as the API spells them ----

export type Role = 'senior' | 'family' | 'staff' | 'admin';
export type ServiceCategory = 'meal' | 'bath' | 'home_visit';
export type ServiceKind = 'breakfast' | 'lunch' | 'dinner' | 'bath' | 'cleaning' | 'escort' | 'nursing' | 'haircut';
export type DeliveryMode = 'dine_in' | 'pick_up' | 'delivery' | 'at_centre' | 'at_home';
export type CentreKind = 'street_centre' | 'care_centre' | 'neighbour_point' | 'canteen' | 'rural_point';
export type DietFlag = 'soft' | 'low_sugar' | 'low_salt' | 'diabetic' | 'low_fat' | 'minced' | 'vegetarian' | 'halal';
export type Allergen = 'peanut' | 'tree_nut' | 'milk' | 'egg' | 'fish' | 'shellfish' | 'soy' | 'wheat' | 'sesame';
export type SeniorCategory = 'hardship' | 'minimum_living' | 'low_income' | 'disabled' | 'living_alone' | 'empty_nest' | 'very_old' | 'family_planning_special';
export type DeactivationReason = 'moved_away' | 'deceased';
export type Gender = 'female' | 'male';
export type BookingStatus = 'pending_payment' | 'pending_confirmation' | 'confirmed' | 'served' | 'rated' | 'expired' | 'cancelled' | 'rejected' | 'no_show';
export type BookedBy = 'self' | 'family' | 'staff';
export type BookingChannel = 'mp_chat' | 'miniprogram' | 'console' | 'phone' | 'counter';
export type PaymentStatus = 'created' | 'paid' | 'closed' | 'failed';
export type RefundStatus = 'pending' | 'processing' | 'success' | 'abnormal' | 'closed' | 'failed';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved' | 'joined';
export type AlertChannel = 'mp_chat' | 'miniprogram' | 'console' | 'device';
export type AlertOutcome = 'on_site' | 'hospital' | 'false_alarm' | 'family_handled';
export type NoticeStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

export interface Dish {
  name: string;
  flags: DietFlag[];
  allergens?: Allergen[];
}

/** A dish as shown: its diet tags' and allergens' words, and `tagLabels` (软食, 少盐, 含花生) to print beside its name. */
export interface DishView {
  name: string;
  flags: DietFlag[];
  allergens: Allergen[];
  flagLabels: string[];
  allergenLabels: string[];
  tagLabels: string[];
}

export interface EmergencyContact {
  name: string;
  relation: string;
  phone: string;
}

export interface NoticeAudience {
  /** Region subtree the recipients live or work in. */
  regionId: number;
  roles: Role[];
  minAge?: number;
  categories?: SeniorCategory[];
}

/** A list answer. */
export interface Items<T> {
  items: T[];
}

// ---- sign-in ----

export interface AccountView {
  id: number;
  displayName: string;
  roles: Role[];
  seniorId: number | null;
  centreId: number | null;
  regionId: number | null;
}

/** POST /auth/login, /auth/password-login. The server builds it with a Date; the client reads the ISO string. */
export interface LoginAnswer<Instant = string> {
  token: string;
  expiresAt: Instant;
  account: AccountView;
  /** A console account signed in with a password an administrator handed out: until it is changed
   *  (POST /me/password) every other route answers 403 PASSWORD_CHANGE_REQUIRED. */
  mustChangePassword: boolean;
}

// ---- people ----

/** One category a senior holds: evidence and valid-until date; `counts` is false once the date has passed. */
export interface CategoryRecordView {
  category: SeniorCategory;
  label: string;
  /** Shown to staff and administrators only ('' for others). */
  evidence: string;
  validUntil: string | null;
  counts: boolean;
}

/**
 * A senior as the asker may see them. The phone is whole for the senior, their family and their centre's staff
 * (who call and deliver), masked (138****5678) for administrators; the ID number is never shown, only its last
 * four characters to staff and administrators.
 */
export interface SeniorView {
  id: number;
  name: string;
  gender: Gender;
  birthDate: string;
  age: number;
  isVeryOld: boolean;
  phone: string | null;
  phoneMasked: boolean;
  idCardLast4: string | null;
  address: string;
  regionId: number;
  homeCentreId: number | null;
  /** The categories that count today (the valid-until date not passed); categoryRecords has them all. */
  categories: SeniorCategory[];
  categoryLabels: string[];
  categoryRecords: CategoryRecordView[];
  /** From the latest ability assessment (GB/T 42195-2022: 0 intact … 4 fully disabled). */
  abilityLevel: number;
  abilityLevelLabel: string;
  abilityAssessedOn: string | null;
  nextAssessmentDue: string | null;
  dietNotes: string;
  emergencyContacts: EmergencyContact[];
  latitude: number | null;
  longitude: number | null;
  active: boolean;
  deactivationReason: DeactivationReason | null;
  deactivatedAt: string | null;
  deactivationNote: string;
  /** Send it back with an edit: an edit made on an older version is refused (409 VERSION_CONFLICT). */
  version: number;
}

/** POST /seniors/:id/deactivate. */
export interface SeniorDeactivationAnswer {
  senior: SeniorView;
  /** Future bookings cancelled (and refunded through the booking life cycle). */
  cancelledBookingIds: number[];
  /** Family accounts told, and how many could not be reached. */
  familyNotified: number;
  familyUnreachable: number;
}

/** 能力评估. */
export interface AssessmentView {
  id: number;
  seniorId: number;
  assessedOn: string;
  assessor: string;
  level: number;
  levelLabel: string;
  nextDue: string | null;
  note: string;
  recordedByAccountId: number | null;
  createdAt: string;
  version: number;
  /** True for the assessment that sets the senior's ability level now (the latest). */
  current: boolean;
}

export type SeniorImportAction = 'create' | 'update' | 'unchanged' | 'error' | 'duplicate';

/** One row of the civil-affairs list and what the import does (or, in a dry run, would do) with it. */
export interface SeniorImportRow {
  /** The row number as Excel shows it. */
  row: number;
  action: SeniorImportAction;
  name: string;
  idCardLast4: string | null;
  /** The senior created or matched (after an apply; in a dry run, the one matched). */
  seniorId: number | null;
  /** Fields an update changes (SeniorView names), for `update`. */
  changes?: string[];
  /** What is wrong, per column (the file's own header), for `error`. */
  errors?: Array<{ column: string; message: string }>;
  /** Things to look at that do not stop the row. */
  warnings?: string[];
  /** For `duplicate`: the earlier row of the file with the same ID number. */
  duplicateOfRow?: number;
}

/** POST /seniors/import: every row except the unchanged ones (counted in the summary), in file order. */
export interface SeniorImportReport {
  dryRun: boolean;
  format: 'xlsx' | 'csv';
  /** The header row's number, the columns recognised (header → field) and the ones ignored. */
  headerRow: number;
  columns: Array<{ header: string; field: string }>;
  ignoredColumns: string[];
  summary: { rows: number; create: number; update: number; unchanged: number; error: number; duplicate: number };
  rows: SeniorImportRow[];
}

export interface FamilyLinkView {
  id: number;
  relation: string;
  createdAt: string;
  senior: { id: number; name: string };
  family: { accountId: number; displayName: string; phone: string | null };
}

// ---- catalogue ----

export interface CentreView {
  id: number;
  name: string;
  kind: CentreKind;
  kindLabel: string;
  parentId: number | null;
  address: string;
  latitude: number;
  longitude: number;
  hours: string;
  phone: string;
  distanceMetres?: number;
  walkingMinutes?: number;
}

export interface ServiceItemView {
  id: number;
  centreId: number;
  category: ServiceCategory;
  kind: ServiceKind;
  kindLabel: string;
  name: string;
  description: string;
  priceFen: number;
  deliveryModes: string[];
  maxQuantity: number;
}

export interface SlotView {
  id: number;
  centreId: number;
  serviceItem: ServiceItemView;
  date: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  booked: number;
  remaining: number;
  bookable: boolean;
  bookingCutoffAt: string;
  cancelCutoffAt: string;
  workerName: string | null;
  /** 'closed': staff closed it (weather, kitchen trouble); `closeReason` says why. */
  status: 'open' | 'closed';
  closeReason: string;
  /** What a staff edit of the slot sends back (optimistic concurrency). */
  version: number;
  menu: { dishes: DishView[]; note: string } | null;
}

// ---- bookings ----

/** POST /quotes: the price, the subsidy and why, the co-payment, before booking. */
export interface QuoteView {
  slotId: number;
  seniorId: number;
  unitPriceFen: number;
  quantity: number;
  priceFen: number;
  subsidyFen: number;
  copayFen: number;
  subsidisedQuantity: number;
  policy: { id: number; name: string; description: string } | null;
  /** One sentence: which subsidy applied and why, or why none did. */
  reason: string;
  considered: Array<{ policyId: number; name: string; eligible: boolean; subsidyFen: number; why: string }>;
}

/** GET /seniors/:id/usual-meal: tomorrow's meal as last time (same centre, meal and way of eating), quoted. */
export interface UsualMealView {
  seniorId: number;
  slotId: number;
  date: string;
  start: string;
  kind: ServiceKind;
  deliveryMode: DeliveryMode;
  priceFen: number;
  subsidyFen: number;
  copayFen: number;
}

export interface BookingView {
  id: number;
  code: string;
  status: BookingStatus;
  statusLabel: string;
  senior: { id: number; name: string };
  centre: { id: number; name: string; phone: string };
  serviceItem: { id: number; name: string; category: ServiceCategory; kind: ServiceKind; kindLabel: string };
  slot: { id: number; date: string; start: string; end: string; workerName: string | null };
  serviceDate: string;
  quantity: number;
  deliveryMode: DeliveryMode;
  deliveryModeLabel: string;
  unitPriceFen: number;
  priceFen: number;
  subsidyFen: number;
  copayFen: number;
  subsidyReason: string;
  bookedBy: BookedBy;
  channel: BookingChannel;
  note: string;
  createdAt: string;
  /** 现场付: the co-payment is collected at the counter at check-in, not paid online. */
  payAtCounter: boolean;
  /** While waiting for payment: when the booking is given up unpaid (its seat goes back). */
  paymentDueAt: string | null;
  cancelCutoffAt: string;
  confirmedAt: string | null;
  servedAt: string | null;
  closedAt: string | null;
  closeReason: string;
}

// ---- money ----

export interface PaymentView {
  id: number;
  bookingId: number;
  outTradeNo: string;
  amountFen: number;
  status: PaymentStatus;
  statusLabel: string;
  /** Where it was paid from: the mini-program or a link in the public account's chat. */
  via: 'miniprogram' | 'mp';
  payerAccountId: number;
  expiresAt: string;
  paidAt: string | null;
  closedAt: string | null;
  transactionId: string | null;
  flagged: boolean;
  flagReason: string;
  createdAt: string;
}

export interface RefundView {
  id: number;
  bookingId: number;
  paymentId: number;
  outRefundNo: string;
  amountFen: number;
  reason: string;
  status: RefundStatus;
  statusLabel: string;
  attempts: number;
  lastError: string;
  /** Staff should look at it: it did not bring the money back and no one has dealt with it. */
  needsStaff: boolean;
  createdAt: string;
  succeededAt: string | null;
  /** How a closed or abnormal refund was dealt with: retried, covered by a later refund, or paid back by hand. */
  resolution: 'retried' | 'covered' | 'offline' | null;
  resolutionLabel: string | null;
  /** Paid back by hand: how, and the reference staff gave. */
  offline: { method: 'cash' | 'bank_transfer' | 'merchant_platform' | 'other'; methodLabel: string; reference: string; note: string } | null;
  resolvedAt: string | null;
}

/** 现场付: a co-payment staff collected at the counter at check-in. */
export interface CounterPaymentView {
  id: number;
  bookingId: number;
  amountFen: number;
  method: 'cash' | 'senior_card' | 'scanned_code';
  methodLabel: string;
  collectedByAccountId: number;
  collectedAt: string;
}

/**
 * What a booking's money looks like: paid + counter − refunded − refunded by hand equals the co-payment while the
 * booking is kept (and, to be paid at the counter, served), and 0 once it is not — when nothing is on its way.
 */
export interface LedgerView {
  bookingId: number;
  copayFen: number;
  /** Received from WeChat Pay (a payment whose notification did not match is not counted until WeChat Pay confirms it). */
  paidFen: number;
  /** Collected by staff at the counter (现场付). */
  counterFen: number;
  /** Back with the payer through WeChat Pay. */
  refundedFen: number;
  /** Decided and on its way back (pending, processing, or failed and waiting for a retry). */
  refundingFen: number;
  /** Abnormal: WeChat Pay could not return it and staff have not yet paid it back by hand. */
  abnormalFen: number;
  /** Paid back by hand, outside WeChat Pay. */
  refundedOfflineFen: number;
  /** Closed refunds nobody has dealt with yet: still owed to the payer. */
  owedFen: number;
  /** What the centre should hold for the booking now. */
  dueFen: number;
  /** What it holds once every refund decided has landed: equal to `dueFen` when the money is right. */
  heldFen: number;
  payments: PaymentView[];
  refunds: RefundView[];
  counter: CounterPaymentView | null;
}

/** What a mini-program passes to `wx.requestPayment` (the JSAPI pay page passes the same to WeixinJSBridge). */
export interface RequestPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** POST /bookings/:id/pay. */
export interface PrepayAnswer {
  payment: PaymentView;
  requestPayment: RequestPaymentParams;
}

// ---- notices ----

export interface NoticeView {
  id: number;
  title: string;
  body: string;
  link: string | null;
  audience: NoticeAudience;
  status: NoticeStatus;
  scheduledAt: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** GET /me/notices: the notices that reached me, and how many I have not opened. */
export interface NoticeInbox {
  items: Array<NoticeView & { read: boolean }>;
  unread: number;
}

// ---- emergencies and the chat log (staff) ----

export interface AlertView {
  id: number;
  senior: { id: number; name: string; phone: string | null; address: string };
  centreId: number | null;
  channel: AlertChannel;
  message: string;
  status: AlertStatus;
  escalationLevel: number;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedByAccountId: number | null;
  /** 处理完毕: how it ended and what staff wrote; null / '' until resolved. */
  outcome: AlertOutcome | null;
  outcomeLabel: string | null;
  resolution: string;
  resolvedAt: string | null;
  resolvedByAccountId: number | null;
  /** Send back with POST /emergencies/:id/resolve (optional there). */
  version: number;
}

/** POST /emergencies (助急 from the mini-program). */
export interface RaisedAlertAnswer {
  alertId: number;
  /** Who heard about it, as the senior reads it: family names and "工作人员". */
  notified: string[];
  centrePhone: string;
}

export interface ExchangeView {
  id: number;
  at: string;
  accountId: number | null;
  msgType: string;
  said: string;
  intent: string;
  reply: string;
}

// ---- staff and administrator accounts, the audit log ----

export type ConsoleRole = 'staff' | 'admin';

/** GET /accounts, /accounts/:id and the answer of every account edit. */
export interface ConsoleAccountView {
  id: number;
  username: string;
  displayName: string;
  role: ConsoleRole;
  roles: Role[];
  phone: string | null;
  /** Staff: the centre they work at. */
  centre: { id: number; name: string } | null;
  /** Administrators: the district or street they administer. */
  region: { id: number; name: string } | null;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
  /** Send it back with an edit; an edit made on an older version is refused with 409 VERSION_CONFLICT. */
  version: number;
}

/** POST /accounts and POST /accounts/:id/reset-password: the one-time password is shown this once and never again. */
export interface OneTimePasswordAnswer {
  account: ConsoleAccountView;
  oneTimePassword: string;
}

/** GET /audit-log. */
export interface AuditEntryView {
  id: number;
  at: string;
  /** null for what the system did by itself (a scheduled job). */
  actor: { id: number; displayName: string; username: string | null } | null;
  role: string;
  roleLabel: string;
  action: string;
  actionLabel: string;
  entity: { type: string; typeLabel: string; id: number };
  detail: Record<string, unknown>;
  ip: string;
}

// ---- counter work and the day's lists ----

/** A senior as the counter sees them: enough to tell two people of one name apart, no more. */
export interface CounterSeniorView {
  id: number;
  name: string;
  /** Masked: 138****5678. */
  phone: string | null;
  idCardLast4: string | null;
  dietNotes: string;
}

/** GET /centres/:id/day/:date/search. */
export interface CounterSearchAnswer {
  date: string;
  /** That day's bookings at this centre whose senior matches. */
  items: Array<{ booking: BookingView; senior: CounterSeniorView; canCheckIn: boolean }>;
  /** Seniors who match, use the centre or live in its street, and have no booking there that day: for a walk-in. */
  seniors: CounterSeniorView[];
}

/** GET /slots/:id/kitchen-list. */
export interface KitchenListView {
  centre: { id: number; name: string };
  slot: { id: number; date: string; start: string; end: string; kind: ServiceKind; kindLabel: string; itemName: string };
  menu: Dish[];
  /** Portions to cook: bookings waiting for confirmation, confirmed or already served. */
  totalPortions: number;
  /** Portions by the seniors' diet notes ('' = no note), largest first. They add up to totalPortions. */
  byDiet: Array<{ diet: string; label: string; portions: number }>;
  byDeliveryMode: Array<{ mode: DeliveryMode; label: string; portions: number }>;
  /** Booked but not paid yet: they may still expire, so they are not in the portions above. */
  awaitingPayment: { bookings: number; portions: number };
  lines: Array<{
    bookingId: number;
    seniorName: string;
    quantity: number;
    diet: string;
    note: string;
    deliveryMode: DeliveryMode;
    deliveryModeLabel: string;
    status: BookingStatus;
  }>;
}

/** GET /centres/:id/delivery-list. */
export interface DeliveryListView {
  centre: { id: number; name: string; address: string };
  date: string;
  totalStops: number;
  totalPortions: number;
  /** Communities in route order (nearest first), and in each the stops nearest first. */
  communities: Array<{
    region: { id: number; name: string };
    portions: number;
    stops: Array<{
      bookingId: number;
      senior: { id: number; name: string; phone: string | null; address: string };
      slot: { id: number; start: string; end: string; kind: ServiceKind; kindLabel: string };
      quantity: number;
      diet: string;
      note: string;
      /** Walking distance from the centre, metres; null when the senior's location is unknown. */
      distanceMetres: number | null;
      status: BookingStatus;
    }>;
  }>;
}
