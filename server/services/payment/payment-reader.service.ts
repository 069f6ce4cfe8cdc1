import type { Booking, Payment } from '../../../entities';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { addDays, shanghaiDate } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { PaymentRepository } from '../../repositories/payment.repository';
import type { WechatSettings } from '../../wechat-settings';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { BookingReaderService } from '../booking/booking-reader.service';
import { positionOf } from './ledger';
import { counterView, paymentView, refundView, type LedgerView, type PaymentView } from './payment-view';

export interface PaymentReaderServiceDeps {
  clock: Clock;
  settings: WechatSettings;
  payments: PaymentRepository;
  bookings: BookingRepository;
  centres: CentreRepository;
  reader: BookingReaderService;
  access: AccessService;
}

/** Reading money: a booking's ledger, a centre's day, and what staff must look at. Changes nothing. */
export class PaymentReaderService {
  constructor(private readonly deps: PaymentReaderServiceDeps) {}

  /** A booking's payments and refunds, for the people who may see the booking. */
  async ledger(actor: Actor, bookingId: number): Promise<LedgerView> {
    const ctx = await this.deps.reader.load(bookingId);
    await this.deps.reader.assertCanSee(actor, ctx);
    return this.ledgerOf(ctx.booking);
  }

  private async ledgerOf(booking: Booking): Promise<LedgerView> {
    const [payments, refunds, counter] = await Promise.all([
      this.deps.payments.paymentsOf(booking.id),
      this.deps.payments.refundsOf(booking.id),
      this.deps.payments.counterOf(booking.id),
    ]);
    const pos = positionOf(booking, payments, refunds, counter);
    return {
      bookingId: booking.id,
      copayFen: booking.copayFen,
      paidFen: pos.paidFen,
      counterFen: pos.counterFen,
      refundedFen: pos.refundedFen,
      refundingFen: pos.refundingFen,
      abnormalFen: pos.abnormalFen,
      refundedOfflineFen: pos.offlineFen,
      owedFen: pos.closedFen,
      dueFen: pos.dueFen,
      heldFen: pos.heldFen,
      payments: payments.map((p) => this.view(p)),
      refunds: refunds.map(refundView),
      counter: counter ? counterView(counter) : null,
    };
  }

  /**
   * Staff and admins: a centre's money for a service day — WeChat Pay's payments and what was collected at the
   * counter, each with its own totals (they reach the centre by different roads).
   */
  async centreDay(actor: Actor, centreId: number, date: string) {
    const centre = await this.deps.centres.findById(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    const [rows, counters] = await Promise.all([this.deps.payments.ofCentreDay(centreId, date), this.deps.payments.countersOfCentreDay(centreId, date)]);
    const items = rows.map(({ payment, booking }) => ({ ...this.view(payment), bookingCode: booking.code, bookingStatus: booking.status }));
    const counter = counters.map(({ counter: c, booking }) => ({ ...counterView(c), bookingCode: booking.code, copayFen: booking.copayFen }));
    const paid = items.filter((p) => p.status === 'paid');
    return {
      centreId,
      date,
      items,
      counter,
      totals: {
        paidFen: paid.reduce((s, p) => s + p.amountFen, 0),
        paidCount: paid.length,
        flaggedCount: items.filter((p) => p.flagged).length,
        counterFen: counter.reduce((s, c) => s + c.amountFen, 0),
        counterCount: counter.length,
        counterShortFen: counter.reduce((s, c) => s + Math.max(0, c.copayFen - c.amountFen), 0),
      },
    };
  }

  /**
   * What staff must look at: payments flagged (mismatching, or refunded because they came too late or twice),
   * refunds that did not bring the money back (failed, abnormal, closed — until retried, covered by a later refund
   * or paid back by hand), counter payments that fell short of the co-payment, paid bookings still waiting for the
   * centre's confirmation today or tomorrow (unconfirmed at day end, they are refunded in full), and notifications
   * Mulin flagged (administrators only). Each for those over its centre; a notification that matches no order of
   * ours belongs to no centre, so only the administrators of a whole top-level region (the district) see it — a
   * street's administrators used to see every one.
   */
  async problems(actor: Actor, limit = 200) {
    this.deps.access.assertStaffOrAdmin(actor);
    const today = shanghaiDate(this.deps.clock.now());
    const [payments, refunds, notifications, shortfalls, awaiting] = await Promise.all([
      this.deps.payments.flaggedPayments(limit),
      this.deps.payments.refundsNeedingStaff(limit),
      this.deps.payments.flaggedNotifications(limit),
      this.deps.payments.counterShortfalls(limit),
      this.deps.bookings.awaitingConfirmation(null, today, addDays(today, 1), limit),
    ]);
    const admin = actor.roles.includes('admin');
    const ours = admin ? await this.deps.payments.paymentsByOutTradeNos([...new Set(notifications.flatMap((n) => (n.outTradeNo ? [n.outTradeNo] : [])))]) : [];
    const bookingOfOrder = new Map(ours.map((p) => [p.outTradeNo, p.bookingId]));
    const bookingIds = [...new Set([...payments.map((p) => p.bookingId), ...refunds.map((r) => r.bookingId), ...ours.map((p) => p.bookingId)])];
    const bookings = [...(await this.deps.bookings.findByIds(bookingIds)), ...shortfalls.map((x) => x.booking), ...awaiting];
    const centres = new Map((await this.deps.centres.findByIds([...new Set(bookings.map((b) => b.centreId))])).map((c) => [c.id, c]));
    const manages = new Set(
      bookings
        .filter((b) => {
          const c = centres.get(b.centreId)!;
          return this.deps.access.isStaffOf(actor, c.id) || this.deps.access.isAdminOver(actor, c.regionPath);
        })
        .map((b) => b.id),
    );
    const wholeRegion = admin && actor.regionPath !== null && actor.regionPath.split('/').filter(Boolean).length === 1;
    const maySee = (outTradeNo: string | null) => {
      const bookingId = outTradeNo ? bookingOfOrder.get(outTradeNo) : undefined;
      return bookingId === undefined ? wholeRegion : manages.has(bookingId);
    };
    return {
      payments: payments.filter((p) => manages.has(p.bookingId)).map((p) => this.view(p)),
      refunds: refunds.filter((r) => manages.has(r.bookingId)).map(refundView),
      counterShortfalls: shortfalls
        .filter((x) => manages.has(x.booking.id))
        .map(({ counter, booking }) => ({
          ...counterView(counter),
          bookingCode: booking.code,
          copayFen: booking.copayFen,
          shortFen: booking.copayFen - counter.amountFen,
        })),
      awaitingConfirmation: awaiting
        .filter((b) => manages.has(b.id))
        .map((b) => ({
          bookingId: b.id,
          bookingCode: b.code,
          centreId: b.centreId,
          serviceDate: b.serviceDate,
          copayFen: b.copayFen,
          payAtCounter: b.payAtCounter,
        })),
      notifications: admin
        ? notifications
            .filter((n) => maySee(n.outTradeNo))
            .map((n) => ({
              id: n.id,
              notificationId: n.notificationId,
              eventType: n.eventType,
              outTradeNo: n.outTradeNo,
              outRefundNo: n.outRefundNo,
              outcome: n.outcome,
              detail: n.detail,
              receivedAt: n.receivedAt.toISOString(),
            }))
        : [],
    };
  }

  private view(p: Payment): PaymentView {
    return paymentView(p, this.deps.settings.mini.appId);
  }
}
