import type { UsualMealView } from '../../contracts/api-types';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { addDays, shanghaiDate } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { CatalogueService } from '../catalogue/catalogue.service';
import type { BookingService } from './booking.service';

export interface UsualMealServiceDeps {
  clock: Clock;
  bookingRows: BookingRepository;
  seniors: SeniorRepository;
  catalogue: CatalogueService;
  bookings: BookingService;
  access: AccessService;
}

/**
 * 明天照旧: tomorrow's meal as the senior had it last time — the same centre, the same meal, the same way of eating —
 * with the engine's own quote, for the mini-program's home screen (one tap and a confirm instead of four screens).
 * Null when there is no last time, tomorrow's is already booked, or it cannot be booked the same way.
 */
export class UsualMealService {
  constructor(private readonly deps: UsualMealServiceDeps) {}

  async tomorrow(actor: Actor, seniorId: number): Promise<UsualMealView | null> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    await this.deps.access.assertCanSeeSenior(actor, senior);
    const last = await this.deps.bookingRows.lastMealOf(senior.id);
    if (!last) return null;
    const tomorrow = addDays(shanghaiDate(this.deps.clock.now()), 1);
    const held = await this.deps.bookingRows.upcomingOf(senior.id, tomorrow);
    if (held.some((b) => b.serviceDate === tomorrow && b.kind === last.kind)) return null;
    const slots = await this.deps.catalogue.slots({ centreId: last.centreId, category: 'meal', from: tomorrow, to: tomorrow });
    const slot = slots.find(
      (s) => s.serviceItem.kind === last.kind && s.bookable && s.remaining >= 1 && s.serviceItem.deliveryModes.includes(last.deliveryMode),
    );
    if (!slot) return null;
    try {
      const quote = await this.deps.bookings.quote(actor, { seniorId: senior.id, slotId: slot.id, quantity: 1 });
      return {
        seniorId: senior.id,
        slotId: slot.id,
        date: slot.date,
        start: slot.start,
        kind: slot.serviceItem.kind,
        deliveryMode: last.deliveryMode,
        priceFen: quote.priceFen,
        subsidyFen: quote.subsidyFen,
        copayFen: quote.copayFen,
      };
    } catch (err) {
      if (err instanceof AppError) return null;
      throw err;
    }
  }
}
