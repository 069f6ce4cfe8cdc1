import type { Logger } from 'pino';
import type { BookingStatus, PayNotificationOutcome, Payment, Refund } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { WechatPayError, type PayOrderStatus, type WechatPayGateway } from '../../gateways/wechat-pay.gateway';
import type { Clock } from '../../lib/clock';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { PaymentRepository } from '../../repositories/payment.repository';
import { BOOKING_STATUS_LABELS, PAY_TEXTS } from '../../words/texts';
import type { RefundService } from './refund.service';
import type { BookingReminders } from '../reminders/reminder.service';

/** The decrypted resource of a TRANSACTION.SUCCESS notification, or an order query's answer in the same shape. */
export interface TransactionResource {
  appid?: string;
  mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  success_time?: string;
  amount?: { total?: number; payer_total?: number };
}

/** Statuses of a booking whose co-payment has been received and is kept. */
export const PAID_STATUSES: readonly BookingStatus[] = ['pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'];

/** What became of an order asked about or closed. */
export type OrderFate = 'paid' | 'closed' | 'open' | 'unknown';

export interface PaymentSettlerDeps {
  db: Database;
  clock: Clock;
  payments: PaymentRepository;
  bookings: BookingRepository;
  centres: CentreRepository;
  refunds: RefundService;
  pay: WechatPayGateway | null;
  logger: Logger;
  reminders: BookingReminders;
}

/**
 * Taking WeChat Pay's word about an order: that it was paid (from a notification or a query, exactly once however
 * often it comes), or that it is closed. PaymentService decides when to ask; this decides what the answer does.
 * Locks are taken booking row first, then payment rows, as everywhere in payments.
 */
export class PaymentSettler {
  constructor(private readonly deps: PaymentSettlerDeps) {}

  /**
   * WeChat Pay says an order was paid (a notification, or a query's answer). Under the booking's and the payment's
   * locks: a mismatch (merchant, appid, amount) is flagged and confirms nothing; a payment seen before changes
   * nothing; otherwise the payment is paid and the booking moves on — or, if the booking stopped waiting for it
   * (expired, cancelled, paid by someone else), the payment is refunded in full and flagged.
   */
  async settlePaid(em: Tx, r: TransactionResource, rawBody: string | null): Promise<{ outcome: PayNotificationOutcome; detail: string; refunds?: Refund[] }> {
    const unlocked = r.out_trade_no ? await this.deps.payments.findByOutTradeNo(em, r.out_trade_no) : null;
    if (!unlocked) return { outcome: 'unknown_order', detail: PAY_TEXTS.unknownOrder };
    await this.deps.bookings.lock(em, unlocked.bookingId);
    const p = (await this.deps.payments.findByOutTradeNo(em, unlocked.outTradeNo, true))!;
    const now = this.deps.clock.now();

    const mismatches: string[] = [];
    if (r.mchid !== p.mchid) mismatches.push(PAY_TEXTS.mismatch.mchid(r.mchid));
    if (r.appid !== p.appid) mismatches.push(PAY_TEXTS.mismatch.appid(r.appid));
    if (r.amount?.total !== p.amountFen) mismatches.push(PAY_TEXTS.mismatch.amount(r.amount?.total, p.amountFen));
    if (mismatches.length > 0) {
      const detail = PAY_TEXTS.mismatchFlag(mismatches.join('，'));
      this.deps.logger.error({ outTradeNo: p.outTradeNo, mismatches }, 'payment notification does not match its order');
      await this.deps.payments.flagPayment(em, p.id, detail, { updatedAt: now, ...(rawBody !== null ? { rawNotification: rawBody } : {}) });
      return { outcome: 'mismatch', detail };
    }
    if (p.status === 'paid') return { outcome: 'already_paid', detail: p.transactionId ?? '' };

    const successTime = r.success_time ? new Date(r.success_time) : now;
    const paidAt = Number.isNaN(successTime.getTime()) ? now : successTime;
    await this.deps.payments.updatePayment(em, p.id, ['created', 'closed', 'failed'], {
      status: 'paid',
      transactionId: r.transaction_id ?? null,
      paidAt,
      ...(rawBody !== null ? { rawNotification: rawBody } : {}),
      updatedAt: now,
    });
    const booking = (await this.deps.bookings.findById(p.bookingId, em))!;
    const centre = await this.deps.centres.findById(booking.centreId, em);
    const next: BookingStatus = centre?.autoConfirm ? 'confirmed' : 'pending_confirmation';
    const moved = await this.deps.bookings.transition(em, booking.id, ['pending_payment'], {
      status: next,
      paidAt,
      paymentDueAt: null,
      ...(next === 'confirmed' ? { confirmedAt: now } : {}),
      updatedAt: now,
    });
    if (moved) {
      if (next === 'confirmed') await this.deps.reminders.bookingMoved(em, { ...booking, status: next });
      // The order was opened for more than the booking now costs (portions were dropped while it was open):
      // the difference goes back at once.
      const excess = p.amountFen - booking.copayFen;
      const refund = excess > 0 ? await this.deps.refunds.planForPayment(em, { ...p, status: 'paid' }, excess, PAY_TEXTS.refundOverpaid, null) : null;
      return { outcome: 'paid', detail: next, refunds: refund ? [refund] : [] };
    }

    // Mulin never keeps money for a service it will not deliver, nor twice for one it will.
    const duplicate = PAID_STATUSES.includes(booking.status);
    const detail = duplicate ? PAY_TEXTS.duplicateFlag : PAY_TEXTS.lateFlag(BOOKING_STATUS_LABELS[booking.status]);
    await this.deps.payments.flagPayment(em, p.id, detail, { updatedAt: now });
    const paid = { ...p, status: 'paid' as const };
    const refund = await this.deps.refunds.planForPayment(em, paid, p.amountFen, duplicate ? PAY_TEXTS.refundDuplicate : PAY_TEXTS.refundLate, null);
    this.deps.logger.warn({ outTradeNo: p.outTradeNo, bookingStatus: booking.status }, 'payment for a booking no longer waiting for it: refunding');
    return { outcome: 'late_refunded', detail, refunds: refund ? [refund] : [] };
  }

