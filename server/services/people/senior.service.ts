import { SENIOR_CATEGORY_LABELS, type Senior } from '../../../entities';
import { AppError } from '../../errors';
import type { SeniorView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { maskPhone } from '../../lib/mask';
import { ageOn, shanghaiDate } from '../../lib/time';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { AccessService, SeniorRelation } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';

export type { SeniorView };

export class SeniorService {
  constructor(
    private readonly seniors: SeniorRepository,
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  async get(actor: Actor, id: number): Promise<SeniorView> {
    const senior = await this.seniors.findById(id);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    return this.view(senior, await this.access.assertCanSeeSenior(actor, senior));
  }

  /** Staff see the seniors who use their centre; administrators those in their region. */
  async list(actor: Actor, q: { search?: string; limit: number; offset: number }): Promise<{ items: SeniorView[]; total: number }> {
    if (hasRole(actor, 'admin') && actor.regionPath) {
      const r = await this.seniors.list({ ...q, regionPath: actor.regionPath });
      return { items: r.items.map((s) => this.view(s, 'admin')), total: r.total };
    }
    if (hasRole(actor, 'staff') && actor.centreId !== null) {
      const r = await this.seniors.list({ ...q, homeCentreId: actor.centreId });
      return { items: r.items.map((s) => this.view(s, 'staff')), total: r.total };
    }
    throw new AppError('FORBIDDEN');
  }

  /** Everyone related sees the phone whole (they call it); only staff and admins see the ID-card digits. */
  private view(s: Senior, rel: SeniorRelation): SeniorView {
    const today = shanghaiDate(this.clock.now());
    const age = ageOn(s.birthDate, today);
    const official = rel === 'staff' || rel === 'admin';
    return {
      id: s.id,
      name: s.name,
      gender: s.gender,
      age,
      isVeryOld: age >= 80,
      phone: s.phone,
      idCardLast4: official ? s.idCardLast4 : null,
      address: s.address,
      regionId: s.regionId,
      homeCentreId: s.homeCentreId,
      categories: s.categories,
      categoryLabels: s.categories.map((c) => SENIOR_CATEGORY_LABELS[c]),
      abilityLevel: s.abilityLevel,
      dietNotes: s.dietNotes,
      emergencyContacts: official || rel === 'self' ? s.emergencyContacts : s.emergencyContacts.map((c) => ({ ...c, phone: maskPhone(c.phone) ?? '' })),
      latitude: s.latitude,
      longitude: s.longitude,
    };
  }
}
