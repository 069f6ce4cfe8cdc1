import { LIVE_REFUND_STATUSES, type Booking, type BookingStatus, type CounterPayment, type Payment, type Refund } from '../../../entities';

/** Statuses of a booking whose co-payment is kept (paid, or to be collected at the counter). */
export const KEPT_STATUSES: readonly BookingStatus[] = ['pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'];
const SERVED: readonly BookingStatus[] = ['served', 'rated'];

/**
 * Where a booking's co-payment stands, in fen, counted the way an accountant would:
 * held = paid (WeChat Pay) + collected at the counter − refunded − refunding − stuck − paid back by hand.
 */
export interface MoneyPosition {
  /** Received through WeChat Pay. */
  paidFen: number;
  /** Collected by staff at the counter (现场付). */
  counterFen: number;
  /** Back with the payer through WeChat Pay (refund succeeded). */
  refundedFen: number;
  /** Decided and on its way back: pending, processing, or failed and waiting for a retry. */
  refundingFen: number;
  /** Abnormal: WeChat Pay could not put the money back on the card, and nobody has paid it back by hand yet. */
  abnormalFen: number;
  /** Paid back outside WeChat Pay (an abnormal or closed refund that staff settled by hand). */
  offlineFen: number;
  /** Closed refunds nobody has dealt with: owed to the payer until retried, covered or paid back by hand. */
  closedFen: number;
  /** What stays with the centre once every refund decided has landed. */
  heldFen: number;
  /** What the centre should hold: the co-payment while the booking is kept, 0 once it is not. */
  dueFen: number;
}

/**
 * A refund that is money going back (or gone back) to the payer, and must never be planned again: back, on its way,
 * stuck on the way (abnormal), or paid back by hand. A closed one brought nothing back (until paid back by hand).
 */
export function refundCommitted(r: Pick<Refund, 'status' | 'resolution'>): boolean {
  return LIVE_REFUND_STATUSES.includes(r.status) || r.resolution === 'offline';
}

/**
 * The co-payment the centre should hold for a booking now: all of it while the booking is kept, nothing once it
 * is not (expired, cancelled, rejected) — and, for one to be paid at the counter, nothing until it is served: a
 * no-show's counter payment is simply never collected.
 */
export function dueFen(b: Pick<Booking, 'status' | 'copayFen' | 'payAtCounter'>): number {
  if (!KEPT_STATUSES.includes(b.status)) return 0;
  if (b.payAtCounter && !SERVED.includes(b.status)) return 0;
  return b.copayFen;
}

/** Of what the centre should hold, the part to be held as WeChat Pay money (the rest was taken at the counter). */
export function onlineDueFen(b: Pick<Booking, 'status' | 'copayFen' | 'payAtCounter'>, counterFen: number): number {
  if (!KEPT_STATUSES.includes(b.status)) return 0;
  return Math.max(0, b.copayFen - counterFen);
}

export function positionOf(
  b: Pick<Booking, 'status' | 'copayFen' | 'payAtCounter'>,
  payments: readonly Pick<Payment, 'status' | 'amountFen'>[],
  refunds: readonly Pick<Refund, 'status' | 'resolution' | 'amountFen'>[],
  counter: Pick<CounterPayment, 'amountFen'> | null,
): MoneyPosition {
  const sum = (rows: readonly { amountFen: number }[]) => rows.reduce((s, r) => s + r.amountFen, 0);
  const paidFen = sum(payments.filter((p) => p.status === 'paid'));
  const counterFen = counter?.amountFen ?? 0;
  const refundedFen = sum(refunds.filter((r) => r.status === 'success'));
  const refundingFen = sum(refunds.filter((r) => r.status === 'pending' || r.status === 'processing' || r.status === 'failed'));
  const abnormalFen = sum(refunds.filter((r) => r.status === 'abnormal' && r.resolution !== 'offline'));
  const offlineFen = sum(refunds.filter((r) => r.resolution === 'offline'));
  const closedFen = sum(refunds.filter((r) => r.status === 'closed' && r.resolution === null));
  return {
    paidFen,
    counterFen,
    refundedFen,
    refundingFen,
    abnormalFen,
    offlineFen,
    closedFen,
    heldFen: paidFen + counterFen - refundedFen - refundingFen - abnormalFen - offlineFen,
    dueFen: dueFen(b),
  };
}
