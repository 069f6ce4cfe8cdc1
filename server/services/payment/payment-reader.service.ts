import type { Booking, Payment } from '../../../entities';
import { AppError } from '../../errors';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { PaymentRepository } from '../../repositories/payment.repository';
import type { WechatSettings } from '../../wechat-settings';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { BookingReaderService } from '../booking/booking-reader.service';
import { paymentView, refundView, type LedgerView, type PaymentView, type RefundView } from './payment-view';

export interface PaymentReaderServiceDeps {
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
    const [payments, refunds] = await Promise.all([this.deps.payments.paymentsOf(booking.id), this.deps.payments.refundsOf(booking.id)]);
    const sum = (rows: Array<{ amountFen: number }>) => rows.reduce((s, r) => s + r.amountFen, 0);
    return {
      bookingId: booking.id,
      copayFen: booking.copayFen,
      paidFen: sum(payments.filter((p) => p.status === 'paid')),
      refundedFen: sum(refunds.filter((r) => r.status === 'success')),
      refundingFen: sum(refunds.filter((r) => r.status === 'pending' || r.status === 'processing' || r.status === 'failed')),
      payments: payments.map((p) => this.view(p)),
      refunds: refunds.map(refundView),
    };
  }

  /** Staff and admins: payments for a centre's bookings on a service day, with totals. */
  async centreDay(actor: Actor, centreId: number, date: string) {
    const centre = await this.deps.centres.findById(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    const rows = await this.deps.payments.ofCentreDay(centreId, date);
    const items = rows.map(({ payment, booking }) => ({ ...this.view(payment), bookingCode: booking.code, bookingStatus: booking.status }));
    const paid = items.filter((p) => p.status === 'paid');
    return {
      centreId,
      date,
      items,
      totals: { paidFen: paid.reduce((s, p) => s + p.amountFen, 0), paidCount: paid.length, flaggedCount: items.filter((p) => p.flagged).length },
    };
  }

  /**
   * What staff must look at: payments flagged (mismatching, or refunded because they came too late), refunds that
   * did not bring the money back, and notifications Mulin flagged (administrators only). Each for those over its
   * centre; a notification that matches no order of ours belongs to no centre, so only the administrators of a whole
   * top-level region (the district) see it — a street's administrators used to see every one.
   */
  async problems(actor: Actor, limit = 200): Promise<{ payments: PaymentView[]; refunds: RefundView[]; notifications: unknown[] }> {
    this.deps.access.assertStaffOrAdmin(actor);
    const [payments, refunds, notifications] = await Promise.all([
      this.deps.payments.flaggedPayments(limit),
      this.deps.payments.refundsNeedingStaff(limit),
      this.deps.payments.flaggedNotifications(limit),
    ]);
    const admin = actor.roles.includes('admin');
    const ours = admin ? await this.deps.payments.paymentsByOutTradeNos([...new Set(notifications.flatMap((n) => (n.outTradeNo ? [n.outTradeNo] : [])))]) : [];
    const bookingOfOrder = new Map(ours.map((p) => [p.outTradeNo, p.bookingId]));
    const bookingIds = [...new Set([...payments.map((p) => p.bookingId), ...refunds.map((r) => r.bookingId), ...ours.map((p) => p.bookingId)])];
    const bookings = await this.deps.bookings.findByIds(bookingIds);
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
