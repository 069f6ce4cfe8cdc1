import type { Slot, SlotTemplate } from '../../../entities';
import { addDays, isoWeekday, shanghaiInstant } from '../../lib/time';

/** A template's weekly pattern, without its bookkeeping. */
export type SlotPattern = Pick<
  SlotTemplate,
  | 'centreId'
  | 'serviceItemId'
  | 'weekdays'
  | 'startTime'
  | 'endTime'
  | 'capacity'
  | 'workerName'
  | 'bookingCutoffDays'
  | 'bookingCutoffTime'
  | 'cancelCutoffDays'
  | 'cancelCutoffTime'
>;

/**
 * The slot a pattern makes on a Shanghai day, or null when it does not run that weekday. Pure: the demo seed and
 * the slots-ahead job make slots the same way.
 */
export function slotOn(p: SlotPattern, date: string, now: Date): Omit<Slot, 'id'> | null {
  if (!p.weekdays.map(Number).includes(isoWeekday(date))) return null;
  return {
    serviceItemId: p.serviceItemId,
    centreId: p.centreId,
    date,
    startsAt: shanghaiInstant(date, p.startTime),
    endsAt: shanghaiInstant(date, p.endTime),
    capacity: p.capacity,
    booked: 0,
    bookingCutoffAt: shanghaiInstant(addDays(date, -p.bookingCutoffDays), p.bookingCutoffTime),
    cancelCutoffAt: shanghaiInstant(addDays(date, -p.cancelCutoffDays), p.cancelCutoffTime),
    workerName: p.workerName,
    status: 'open',
    closeReason: '',
    closureId: null,
    version: 1,
    createdAt: now,
  };
}
