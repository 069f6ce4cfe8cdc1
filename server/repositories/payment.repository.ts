import type { EntityManager } from 'typeorm';
import { Booking, CounterPayment, PayNotification, Payment, Refund, type PaymentStatus, type RefundStatus } from '../../entities';
import type { Database } from '../db/database';

/** Payments, refunds and the notifications WeChat Pay sent about them. */
export class PaymentRepository {
  constructor(private readonly db: Database) {}

  insertPayment(em: EntityManager, row: Omit<Payment, 'id'>): Promise<Payment> {
    return em.save(Payment, em.create(Payment, row));
  }

  findPayment(id: number, em: EntityManager = this.db.manager): Promise<Payment | null> {
    return em.findOneBy(Payment, { id });
  }

  /** By merchant order number; with `lock`, the row stays locked until the transaction ends. */
  async findByOutTradeNo(em: EntityManager, outTradeNo: string, lock = false): Promise<Payment | null> {
    const qb = em.createQueryBuilder(Payment, 'p').where('p.outTradeNo = :outTradeNo', { outTradeNo });
    if (lock && this.db.kind !== 'sqlite') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** The payments with these merchant order numbers (those that are ours). */
  paymentsByOutTradeNos(outTradeNos: string[]): Promise<Payment[]> {
    if (outTradeNos.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(Payment, 'p').where('p.outTradeNo IN (:...outTradeNos)', { outTradeNos }).getMany();
  }

  /** A booking's payments, oldest first; with `lock`, read current (not from a snapshot) and locked. */
  async paymentsOf(bookingId: number, em: EntityManager = this.db.manager, lock = false): Promise<Payment[]> {
    const qb = em.createQueryBuilder(Payment, 'p').where('p.bookingId = :bookingId', { bookingId }).orderBy('p.id', 'ASC');
    if (lock && this.db.kind !== 'sqlite') qb.setLock('pessimistic_write');
    return qb.getMany();
  }

  /** Moves a payment on from one of `from` in one conditional UPDATE; false when it had already moved. */
  async updatePayment(em: EntityManager, id: number, from: readonly PaymentStatus[], patch: Partial<Payment>): Promise<boolean> {
    const r = await em.createQueryBuilder().update(Payment).set(patch).where('id = :id AND status IN (:...from)', { id, from }).execute();
    return r.affected === 1;
  }

  async flagPayment(em: EntityManager, id: number, reason: string, patch: Partial<Payment> = {}): Promise<void> {
    await em.update(Payment, { id }, { ...patch, flagged: true, flagReason: reason.slice(0, 200) });
  }

  /** Orders still `created` whose time to pay ran out before `before`: closed, or settled from WeChat Pay's answer. */
  overdueCreated(before: Date, limit: number): Promise<Payment[]> {
    return this.db.manager
      .createQueryBuilder(Payment, 'p')
      .where('p.status = :status AND p.expiresAt < :before', { status: 'created', before })
      .orderBy('p.expiresAt', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Payments of bookings at a centre on a service day (staff's daily reconciliation). */
  async ofCentreDay(centreId: number, date: string): Promise<Array<{ payment: Payment; booking: Booking }>> {
    const bookings = await this.db.manager.find(Booking, { where: { centreId, serviceDate: date }, order: { id: 'ASC' } });
    if (bookings.length === 0) return [];
    const byId = new Map(bookings.map((b) => [b.id, b]));
    const payments = await this.db.manager
      .createQueryBuilder(Payment, 'p')
      .where('p.bookingId IN (:...ids)', { ids: [...byId.keys()] })
      .orderBy('p.id', 'ASC')
      .getMany();
    return payments.map((payment) => ({ payment, booking: byId.get(payment.bookingId)! }));
  }

  flaggedPayments(limit: number): Promise<Payment[]> {
    return this.db.manager.find(Payment, { where: { flagged: true }, order: { id: 'DESC' }, take: limit });
  }

  // ---- Refunds ----

  insertRefund(em: EntityManager, row: Omit<Refund, 'id'>): Promise<Refund> {
    return em.save(Refund, em.create(Refund, row));
  }

  findRefund(id: number, em: EntityManager = this.db.manager): Promise<Refund | null> {
    return em.findOneBy(Refund, { id });
  }

  async findByOutRefundNo(em: EntityManager, outRefundNo: string, lock = false): Promise<Refund | null> {
    const qb = em.createQueryBuilder(Refund, 'r').where('r.outRefundNo = :outRefundNo', { outRefundNo });
    if (lock && this.db.kind !== 'sqlite') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** A booking's refunds, oldest first; with `lock`, locked (inside a deciding transaction, after the booking's lock). */
  async refundsOf(bookingId: number, em: EntityManager = this.db.manager, lock = false): Promise<Refund[]> {
    const qb = em.createQueryBuilder(Refund, 'r').where('r.bookingId = :bookingId', { bookingId }).orderBy('r.id', 'ASC');
    if (lock && this.db.kind !== 'sqlite') qb.setLock('pessimistic_write');
    return qb.getMany();
  }

  /**
   * A booking's closed refunds that nobody has dealt with become `covered`: a later refund paid that back. Found
   * through the booking's index, so it touches no other booking's rows (which concurrent decisions hold).
   */
  async coverClosed(em: EntityManager, bookingId: number, now: Date): Promise<number> {
    const r = await em
      .createQueryBuilder()
      .update(Refund)
      .set({ resolution: 'covered', resolvedAt: now, updatedAt: now })
      .where("bookingId = :bookingId AND status = 'closed' AND resolvedAt IS NULL", { bookingId })
      .execute();
    return r.affected ?? 0;
  }

  /** Marks a closed or abnormal refund dealt with, if nobody has yet; false when someone had. */
  async resolveRefund(em: EntityManager, id: number, patch: Partial<Refund>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Refund)
      .set(patch)
      .where("id = :id AND status IN ('closed', 'abnormal') AND resolvedAt IS NULL", { id })
      .execute();
    return r.affected === 1;
  }

  async updateRefund(em: EntityManager, id: number, from: readonly RefundStatus[], patch: Partial<Refund>): Promise<boolean> {
    const r = await em.createQueryBuilder().update(Refund).set(patch).where('id = :id AND status IN (:...from)', { id, from }).execute();
    return r.affected === 1;
  }

  /** Refunds in one of `statuses` untouched since before `before` (stuck, or saved but never sent). */
  refundsStuck(statuses: readonly RefundStatus[], before: Date, limit: number): Promise<Refund[]> {
    return this.db.manager
      .createQueryBuilder(Refund, 'r')
      .where('r.status IN (:...statuses) AND r.updatedAt < :before', { statuses, before })
      .orderBy('r.updatedAt', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Refunds that did not bring the money back and that no one has dealt with yet. */
  refundsNeedingStaff(limit: number): Promise<Refund[]> {
    return this.db.manager
      .createQueryBuilder(Refund, 'r')
      .where('r.status IN (:...statuses) AND r.resolvedAt IS NULL', { statuses: ['failed', 'abnormal', 'closed'] })
      .orderBy('r.id', 'DESC')
      .take(limit)
      .getMany();
  }

  // ---- At the counter (现场付) ----

  insertCounter(em: EntityManager, row: Omit<CounterPayment, 'id'>): Promise<CounterPayment> {
    return em.save(CounterPayment, em.create(CounterPayment, row));
  }

  counterOf(bookingId: number, em: EntityManager = this.db.manager): Promise<CounterPayment | null> {
    return em.findOneBy(CounterPayment, { bookingId });
  }

  /** Counter payments of bookings at a centre on a service day (staff's daily reconciliation). */
  async countersOfCentreDay(centreId: number, date: string): Promise<Array<{ counter: CounterPayment; booking: Booking }>> {
    const rows = await this.db.manager
      .createQueryBuilder(CounterPayment, 'c')
      .innerJoinAndMapOne('c.booking', Booking, 'b', 'b.id = c.bookingId')
      .where('b.centreId = :centreId AND b.serviceDate = :date', { centreId, date })
      .orderBy('c.id', 'ASC')
      .getMany();
    return rows.map((c) => ({ counter: c, booking: (c as CounterPayment & { booking: Booking }).booking }));
  }

  /** Counter payments that fell short of the co-payment due (staff look at these). */
  async counterShortfalls(limit: number): Promise<Array<{ counter: CounterPayment; booking: Booking }>> {
    const rows = await this.db.manager
      .createQueryBuilder(CounterPayment, 'c')
      .innerJoinAndMapOne('c.booking', Booking, 'b', 'b.id = c.bookingId')
      .where('c.amountFen < b.copayFen')
      .orderBy('c.id', 'DESC')
      .take(limit)
      .getMany();
    return rows.map((c) => ({ counter: c, booking: (c as CounterPayment & { booking: Booking }).booking }));
  }

  // ---- Notifications ----

  /** Records a notification by its id; a second insert of the same id fails on the unique key (see PayNotification). */
  async insertNotification(em: EntityManager, row: Omit<PayNotification, 'id'>): Promise<PayNotification> {
    return em.save(PayNotification, em.create(PayNotification, row));
  }

  async setNotificationOutcome(em: EntityManager, id: number, outcome: PayNotification['outcome'], detail = '', flagged = false): Promise<void> {
    await em.update(PayNotification, { id }, { outcome, detail: detail.slice(0, 200), flagged });
  }

  flaggedNotifications(limit: number): Promise<PayNotification[]> {
    return this.db.manager.find(PayNotification, { where: { flagged: true }, order: { id: 'DESC' }, take: limit });
  }
}
