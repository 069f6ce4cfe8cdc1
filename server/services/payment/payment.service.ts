import type { Logger } from 'pino';
import type { Booking, CounterMethod, PayNotificationOutcome, Payment, Refund } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import { verifyPayNotification, type HeaderBag } from '../../gateways/wechat-pay-notify';
import { WechatPayError, type WechatPayGateway } from '../../gateways/wechat-pay.gateway';
import type { PrepayAnswer } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { merchantNumber } from '../../lib/random';
import { MINUTE, shanghaiDate } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { PaymentRepository } from '../../repositories/payment.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import { PAY_TEXTS } from '../../words/texts';
import type { WechatSettings } from '../../wechat-settings';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { BookingContext, BookingReaderService } from '../booking/booking-reader.service';
import type { BookingReminders } from '../reminders/reminder.service';
import type { PayLinks } from './pay-links';
import { PAID_STATUSES, type PaymentSettler, type TransactionResource } from './payment-settler';
import { paymentView, type PaymentView } from './payment-view';
import type { RefundResource, RefundService } from './refund.service';

/** Where the payer pays from: the mini-program (`wx.requestPayment`) or a link in the public account's chat. */
export type PayVia = 'miniprogram' | 'mp';

export type PrepayResult = PrepayAnswer;

/** What became of one notification; the HTTP route answers WeChat Pay from it. */
export type NotificationOutcome = PayNotificationOutcome | 'duplicate';

/** Orders are looked at by reconciliation this long after they could last have been paid. */
const RECONCILE_GRACE_MS = 2 * MINUTE;

export interface PaymentServiceDeps {
  db: Database;
  clock: Clock;
  settings: WechatSettings;
  payments: PaymentRepository;
  bookings: BookingRepository;
  slots: SlotRepository;
  accounts: AccountRepository;
  reader: BookingReaderService;
  access: AccessService;
  refunds: RefundService;
  pay: WechatPayGateway | null;
  logger: Logger;
  links: PayLinks;
  settler: PaymentSettler;
  reminders: BookingReminders;
}

/**
 * Co-payments with WeChat Pay v3: opening orders (JSAPI, for the mini-program and for chat links), taking WeChat
 * Pay's word that an order was paid — from a notification or a query, exactly once however often and in whatever
 * order it comes (PaymentSettler decides what an answer does) — expiring bookings left unpaid, and reconciling orders
 * that went quiet.
 *
 * Locks are always taken booking row first, then payment rows, here and in the booking life cycle, so a payment
 * arriving while the family cancels cannot deadlock; whichever commits first decides, and the other sees it.
 */
