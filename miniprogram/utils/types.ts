/** The shapes of the /api/v1 answers the mini-program reads (see server/http/routes and server/services/*-view.ts). */
export interface Account {
  id: number;
  displayName: string;
  roles: Array<'senior' | 'family' | 'staff' | 'admin'>;
  seniorId: number | null;
  centreId: number | null;
  regionId: number | null;
}

export interface FamilyLink {
  id: number;
  relation: string;
  senior: { id: number; name: string };
}

export interface SeniorView {
  id: number;
  name: string;
  age: number;
  address: string;
  latitude: number | null;
  longitude: number | null;
  homeCentreId: number | null;
}

export type Category = 'meal' | 'bath' | 'home_visit';

export interface CentreView {
  id: number;
  name: string;
  kindLabel: string;
  address: string;
  hours: string;
  phone: string;
  distanceMetres?: number;
  walkingMinutes?: number;
}

export interface ServiceItemView {
  id: number;
  category: Category;
  kind: string;
  kindLabel: string;
  name: string;
  description: string;
  priceFen: number;
  deliveryModes: string[];
}

export interface SlotView {
  id: number;
  centreId: number;
  serviceItem: ServiceItemView;
  date: string;
  start: string;
  end: string;
  capacity: number;
  booked: number;
  remaining: number;
  bookable: boolean;
  workerName: string | null;
  menu: { dishes: Array<{ name: string; flagLabels: string[] }>; note: string } | null;
}

export interface QuoteView {
  slotId: number;
  priceFen: number;
  subsidyFen: number;
  copayFen: number;
  reason: string;
  policy: { id: number; name: string } | null;
}

export type BookingStatus =
  | 'pending_payment'
  | 'pending_confirmation'
  | 'confirmed'
  | 'served'
  | 'rated'
  | 'cancelled'
  | 'rejected'
  | 'expired'
  | 'no_show';

export interface BookingView {
  id: number;
  code: string;
  status: BookingStatus;
  statusLabel: string;
  senior: { id: number; name: string };
  centre: { id: number; name: string; phone: string };
  serviceItem: { id: number; name: string; category: Category; kind: string; kindLabel: string };
  slot: { id: number; date: string; start: string; end: string; workerName: string | null };
  serviceDate: string;
  quantity: number;
  deliveryModeLabel: string;
  priceFen: number;
  subsidyFen: number;
  copayFen: number;
  subsidyReason: string;
  paymentDueAt: string | null;
  cancelCutoffAt: string;
  closeReason: string;
}

export interface LedgerView {
  copayFen: number;
  paidFen: number;
  refundedFen: number;
  refundingFen: number;
  payments: Array<{ id: number; amountFen: number; status: string; statusLabel: string; paidAt: string | null }>;
  refunds: Array<{ id: number; amountFen: number; status: string; statusLabel: string; reason?: string }>;
}

export interface PayAnswer {
  payment: { outTradeNo: string; amountFen: number };
  requestPayment: { timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string };
}

export interface NoticeItem {
  id: number;
  title: string;
  read: boolean;
  [k: string]: unknown;
}
