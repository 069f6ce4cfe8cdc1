import type { BookedBy, Senior } from '../../../entities';
import { AppError } from '../../errors';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import { hasRole, type Actor } from './actor';

export type SeniorRelation = 'self' | 'family' | 'staff' | 'admin';

interface Located {
  id: number;
  regionPath: string;
}

/**
 * Who may act for whom. Family members only for seniors they are linked to, staff only at their own centre
 * (or for seniors who use it), administrators only inside their region. Services call these before acting;
 * routes never decide access themselves.
 */
export class AccessService {
  constructor(private readonly links: FamilyLinkRepository) {}

  isAdminOver(actor: Actor, regionPath: string): boolean {
    return hasRole(actor, 'admin') && actor.regionPath !== null && regionPath.startsWith(actor.regionPath);
  }

  isStaffOf(actor: Actor, centreId: number | null): boolean {
    return hasRole(actor, 'staff') && centreId !== null && actor.centreId === centreId;
  }

  /** How the actor stands to a senior, strongest first, or null when they have no business with them. */
  async relationTo(actor: Actor, senior: Pick<Senior, 'id' | 'regionPath' | 'homeCentreId'>): Promise<SeniorRelation | null> {
    if (hasRole(actor, 'senior') && actor.seniorId === senior.id) return 'self';
    if (hasRole(actor, 'family') && (await this.links.isLinked(actor.accountId, senior.id))) return 'family';
    if (this.isStaffOf(actor, senior.homeCentreId)) return 'staff';
    if (this.isAdminOver(actor, senior.regionPath)) return 'admin';
    return null;
  }

  async assertCanSeeSenior(actor: Actor, senior: Pick<Senior, 'id' | 'regionPath' | 'homeCentreId'>): Promise<SeniorRelation> {
    const rel = await this.relationTo(actor, senior);
    if (rel === null) throw this.denied(actor);
    return rel;
  }

  /** Who is booking, for a senior at a centre: the senior, a linked family member, or the centre's staff/admin. */
  async bookerFor(actor: Actor, senior: Pick<Senior, 'id' | 'regionPath' | 'homeCentreId'>, centre: Located): Promise<BookedBy> {
    if (hasRole(actor, 'senior') && actor.seniorId === senior.id) return 'self';
    if (hasRole(actor, 'family') && (await this.links.isLinked(actor.accountId, senior.id))) return 'family';
    if (this.isStaffOf(actor, centre.id)) return 'staff';
    if (this.isAdminOver(actor, centre.regionPath) && this.isAdminOver(actor, senior.regionPath)) return 'staff';
    throw this.denied(actor);
  }

  /** Confirm, reject, check in, mark no-show: the centre's own staff, or an administrator over it. */
  assertCanManageCentre(actor: Actor, centre: Located): void {
    if (this.isStaffOf(actor, centre.id) || this.isAdminOver(actor, centre.regionPath)) return;
    throw new AppError('NOT_CENTRE_STAFF');
  }

  assertStaffOrAdmin(actor: Actor): void {
    if (!hasRole(actor, 'staff') && !hasRole(actor, 'admin')) throw new AppError('FORBIDDEN');
  }

  /** A family member who is not linked hears how to link; anyone else simply has no permission. */
  private denied(actor: Actor): AppError {
    return hasRole(actor, 'family') && !hasRole(actor, 'staff') && !hasRole(actor, 'admin') ? new AppError('NOT_LINKED') : new AppError('FORBIDDEN');
  }
}
