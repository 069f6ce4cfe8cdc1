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
export type DietFlag = 'soft' | 'low_sugar' | 'low_salt';
export type SeniorCategory = 'hardship' | 'minimum_living' | 'low_income' | 'living_alone' | 'empty_nest' | 'family_planning_special';
export type Gender = 'female' | 'male';
export type BookingStatus = 'pending_payment' | 'pending_confirmation' | 'confirmed' | 'served' | 'rated' | 'expired' | 'cancelled' | 'rejected' | 'no_show';
export type BookedBy = 'self' | 'family' | 'staff';
export type BookingChannel = 'mp_chat' | 'miniprogram' | 'console' | 'phone';
export type PaymentStatus = 'created' | 'paid' | 'closed' | 'failed';
export type RefundStatus = 'pending' | 'processing' | 'success' | 'abnormal' | 'closed' | 'failed';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type AlertChannel = 'mp_chat' | 'miniprogram' | 'console' | 'device';
export type NoticeStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

export interface Dish {
  name: string;
  flags: DietFlag[];
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
}

// ---- people ----

export interface SeniorView {
  id: number;
  name: string;
  gender: Gender;
  age: number;
  isVeryOld: boolean;
  phone: string | null;
  idCardLast4: string | null;
  address: string;
  regionId: number;
  homeCentreId: number | null;
  categories: SeniorCategory[];
  categoryLabels: string[];
  abilityLevel: number;
  dietNotes: string;
  emergencyContacts: EmergencyContact[];
  latitude: number | null;
  longitude: number | null;
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
  menu: { dishes: Array<Dish & { flagLabels: string[] }>; note: string } | null;
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
}

/** What a booking's money looks like: paid − refunded equals the co-payment while it is kept, and 0 once it is not. */
export interface LedgerView {
  bookingId: number;
  copayFen: number;
  /** Received from WeChat Pay and not flagged as mismatching. */
  paidFen: number;
  /** Back with the payer. */
  refundedFen: number;
  /** Decided and on its way back (pending, processing, or failed and waiting for a retry). */
  refundingFen: number;
  payments: PaymentView[];
  refunds: RefundView[];
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
