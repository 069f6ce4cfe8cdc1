/**
 * The answer types the console reads: the shared declarations of server/contracts/api-types.ts (erased at compile),
 * and the few answers not declared there yet, written to match the services that build them.
 */
export type * from '../../../server/contracts/api-types';
export type * from '../../../server/contracts/catalogue-registry';
export type * from '../../../server/contracts/dashboard-types';
export type * from '../../../server/contracts/care-types';
import type { AccountView, CounterPaymentView, NoticeView, PaymentView, RefundView } from '../../../server/contracts/api-types';

/** {error:{code,message,details?}}: every error the API answers. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** POST /notices/preview (server/services/notices/notice.service.ts). */
export interface NoticePreview {
  recipients: number;
  byWechat: number;
  inboxOnly: number;
}

/** GET /notices/:id's progress (NoticeProgress in notice.service.ts). */
export interface NoticeProgress {
  total: number;
  sent: number;
  failed: number;
  pending: number;
  inbox: number;
  read: number;
}

export type NoticeDetail = NoticeView & { progress: NoticeProgress };

/** GET /payments/problems (payment-reader.service.ts). */
export interface PaymentProblems {
  payments: PaymentView[];
  refunds: RefundView[];
  /** 现场付 collected short of the co-payment. */
  counterShortfalls?: Array<CounterPaymentView & { bookingCode: string; copayFen: number; shortFen: number }>;
  /** Bookings of today and tomorrow the centre has not confirmed yet. */
  awaitingConfirmation?: Array<{ bookingId: number; bookingCode: string; centreId: number; serviceDate: string; copayFen: number; payAtCounter: boolean }>;
  notifications: Array<{
    id: number;
    notificationId: string;
    eventType: string;
    outTradeNo: string | null;
    outRefundNo: string | null;
    outcome: string;
    detail: string;
    receivedAt: string;
  }>;
}

/** GET /settlements?month (settlement.service.ts). */
export interface SettlementFigures {
  servedBookings: number;
  servedPortions: number;
  priceFen: number;
  subsidyFen: number;
  copayDueFen: number;
  copayPaidFen: number;
  copayRefundedFen: number;
  copayCollectedFen: number;
  refundCount: number;
  refundFen: number;
}
export interface SettlementView {
  id: number;
  month: string;
  region: { id: number; name: string };
  scope: { regionPath: string; name: string };
  version: number;
  trigger: string;
  generatedAt: string;
  generatedByAccountId: number | null;
  lines: Array<SettlementFigures & { centreId: number; centreName: string; policyId: number | null; policyName: string }>;
  totals: SettlementFigures;
}

/** The signed-in console user as the console keeps it. */
export type ConsoleUser = AccountView & { username: string };

/** GET /jobs/runs (JobRunView in server/services/scheduler/job-run.service.ts). */
export interface JobRunView {
  id: number;
  job: string;
  tick: string;
  instance: string;
  triggeredBy: string;
  startedAt: string;
  finishedAt: string | null;
  processed: number | null;
  error: string | null;
}

/** GET /centres/:id/slot-templates (SlotTemplateView in server/services/catalogue/slot-template.service.ts). */
export interface SlotTemplateView {
  id: number;
  centreId: number;
  serviceItemId: number;
  weekdays: number[];
  start: string;
  end: string;
  capacity: number;
  workerName: string;
  bookingCutoff: { daysBefore: number; time: string };
  cancelCutoff: { daysBefore: number; time: string };
  active: boolean;
}
