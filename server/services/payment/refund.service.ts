import type { Logger } from 'pino';
import type { OfflineRefundMethod, Payment, Refund, RefundStatus } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import { WechatPayError, type RefundResult, type WechatPayGateway } from '../../gateways/wechat-pay.gateway';
import type { Clock } from '../../lib/clock';
import { merchantNumber } from '../../lib/random';
import { MINUTE, shanghaiDate } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { PaymentRepository } from '../../repositories/payment.repository';
import { PAY_TEXTS } from '../../words/texts';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { onlineDueFen, positionOf, refundCommitted } from './ledger';
import { refundView, type RefundView } from './payment-view';

/** The decrypted resource of a REFUND.* notification (WeChat Pay v3). */
export interface RefundResource {
  mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  out_refund_no?: string;
  refund_id?: string;
  refund_status?: string;
  success_time?: string;
  amount?: { total?: number; refund?: number };
}

/** How each of WeChat Pay's refund states is stored. */
const FROM_WECHAT: Record<RefundResult['status'], RefundStatus> = {
  PROCESSING: 'processing',
  SUCCESS: 'success',
  ABNORMAL: 'abnormal',
  CLOSED: 'closed',
};
/** States a refund may still leave; success, abnormal and closed are WeChat Pay's last word. */
const OPEN: readonly RefundStatus[] = ['pending', 'failed', 'processing'];

/** How long a refund may sit in processing before we ask WeChat Pay about it, and pending before we send it again. */
const PROCESSING_QUERY_AFTER_MS = 10 * MINUTE;
const PENDING_RESEND_AFTER_MS = 1 * MINUTE;
const FAILED_RETRY_AFTER_MS = 10 * MINUTE;
const MAX_AUTOMATIC_ATTEMPTS = 5;

export interface RefundServiceDeps {
  db: Database;
  clock: Clock;
  payments: PaymentRepository;
  bookings: BookingRepository;
  centres: CentreRepository;
  pay: WechatPayGateway | null;
  access: AccessService;
  audit: AuditService;
  logger: Logger;
}

/**
 * Money back to payers. A refund is decided inside the transaction that makes it owed (a cancellation, a
 * rejection, a payment that arrived too late), saved as `pending`, and sent to WeChat Pay after that transaction
 * commits; a crash in between leaves a pending row that reconciliation sends. A refund WeChat Pay refuses or
 * cannot be reached for is `failed`, visible to staff and retried with the same out_refund_no (WeChat Pay treats
 * that as the same refund, so a retry can never pay twice).
 */
export class RefundService {
  constructor(private readonly deps: RefundServiceDeps) {}

  /**
   * Inside a deciding transaction that holds the booking's row (locked first) and its payments' rows: refunds
   * whatever of `paid` is beyond `keepFen`, newest payment first. What may still be refunded from a payment is its
   * amount less every refund that is money back, on its way back, stuck on the way (abnormal) or paid back by hand;
   * a closed refund brought nothing back, so its amount is planned again here — and, once this plan leaves nothing
   * owed, every closed refund of these payments is marked covered: retrying it would pay the family twice.
   * Returns the refunds to `send` after commit.
   */
  async planBeyond(em: Tx, paid: readonly Payment[], keepFen: number, reason: string, requestedBy: number | null): Promise<Refund[]> {
    if (paid.length === 0) return [];
    const refunds = await this.deps.payments.refundsOf(paid[0].bookingId, em, true);
    const refundable = paid.map((p) => p.amountFen - refunds.filter((r) => r.paymentId === p.id && refundCommitted(r)).reduce((s, r) => s + r.amountFen, 0));
    let left = refundable.reduce((a, b) => a + b, 0) - Math.max(0, keepFen);
    const planned: Refund[] = [];
    for (let i = paid.length - 1; i >= 0 && left > 0; i--) {
      const amount = Math.min(left, refundable[i]);
      if (amount <= 0) continue;
      planned.push(await this.insert(em, paid[i], amount, reason, requestedBy));
      left -= amount;
    }
    await this.deps.payments.coverClosed(em, paid[0].bookingId, this.deps.clock.now());
    return planned;
  }

