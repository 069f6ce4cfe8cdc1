import type { Logger } from 'pino';
import type { Booking, BookingStatus, PayNotificationOutcome, Payment, Refund } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { WechatPayError, type PayOrderStatus, type WechatPayGateway } from '../../gateways/wechat-pay.gateway';
import type { Clock } from '../../lib/clock';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { PaymentRepository } from '../../repositories/payment.repository';
import { BOOKING_STATUS_LABELS, PAY_TEXTS } from '../../words/texts';
import { KEPT_STATUSES, onlineDueFen } from './ledger';
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

/** Statuses of a booking whose co-payment has been received (or is to be collected at the counter) and is kept. */
export const PAID_STATUSES: readonly BookingStatus[] = KEPT_STATUSES;

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
   * WeChat Pay says an order was paid (a notification, or a query's answer). Lock first, then read: the booking's
   * row is locked and read as it is now before anything is decided (a reduction or a cancellation that committed a
   * moment ago is seen), then the payment's. A mismatch (merchant, appid, amount) is flagged and confirms nothing; a
   * payment seen before changes nothing; otherwise the payment is paid and the booking moves on — and whatever of
   * the money the booking no longer needs (it expired or was cancelled; another payment or the counter already paid
   * it; portions were dropped; it became free) is refunded, with the reason that is true for the family.
   */
  async settlePaid(em: Tx, r: TransactionResource, rawBody: string | null): Promise<{ outcome: PayNotificationOutcome; detail: string; refunds?: Refund[] }> {
    // The order's booking never changes, so reading it unlocked is safe; nothing else is read before the lock.
    const unlocked = r.out_trade_no ? await this.deps.payments.findByOutTradeNo(em, r.out_trade_no) : null;
    if (!unlocked) return { outcome: 'unknown_order', detail: PAY_TEXTS.unknownOrder };
    const booking = (await this.deps.bookings.lockedFind(em, unlocked.bookingId))!;
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
    // WeChat Pay confirms the order's own amount: a mismatch flag left by an earlier, wrong notification no longer holds.
    await this.deps.payments.updatePayment(em, p.id, ['created', 'closed', 'failed'], {
      status: 'paid',
      transactionId: r.transaction_id ?? null,
      paidAt,
      flagged: false,
      flagReason: '',
      ...(rawBody !== null ? { rawNotification: rawBody } : {}),
      updatedAt: now,
    });
    const paid = (await this.deps.payments.paymentsOf(booking.id, em, true)).filter((x) => x.status === 'paid');
    const counter = await this.deps.payments.counterOf(booking.id, em);
    const counterFen = counter?.amountFen ?? 0;

    if (booking.status === 'pending_payment') {
      const centre = await this.deps.centres.findById(booking.centreId, em);
      const next: BookingStatus = centre?.autoConfirm ? 'confirmed' : 'pending_confirmation';
      const patch: Partial<Booking> = { status: next, paidAt, paymentDueAt: null, ...(next === 'confirmed' ? { confirmedAt: now } : {}), updatedAt: now };
      await this.deps.bookings.transition(em, booking.id, ['pending_payment'], patch);
      await this.deps.reminders.bookingMoved(em, { ...booking, ...patch });
      // The order was opened for more than the booking now costs (portions were dropped while it was open):
      // the difference goes back at once.
      const refunds = await this.deps.refunds.planBeyond(em, paid, booking.copayFen - counterFen, PAY_TEXTS.refundOverpaid, null);
      return { outcome: 'paid', detail: next, refunds };
    }

    const keep = onlineDueFen(booking, counterFen);
    const othersHeld = paid.filter((x) => x.id !== p.id).reduce((s, x) => s + x.amountFen, 0);
    if (booking.payAtCounter && KEPT_STATUSES.includes(booking.status) && othersHeld === 0 && counterFen === 0 && keep > 0) {
      // A booking to be paid at the counter (现场付), paid online before the day instead: this is its co-payment.
      await this.deps.bookings.transition(em, booking.id, [booking.status], { payAtCounter: false, paidAt, updatedAt: now });
      const refunds = await this.deps.refunds.planBeyond(em, paid, keep, PAY_TEXTS.refundOverpaid, null);
      return { outcome: 'paid', detail: booking.status, refunds };
    }

    // Mulin never keeps money for a service it will not deliver, nor twice for one it will: what is beyond what
    // the booking keeps goes back, and the payment is flagged for staff.
    const why = !KEPT_STATUSES.includes(booking.status) ? 'late' : counterFen > 0 ? 'counter' : booking.copayFen === 0 ? 'free' : 'duplicate';
    const reason = {
      late: PAY_TEXTS.refundLate,
      counter: PAY_TEXTS.refundPaidAtCounter,
      free: PAY_TEXTS.refundNotNeeded,
      duplicate: PAY_TEXTS.refundDuplicate,
    }[why];
    const detail = {
      late: PAY_TEXTS.lateFlag(BOOKING_STATUS_LABELS[booking.status]),
      counter: PAY_TEXTS.paidAtCounterFlag,
      free: PAY_TEXTS.notNeededFlag,
      duplicate: PAY_TEXTS.duplicateFlag,
    }[why];
    const refunds = await this.deps.refunds.planBeyond(em, paid, keep, reason, null);
    if (refunds.length === 0) return { outcome: 'paid', detail: booking.status, refunds };
    await this.deps.payments.flagPayment(em, p.id, detail, { updatedAt: now });
    this.deps.logger.warn({ outTradeNo: p.outTradeNo, bookingStatus: booking.status, why }, 'payment for a booking no longer waiting for it: refunding');
    return { outcome: 'late_refunded', detail, refunds };
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
        this.deps.db.decide(async (em) => {
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
