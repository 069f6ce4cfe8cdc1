import type { Booking, Centre, Senior, ServiceItem, Slot } from '../../../entities';
import { SERVICE_KIND_LABELS } from '../../../entities';
import type { BookingView } from '../../contracts/api-types';
import { shanghaiTime } from '../../lib/time';
import { BOOKING_STATUS_LABELS, DELIVERY_MODE_LABELS } from '../../words/texts';

export type { BookingView };

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function bookingView(b: Booking, slot: Slot, item: ServiceItem, centre: Centre, senior: Pick<Senior, 'id' | 'name'>): BookingView {
  return {
    id: b.id,
    code: b.code,
    status: b.status,
    statusLabel: BOOKING_STATUS_LABELS[b.status],
    senior: { id: senior.id, name: senior.name },
    centre: { id: centre.id, name: centre.name, phone: centre.phone },
    serviceItem: { id: item.id, name: item.name, category: item.category, kind: item.kind, kindLabel: SERVICE_KIND_LABELS[item.kind] },
    slot: { id: slot.id, date: slot.date, start: shanghaiTime(slot.startsAt), end: shanghaiTime(slot.endsAt), workerName: slot.workerName || null },
    serviceDate: b.serviceDate,
    quantity: b.quantity,
    deliveryMode: b.deliveryMode,
    deliveryModeLabel: DELIVERY_MODE_LABELS[b.deliveryMode],
    unitPriceFen: b.unitPriceFen,
    priceFen: b.priceFen,
    subsidyFen: b.subsidyFen,
    copayFen: b.copayFen,
    subsidyReason: b.subsidyReason,
    bookedBy: b.bookedBy,
    channel: b.channel,
    note: b.note,
    createdAt: b.createdAt.toISOString(),
    payAtCounter: b.payAtCounter,
    paymentDueAt: iso(b.paymentDueAt),
    cancelCutoffAt: slot.cancelCutoffAt.toISOString(),
    confirmedAt: iso(b.confirmedAt),
    servedAt: iso(b.servedAt),
    closedAt: iso(b.closedAt),
    closeReason: b.closeReason,
  };
}
