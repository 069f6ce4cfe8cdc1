import type { RefundView } from '../api/types';

/**
 * What staff may do with a refund that did not bring the money back, as the API answers for each state
 * (server/services/payment/refund.service.ts):
 * - failed (or still pending): POST /refunds/:id/retry sends it again with the same number; resolve-offline is
 *   refused (REFUND_NOT_RESOLVABLE).
 * - closed, not yet dealt with: retry plans what the booking still owes back as a new refund — or, when a later
 *   refund already paid it back, marks it covered and answers REFUND_ALREADY_COVERED; resolve-offline likewise.
 * - abnormal, not yet dealt with: only resolve-offline (retry answers REFUND_NOT_RETRYABLE).
 * - dealt with (retried, covered, paid back by hand), processing or success: nothing (REFUND_NOT_RETRYABLE,
 *   REFUND_ALREADY_COVERED, REFUND_NOT_RESOLVABLE).
 */
export type RefundAction = 'resend' | 'refundAgain' | 'offline';

export function refundActions(r: Pick<RefundView, 'status' | 'resolvedAt'>): RefundAction[] {
  if (r.resolvedAt !== null) return [];
  switch (r.status) {
    case 'failed':
    case 'pending':
      return ['resend'];
    case 'closed':
      return ['refundAgain', 'offline'];
    case 'abnormal':
      return ['offline'];
    default:
      return [];
  }
}

/** The API's answers that mean "nothing left to do here": said as information, and the list read again. */
export const REFUND_SETTLED_CODES: readonly string[] = ['REFUND_ALREADY_COVERED', 'REFUND_NOT_RETRYABLE', 'REFUND_NOT_RESOLVABLE'];