  /** Asks WeChat Pay about an order and settles it from the answer; returns what became of it. */
  async settleFromQuery(p: Payment): Promise<OrderFate> {
    let answer: PayOrderStatus;
    try {
      answer = await this.deps.pay!.queryByOutTradeNo(p.outTradeNo);
    } catch (err) {
      if (err instanceof WechatPayError && err.code === 'ORDERNOTEXIST') return (await this.markClosed(p)) ? 'closed' : 'unknown';
      this.deps.logger.warn({ outTradeNo: p.outTradeNo, err: (err as Error).message }, 'order query failed; will ask again');
      return 'unknown';
    }
    if (answer.tradeState === 'SUCCESS' || answer.tradeState === 'REFUND') {
      let refunds: Refund[] = [];
      const outcome = await this.deps.db.retryingDeadlocks(() =>
        this.deps.db.transaction(async (em) => {
          const result = await this.settlePaid(
            em,
            {
              appid: p.appid,
              mchid: p.mchid,
              out_trade_no: p.outTradeNo,
              transaction_id: answer.transactionId,
              trade_state: 'SUCCESS',
              success_time: answer.successTime?.toISOString(),
              amount: { total: answer.amountFen },
            },
            null,
          );
          refunds = result.refunds ?? [];
          return result.outcome;
        }),
      );
      await this.deps.refunds.send(refunds);
      // A mismatching answer is flagged for staff and settles nothing.
      return outcome === 'mismatch' ? 'unknown' : 'paid';
    }
    if (answer.tradeState === 'NOTPAY' || answer.tradeState === 'USERPAYING') return 'open';
    return (await this.markClosed(p)) ? 'closed' : 'unknown';
  }

  /** Closes an order at WeChat Pay so it can no longer be paid; one that was paid after all is settled instead. */
  async closeOrSettle(p: Payment): Promise<OrderFate> {
    if (!this.deps.pay) return (await this.markClosed(p)) ? 'closed' : 'unknown';
    try {
      await this.deps.pay.close(p.outTradeNo);
      await this.markClosed(p);
      return 'closed';
    } catch (err) {
      if (err instanceof WechatPayError && err.code === 'ORDERPAID') return this.settleFromQuery(p);
      if (err instanceof WechatPayError && err.code === 'ORDERNOTEXIST') return (await this.markClosed(p)) ? 'closed' : 'unknown';
      this.deps.logger.warn({ outTradeNo: p.outTradeNo, err: (err as Error).message }, 'closing the order failed; reconciliation will retry');
      return 'unknown';
    }
  }

  /** Marks an order closed here (it was closed, or never existed, at WeChat Pay). */
  markClosed(p: Payment): Promise<boolean> {
    const now = this.deps.clock.now();
    return this.deps.payments.updatePayment(this.deps.db.manager, p.id, ['created'], { status: 'closed', closedAt: now, updatedAt: now });
  }
}
