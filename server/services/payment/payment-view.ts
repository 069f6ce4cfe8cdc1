import type { CounterPayment, Payment, Refund } from '../../../entities';
import type { CounterPaymentView, LedgerView, PaymentView, RefundView } from '../../contracts/api-types';
import { COUNTER_METHOD_LABELS, OFFLINE_REFUND_METHOD_LABELS, PAYMENT_STATUS_LABELS, REFUND_RESOLUTION_LABELS, REFUND_STATUS_LABELS } from '../../words/texts';

export type { CounterPaymentView, LedgerView, PaymentView, RefundView };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

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
    resolution: r.resolution,
    resolutionLabel: r.resolution ? REFUND_RESOLUTION_LABELS[r.resolution] : null,
    offline:
      r.resolution === 'offline' && r.offlineMethod
        ? { method: r.offlineMethod, methodLabel: OFFLINE_REFUND_METHOD_LABELS[r.offlineMethod], reference: r.offlineReference, note: r.resolutionNote }
        : null,
    resolvedAt: iso(r.resolvedAt),
  };
}

export function counterView(c: CounterPayment): CounterPaymentView {
  return {
    id: c.id,
    bookingId: c.bookingId,
    amountFen: c.amountFen,
    method: c.method,
    methodLabel: COUNTER_METHOD_LABELS[c.method],
    collectedByAccountId: c.collectedByAccountId,
    collectedAt: c.collectedAt.toISOString(),
  };
}