  private insert(em: Tx, payment: Payment, amountFen: number, reason: string, requestedBy: number | null): Promise<Refund> {
    const now = this.deps.clock.now();
    return this.deps.payments.insertRefund(em, {
      paymentId: payment.id,
      bookingId: payment.bookingId,
      outRefundNo: merchantNumber('MR', shanghaiDate(now)),
      refundId: null,
      amountFen,
      reason: reason.slice(0, 80),
      status: 'pending',
      rawNotification: null,
      succeededAt: null,
      requestedByAccountId: requestedBy,
      attempts: 0,
      lastError: '',
      resolvedAt: null,
      resolution: null,
      resolvedByAccountId: null,
      offlineMethod: null,
      offlineReference: '',
      resolutionNote: '',
      createdAt: now,
      updatedAt: now,
    });
  }

  /** After commit: sends each refund to WeChat Pay. Never throws; a refusal is kept on the refund (`failed`). */
  async send(refunds: readonly Refund[]): Promise<void> {
    for (const r of refunds) await this.sendOne(r);
  }

  private async sendOne(refund: Refund): Promise<Refund> {
    const now = this.deps.clock.now();
    const payment = await this.deps.payments.findPayment(refund.paymentId);
    if (!payment) throw new Error(`refund ${refund.id} refers to missing payment ${refund.paymentId}`);
    if (!this.deps.pay) {
      await this.deps.payments.updateRefund(this.deps.db.manager, refund.id, ['pending', 'failed'], {
        status: 'failed',
        lastError: PAY_TEXTS.refundNoGateway,
        updatedAt: now,
      });
      return (await this.deps.payments.findRefund(refund.id))!;
    }
    const attempts = refund.attempts + 1;
    try {
      const result = await this.deps.pay.refund({
        outTradeNo: payment.outTradeNo,
        outRefundNo: refund.outRefundNo,
        reason: refund.reason,
        refundFen: refund.amountFen,
        totalFen: payment.amountFen,
      });
      // Only from pending/failed: the refund's notification may already have come in and said more than this.
      await this.deps.payments.updateRefund(this.deps.db.manager, refund.id, ['pending', 'failed'], {
        status: FROM_WECHAT[result.status],
        refundId: result.refundId,
        succeededAt: result.status === 'SUCCESS' ? (result.successTime ?? now) : null,
        attempts,
        lastError: '',
        updatedAt: now,
      });
    } catch (err) {
      const message = err instanceof WechatPayError ? `${err.code}: ${err.message}` : (err as Error).message;
      this.deps.logger.warn({ refundId: refund.id, outRefundNo: refund.outRefundNo, err: message }, 'refund not accepted by WeChat Pay');
      await this.deps.payments.updateRefund(this.deps.db.manager, refund.id, ['pending', 'failed'], {
        status: 'failed',
        attempts,
        lastError: message.slice(0, 200),
        updatedAt: now,
      });
    }
    return (await this.deps.payments.findRefund(refund.id))!;
  }

  /**
   * Staff retry a refund that did not bring the money back: a failed one is sent again as it was (same
   * out_refund_no); a closed one is planned again against what the booking still owes back — a new refund, or, when
   * a later refund (a further reduction, the cancellation) already paid that amount back, nothing: then it is marked
   * covered, leaves the problems list, and the retry is refused with REFUND_ALREADY_COVERED.
   */
  async retry(actor: Actor, refundId: number): Promise<RefundView> {
    const refund = await this.deps.payments.findRefund(refundId);
    if (!refund) throw new AppError('REFUND_NOT_FOUND');
    await this.assertManages(actor, refund.bookingId);
    if (refund.status === 'failed' || refund.status === 'pending') {
      await this.deps.audit.record(this.deps.db.manager, actor, 'refund.retry', { type: 'refund', id: refund.id }, { outRefundNo: refund.outRefundNo });
      return refundView(await this.sendOne(refund));
    }
    if (refund.status === 'closed' && refund.resolution === 'covered') throw new AppError('REFUND_ALREADY_COVERED');
    if (refund.status !== 'closed' || refund.resolvedAt !== null) {
      throw new AppError('REFUND_NOT_RETRYABLE', undefined, { status: refund.status });
    }
    const now = this.deps.clock.now();
    const decided = await this.deps.db.decide(async (em): Promise<{ planned: Refund[] } | { covered: true } | null> => {
      const booking = (await this.deps.bookings.lockedFind(em, refund.bookingId))!;
      const fresh = (await this.deps.payments.findRefund(refund.id, em))!;
      if (fresh.resolution === 'covered') return { covered: true };
      if (fresh.status !== 'closed' || fresh.resolvedAt !== null) return null;
      const paid = (await this.deps.payments.paymentsOf(booking.id, em, true)).filter((p) => p.status === 'paid');
      const counter = await this.deps.payments.counterOf(booking.id, em);
      const planned = await this.planBeyond(em, paid, onlineDueFen(booking, counter?.amountFen ?? 0), fresh.reason, actor.accountId);
      if (planned.length === 0) {
        await this.deps.audit.record(em, actor, 'refund.retry', { type: 'refund', id: refund.id }, { covered: true });
        return { covered: true };
      }
      await this.deps.payments.updateRefund(em, refund.id, ['closed'], {
        resolution: 'retried',
        resolvedByAccountId: actor.accountId,
        resolvedAt: now,
        updatedAt: now,
      });
      await this.deps.audit.record(
        em,
        actor,
        'refund.retry',
        { type: 'refund', id: refund.id },
        { replacedBy: planned.map((r) => r.outRefundNo), amountFen: planned.reduce((s, r) => s + r.amountFen, 0) },
      );
      return { planned };
    });
    if (!decided) throw new AppError('REFUND_NOT_RETRYABLE');
    if ('covered' in decided) throw new AppError('REFUND_ALREADY_COVERED');
    const [first, ...more] = decided.planned;
    const sent = await this.sendOne(first);
    await this.send(more);
    return refundView(sent);
  }

