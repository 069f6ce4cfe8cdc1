import type { Payment, Refund } from '../../../entities';
import { PAYMENT_STATUS_LABELS, REFUND_STATUS_LABELS } from '../../words/texts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface PaymentView {
  id: number;
  bookingId: number;
  outTradeNo: string;
  amountFen: number;
  status: Payment['status'];
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
  status: Refund['status'];
  statusLabel: string;
  attempts: number;
  lastError: string;
  /** Staff should look at it: it did not bring the money back and no one has dealt with it. */
  needsStaff: boolean;
  createdAt: string;
  succeededAt: string | null;
}

export function paymentView(p: Payment, miniAppId: string): PaymentView {
  return {
    id: p.id,
    bookingId: p.bookingId,
    outTradeNo: p.outTradeNo,
    amountFen: p.amountFen,
    status: p.status,
    statusLabel: PAYMENT_STATUS_LABELS[p.status],
    via: p.appid === miniAppId ? 'miniprogram' : 'mp',
    payerAccountId: p.payerAccountId,
    expiresAt: p.expiresAt.toISOString(),
    paidAt: iso(p.paidAt),
    closedAt: iso(p.closedAt),
    transactionId: p.transactionId,
    flagged: p.flagged,
    flagReason: p.flagReason,
    createdAt: p.createdAt.toISOString(),
  };
}

export function refundView(r: Refund): RefundView {
  return {
    id: r.id,
    bookingId: r.bookingId,
    paymentId: r.paymentId,
    outRefundNo: r.outRefundNo,
    amountFen: r.amountFen,
    reason: r.reason,
    status: r.status,
    statusLabel: REFUND_STATUS_LABELS[r.status],
    attempts: r.attempts,
    lastError: r.lastError,
    needsStaff: ['failed', 'abnormal', 'closed'].includes(r.status) && r.resolvedAt === null,
    createdAt: r.createdAt.toISOString(),
    succeededAt: iso(r.succeededAt),
  };
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