export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  // ---- Paying ----

  /** The senior or a linked family member asks to pay a booking's co-payment: returns what the client signs with. */
  async prepay(actor: Actor, bookingId: number, via: PayVia): Promise<PrepayResult> {
    const ctx = await this.deps.reader.load(bookingId);
    const rel = await this.deps.access.assertCanSeeSenior(actor, ctx.senior);
    if (rel !== 'self' && rel !== 'family') throw new AppError('PAYER_NOT_ALLOWED');
    return this.prepayFor(actor.accountId, ctx, via);
  }

  /**
   * A link the bot sends a senior in chat: opens Mulin's JSAPI pay page for this booking, as this account, until
   * the booking's time to pay ends. Signed, so it cannot be turned into someone else's payment.
   */
  payLink(accountId: number, booking: Pick<Booking, 'id' | 'paymentDueAt'>): string {
    return this.deps.links.link(accountId, booking);
  }

  /** The pay page asks for payment parameters with the link's token. */
  async prepayByLink(token: string): Promise<PrepayResult> {
    const { bookingId, accountId } = this.deps.links.read(token);
    const ctx = await this.deps.reader.load(bookingId).catch(() => {
      throw new AppError('PAY_LINK_INVALID');
    });
    return this.prepayFor(accountId, ctx, 'mp');
  }

  private async prepayFor(accountId: number, ctx: BookingContext, via: PayVia): Promise<PrepayResult> {
    const b = ctx.booking;
    const now = this.deps.clock.now();
    const refused = this.unpayable(b, now);
    if (refused) throw refused;
    if (!this.deps.pay) throw new AppError('PAYMENT_UNAVAILABLE');
    const account = await this.deps.accounts.findById(accountId);
    const openid = via === 'miniprogram' ? account?.miniOpenid : account?.mpOpenid;
    if (!account || !account.active || !openid) throw new AppError('NO_WECHAT_IDENTITY');
    const appId = via === 'miniprogram' ? this.deps.settings.mini.appId : this.deps.settings.mp.appId;
    const same = (p: Payment, copayFen: number) => p.appid === appId && p.payerOpenid === openid && p.amountFen === copayFen;

    // Someone else's open order for this booking (the senior in chat, now the daughter in the mini-program) is
    // closed first, so that at most one can still be paid; one that turns out paid settles the booking instead.
    for (const p of await this.deps.payments.paymentsOf(b.id)) {
      if (p.status === 'created' && !same(p, b.copayFen)) await this.deps.settler.closeOrSettle(p);
    }
    // Lock first, then read: the order is opened for the booking as it is now (portions dropped a moment ago).
    const decided = await this.deps.db.decide(async (em): Promise<{ payment: Payment } | { refused: AppError }> => {
      const booking = (await this.deps.bookings.lockedFind(em, b.id))!;
      const no = this.unpayable(booking, now);
      if (no) return { refused: no };
      const payments = await this.deps.payments.paymentsOf(b.id, em, true);
      if (payments.some((p) => p.status === 'paid')) return { refused: new AppError('ALREADY_PAID') };
      const open = payments.find((p) => p.status === 'created' && same(p, booking.copayFen));
      if (open) return { payment: open };
      const payment = await this.deps.payments.insertPayment(em, {
        bookingId: b.id,
        outTradeNo: merchantNumber('MP', shanghaiDate(now)),
        appid: appId,
        mchid: this.deps.settings.pay.mchId,
        payerAccountId: account.id,
        payerOpenid: openid,
        amountFen: booking.copayFen,
        status: 'created',
        prepayId: null,
        transactionId: null,
        // A booking to be paid at the counter may be paid online until its service begins.
        expiresAt: booking.paymentDueAt ?? ctx.slot.startsAt,
        paidAt: null,
        closedAt: null,
        rawNotification: null,
        flagged: false,
        flagReason: '',
        createdAt: now,
        updatedAt: now,
      });
      return { payment };
    });
    if ('refused' in decided) throw decided.refused;
    const payment = decided.payment;
    if (payment.prepayId) return { payment: this.view(payment), requestPayment: this.deps.pay.requestPayment(appId, payment.prepayId) };

    try {
      const opened = await this.deps.pay.jsapiPrepay({
        appId,
        outTradeNo: payment.outTradeNo,
        description: PAY_TEXTS.description(ctx.centre.name, ctx.item.name, b.serviceDate),
        amountFen: payment.amountFen,
        payerOpenid: openid,
        timeExpire: payment.expiresAt,
        attach: `booking:${b.id}`,
      });
      await this.deps.payments.updatePayment(this.deps.db.manager, payment.id, ['created'], { prepayId: opened.prepayId, updatedAt: now });
      return { payment: this.view({ ...payment, prepayId: opened.prepayId }), requestPayment: opened.requestPayment };
    } catch (err) {
      if (!(err instanceof WechatPayError)) throw err;
      this.deps.logger.warn({ outTradeNo: payment.outTradeNo, code: err.code, err: err.message }, 'JSAPI prepay failed');
      if (err.code === 'ORDERPAID') {
        await this.deps.settler.settleFromQuery(payment);
        throw new AppError('ALREADY_PAID');
      }
      // A definite refusal ends this order; with no answer at all it may exist at WeChat Pay and stays `created`
      // for reconciliation to close (it cannot be paid after time_expire anyway).
      if (err.status >= 400 && err.status < 500) {
        await this.deps.payments.updatePayment(this.deps.db.manager, payment.id, ['created'], { status: 'failed', closedAt: now, updatedAt: now });
      }
      throw new AppError('PAYMENT_UNAVAILABLE');
    }
  }

  /**
   * Why a booking cannot be paid online now, or null: it is free, paid, past its time to pay, or closed. A booking
   * to be paid at the counter (现场付) may still be paid online until it is served.
   */
  private unpayable(b: Booking, now: Date): AppError | null {
    if (b.copayFen === 0) return new AppError('PAYMENT_NOT_NEEDED');
    if (b.status === 'pending_payment') return b.paymentDueAt !== null && b.paymentDueAt <= now ? new AppError('PAYMENT_EXPIRED') : null;
    if (b.payAtCounter && (b.status === 'pending_confirmation' || b.status === 'confirmed')) return null;
    if (PAID_STATUSES.includes(b.status)) return new AppError('ALREADY_PAID');
    if (b.status === 'expired') return new AppError('PAYMENT_EXPIRED');
    return new AppError('BOOKING_NOT_PAYABLE', ERROR_MESSAGES.BOOKING_NOT_PAYABLE(b.status), { status: b.status });
  }

  // ---- What WeChat Pay tells us ----

  /**
   * A POST to /pay/notify: verified (signature, key id, timestamp, AES-GCM), recorded once by its id, and acted on
   * in one transaction. Throws PayNotificationRejected when it cannot be WeChat Pay's; any other error means it
   * could not be processed now and WeChat Pay should send it again.
   */
  async receiveTransaction(headers: HeaderBag, rawBody: string): Promise<NotificationOutcome> {
    const n = verifyPayNotification<TransactionResource>(this.verification(headers, rawBody));
    const r = n.resource;
    let refunds: Refund[] = [];
    const outcome = await this.deps.db.retryingDeadlocks(() =>
      this.deps.db.decide(async (em) => {
        const note = await this.record(em, n.id, n.eventType, r.out_trade_no ?? null, null, rawBody);
        if (!note) return 'duplicate' as const;
        let result: { outcome: PayNotificationOutcome; detail: string; refunds?: Refund[] };
        if (n.eventType !== 'TRANSACTION.SUCCESS' || r.trade_state !== 'SUCCESS') {
          result = { outcome: 'ignored', detail: `${n.eventType} ${String(r.trade_state)}` };
        } else {
          result = await this.deps.settler.settlePaid(em, r, rawBody);
        }
        refunds = result.refunds ?? [];
        const flagged = result.outcome === 'mismatch' || result.outcome === 'unknown_order';
        await this.deps.payments.setNotificationOutcome(em, note, result.outcome, result.detail, flagged);
        return result.outcome;
      }),
    );
    await this.deps.refunds.send(refunds);
    return outcome;
  }

  /** A POST to /pay/refund-notify: REFUND.SUCCESS / ABNORMAL / CLOSED, the same careful way. */
  async receiveRefund(headers: HeaderBag, rawBody: string): Promise<NotificationOutcome> {
    const n = verifyPayNotification<RefundResource>(this.verification(headers, rawBody));
    const r = n.resource;
    return this.deps.db.retryingDeadlocks(() =>
      this.deps.db.decide(async (em) => {
        const note = await this.record(em, n.id, n.eventType, r.out_trade_no ?? null, r.out_refund_no ?? null, rawBody);
        if (!note) return 'duplicate' as const;
        const result = n.eventType.startsWith('REFUND.')
          ? await this.deps.refunds.settle(em, r, rawBody)
          : { outcome: 'ignored' as const, detail: n.eventType };
        const flagged = result.outcome === 'mismatch' || result.outcome === 'unknown_refund';
        await this.deps.payments.setNotificationOutcome(em, note, result.outcome, result.detail, flagged);
        return result.outcome;
      }),
    );
  }

  private verification(headers: HeaderBag, rawBody: string) {
    return {
      headers,
      rawBody,
      now: this.deps.clock.now(),
      platformPublicKeyPem: this.deps.settings.pay.platformPublicKeyPem,
      platformPublicKeyId: this.deps.settings.pay.platformPublicKeyId,
      apiV3Key: this.deps.settings.pay.apiV3Key,
    };
  }

  /** Records a notification id; null when it was recorded before (a redelivery, or a concurrent duplicate). */
  private async record(
    em: Tx,
    notificationId: string,
    eventType: string,
    outTradeNo: string | null,
    outRefundNo: string | null,
    rawBody: string,
  ): Promise<number | null> {
    try {
      const row = await this.deps.payments.insertNotification(em, {
        notificationId: notificationId.slice(0, 64),
        eventType: eventType.slice(0, 32),
        outTradeNo: outTradeNo?.slice(0, 32) ?? null,
        outRefundNo: outRefundNo?.slice(0, 64) ?? null,
        outcome: 'ignored',
        detail: '',
        flagged: false,
        rawBody,
        receivedAt: this.deps.clock.now(),
      });
      return row.id;
    } catch (err) {
      if (this.deps.db.isDuplicateKey(err)) return null;
      throw err;
    }
  }

  // ---- Time ----

  /**
   * Bookings unpaid when their time to pay ran out (`paymentDueAt`: 15 minutes after booking in the mini-program,
   * the slot's booking cut-off for one made in chat): their orders are closed at WeChat Pay and they expire, giving
   * their seats back. Driven by `paymentDueAt` in the database, so a restart loses nothing; the scheduler calls it
   * every minute. An order found paid at the last moment confirms its booking.
   */
  async expireUnpaid(batch = 200): Promise<{ expired: number; paid: number }> {
    const now = this.deps.clock.now();
    let expired = 0;
    let paid = 0;
    for (const b of await this.deps.bookings.findPaymentDue(now, batch)) {
      let wasPaid = false;
      for (const p of await this.deps.payments.paymentsOf(b.id)) {
        if (p.status === 'created' && (await this.deps.settler.closeOrSettle(p)) === 'paid') wasPaid = true;
      }
      if (wasPaid) {
        paid++;
        continue;
      }
      const moved = await this.deps.db.decide(async (em) => {
        // Lock first, then read: a payment, a reduction to free or a later deadline may have come in meanwhile.
        const booking = await this.deps.bookings.lockedFind(em, b.id);
        if (!booking || booking.status !== 'pending_payment' || booking.paymentDueAt === null || booking.paymentDueAt > now) return false;
        if ((await this.deps.payments.paymentsOf(b.id, em, true)).some((p) => p.status === 'paid')) return false;
        const patch = { status: 'expired' as const, closedAt: now, closeReason: PAY_TEXTS.closedUnpaid, updatedAt: now };
        await this.deps.bookings.transition(em, b.id, ['pending_payment'], patch);
        await this.deps.slots.release(em, booking.slotId, booking.quantity);
        await this.deps.reminders.bookingMoved(em, { ...booking, ...patch });
        return true;
      });
      if (moved) {
        expired++;
        this.deps.slots.changed(); // its seats are free again: the next listing shows them
      }
    }
    return { expired, paid };
  }

  /**
   * Orders still `created` after they could last have been paid, asked about one by one and settled from WeChat
   * Pay's answer (a lost notification), and refunds that went quiet. The scheduler calls it every few minutes.
   */
  async reconcile(batch = 100): Promise<{ payments: number; paid: number; closed: number; refundsSent: number; refundsQueried: number }> {
    const before = new Date(this.deps.clock.now().getTime() - RECONCILE_GRACE_MS);
    const overdue = await this.deps.payments.overdueCreated(before, batch);
    let paid = 0;
    let closed = 0;
    for (const p of overdue) {
      let result = this.deps.pay ? await this.deps.settler.settleFromQuery(p) : 'unknown';
      if (result === 'open' || !this.deps.pay) result = await this.deps.settler.closeOrSettle(p);
      if (result === 'paid') paid++;
      if (result === 'closed') closed++;
    }
    const r = await this.deps.refunds.reconcile(batch);
    return { payments: overdue.length, paid, closed, refundsSent: r.sent, refundsQueried: r.queried };
  }

  // ---- The booking life cycle's side of money ----

  /**
   * Inside the deciding transaction that closes a booking (cancelled, rejected) or lowers its price, after the
   * booking's row was locked: plans the refund of what was paid beyond `keepFen` (less what was collected at the
   * counter); returns what to do after commit (send the refunds, close orders that can no longer be paid, or that
   * the booking no longer needs).
   */
  async onBookingChanged(
    em: Tx,
    booking: Booking,
    keepFen: number,
    reason: string,
    requestedBy: number | null,
  ): Promise<{ afterCommit: () => Promise<void>; refundFen: number }> {
    const all = await this.deps.payments.paymentsOf(booking.id, em, true);
    const counter = await this.deps.payments.counterOf(booking.id, em);
    const planned = await this.deps.refunds.planBeyond(
      em,
      all.filter((p) => p.status === 'paid'),
      keepFen - (counter?.amountFen ?? 0),
      reason,
      requestedBy,
    );
    // An order still open for the old amount is closed, so that the next payment asks for the new one.
    const open = all.filter((p) => p.status === 'created');
    return {
      refundFen: planned.reduce((s, r) => s + r.amountFen, 0),
      afterCommit: async () => {
        for (const p of open) await this.deps.settler.closeOrSettle(p);
        await this.deps.refunds.send(planned);
      },
    };
  }

  /**
   * 现场付, inside the check-in's transaction (the booking's row locked): what staff collected at the counter,
   * recorded beside WeChat Pay's payments. What is less than the co-payment shows as a shortfall to staff and in
   * the settlement.
   */
  async recordCounter(
    em: Tx,
    booking: Booking,
    collected: { amountFen: number; method: CounterMethod; collectedByAccountId: number; collectedAt: Date },
  ): Promise<void> {
    await this.deps.payments.insertCounter(em, { bookingId: booking.id, centreId: booking.centreId, ...collected });
  }

  private view(p: Payment): PaymentView {
    return paymentView(p, this.deps.settings.mini.appId);
  }
}