  /**
   * 线下退回: a refund WeChat Pay could not finish (abnormal: the card was closed, the account frozen) or gave up on
   * (closed) is paid back outside WeChat Pay — cash at the counter, a bank transfer, the merchant platform's own
   * abnormal-refund handling. Staff say who, how and a reference; it is audit-logged, counted by the ledger and the
   * settlement as refunded by hand, and never refunded again. A closed refund that a later refund already covered
   * cannot be paid back a second time (REFUND_ALREADY_COVERED).
   */
  async resolveOffline(actor: Actor, refundId: number, how: { method: OfflineRefundMethod; reference: string; note: string }): Promise<RefundView> {
    const refund = await this.deps.payments.findRefund(refundId);
    if (!refund) throw new AppError('REFUND_NOT_FOUND');
    await this.assertManages(actor, refund.bookingId);
    const now = this.deps.clock.now();
    const outcome = await this.deps.db.decide(async (em): Promise<'done' | 'covered' | 'not_resolvable'> => {
      const booking = (await this.deps.bookings.lockedFind(em, refund.bookingId))!;
      const fresh = (await this.deps.payments.findRefund(refund.id, em))!;
      if (fresh.resolvedAt !== null || (fresh.status !== 'abnormal' && fresh.status !== 'closed'))
        return fresh.resolution === 'covered' ? 'covered' : 'not_resolvable';
      if (fresh.status === 'closed') {
        // Only what the booking still owes back may be paid back by hand.
        const paid = (await this.deps.payments.paymentsOf(booking.id, em, true)).filter((p) => p.status === 'paid');
        const refunds = await this.deps.payments.refundsOf(booking.id, em, true);
        const counter = await this.deps.payments.counterOf(booking.id, em);
        const owed = positionOf(booking, paid, refunds, counter).heldFen - onlineDueFen(booking, counter?.amountFen ?? 0) - (counter?.amountFen ?? 0);
        if (owed < fresh.amountFen) {
          if (owed <= 0) await this.deps.payments.coverClosed(em, fresh.bookingId, now);
          return 'covered';
        }
      }
      await this.deps.payments.resolveRefund(em, fresh.id, {
        resolution: 'offline',
        resolvedAt: now,
        resolvedByAccountId: actor.accountId,
        offlineMethod: how.method,
        offlineReference: how.reference.slice(0, 64),
        resolutionNote: how.note.slice(0, 200),
        updatedAt: now,
      });
      await this.deps.audit.record(
        em,
        actor,
        'refund.resolve_offline',
        { type: 'refund', id: fresh.id },
        { bookingId: fresh.bookingId, amountFen: fresh.amountFen, status: fresh.status, method: how.method, reference: how.reference, note: how.note },
      );
      return 'done';
    });
    if (outcome === 'covered') throw new AppError('REFUND_ALREADY_COVERED');
    if (outcome === 'not_resolvable') throw new AppError('REFUND_NOT_RESOLVABLE', undefined, { status: refund.status });
    return refundView((await this.deps.payments.findRefund(refund.id))!);
  }

  /**
   * A verified REFUND.SUCCESS / ABNORMAL / CLOSED (or a query answer): moves the refund to WeChat Pay's final word
   * once. Returns what was done, for the notification record.
   */
  async settle(
    em: Tx,
    resource: RefundResource,
    rawBody: string | null,
  ): Promise<{ outcome: 'refund_updated' | 'refund_already_final' | 'unknown_refund' | 'mismatch'; detail: string }> {
    const outRefundNo = resource.out_refund_no ?? '';
    // The booking's row first, as in every decision about its money; then the refund's, read as it is now.
    const unlocked = outRefundNo ? await this.deps.payments.findByOutRefundNo(em, outRefundNo) : null;
    if (unlocked) await this.deps.bookings.lockedFind(em, unlocked.bookingId);
    const refund = unlocked ? await this.deps.payments.findByOutRefundNo(em, outRefundNo, true) : null;
    if (!refund) return { outcome: 'unknown_refund', detail: PAY_TEXTS.unknownRefund };
    const payment = (await this.deps.payments.findPayment(refund.paymentId, em))!;
    const status = FROM_WECHAT[resource.refund_status as RefundResult['status']];
    const mismatches: string[] = [];
    if (resource.amount?.refund !== refund.amountFen) mismatches.push(PAY_TEXTS.mismatch.refundAmount(resource.amount?.refund, refund.amountFen));
    if (resource.out_trade_no !== payment.outTradeNo) mismatches.push(PAY_TEXTS.mismatch.refundOrder);
    if (resource.mchid !== payment.mchid) mismatches.push(PAY_TEXTS.mismatch.refundMchid(resource.mchid));
    if (!status) mismatches.push(PAY_TEXTS.mismatch.refundStatus(String(resource.refund_status)));
    if (mismatches.length > 0) return { outcome: 'mismatch', detail: mismatches.join('，') };
    if (!OPEN.includes(refund.status)) return { outcome: 'refund_already_final', detail: refund.status };
    const now = this.deps.clock.now();
    const successTime = resource.success_time ? new Date(resource.success_time) : now;
    await this.deps.payments.updateRefund(em, refund.id, OPEN, {
      status,
      refundId: resource.refund_id ?? refund.refundId,
      succeededAt: status === 'success' ? (Number.isNaN(successTime.getTime()) ? now : successTime) : null,
      ...(rawBody !== null ? { rawNotification: rawBody } : {}),
      updatedAt: now,
    });
    if (status === 'abnormal' || status === 'closed') {
      this.deps.logger.warn({ outRefundNo, status }, 'refund did not reach the payer; staff must act');
    }
    return { outcome: 'refund_updated', detail: status };
  }

  /**
   * Refunds that went quiet: pending ones never sent (a crash after commit) are sent, failed ones are retried a
   * few times, processing ones are asked about. Returns how many were looked at.
   */
  async reconcile(batch = 100): Promise<{ sent: number; queried: number }> {
    const now = this.deps.clock.now().getTime();
    const unsent = [
      ...(await this.deps.payments.refundsStuck(['pending'], new Date(now - PENDING_RESEND_AFTER_MS), batch)),
      ...(await this.deps.payments.refundsStuck(['failed'], new Date(now - FAILED_RETRY_AFTER_MS), batch)).filter((r) => r.attempts < MAX_AUTOMATIC_ATTEMPTS),
    ];
    for (const r of unsent) await this.sendOne(r);
    let queried = 0;
    if (this.deps.pay) {
      for (const r of await this.deps.payments.refundsStuck(['processing'], new Date(now - PROCESSING_QUERY_AFTER_MS), batch)) {
        queried++;
        try {
          const answer = await this.deps.pay.queryRefund(r.outRefundNo);
          const payment = (await this.deps.payments.findPayment(r.paymentId))!;
          await this.deps.db.decide((em) =>
            this.settle(
              em,
              {
                mchid: payment.mchid,
                out_refund_no: answer.outRefundNo,
                out_trade_no: payment.outTradeNo,
                refund_id: answer.refundId,
                refund_status: answer.status,
                success_time: answer.successTime?.toISOString(),
                amount: { refund: r.amountFen },
              },
              null,
            ),
          );
        } catch (err) {
          this.deps.logger.warn({ outRefundNo: r.outRefundNo, err: (err as Error).message }, 'refund query failed; will ask again');
        }
      }
    }
    return { sent: unsent.length, queried };
  }

  private async assertManages(actor: Actor, bookingId: number): Promise<void> {
    const booking = await this.deps.bookings.findById(bookingId);
    const centre = booking ? await this.deps.centres.findById(booking.centreId) : null;
    if (!booking || !centre) throw new AppError('REFUND_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
  }
}
