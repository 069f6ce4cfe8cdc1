import { IsNull, type EntityManager } from 'typeorm';
import { ChatHandover, EmergencyCheck, type EmergencyCheckStatus, type HandoverEnding } from '../../entities';
import type { Database } from '../db/database';

/** Unsure emergencies the bot asked about: waiting for an answer, or for the job that acts when none comes. */
export class EmergencyCheckRepository {
  constructor(private readonly db: Database) {}

  insert(row: Omit<EmergencyCheck, 'id'>): Promise<EmergencyCheck> {
    return this.db.manager.save(EmergencyCheck, this.db.manager.create(EmergencyCheck, row));
  }

  findById(id: number): Promise<EmergencyCheck | null> {
    return this.db.manager.findOneBy(EmergencyCheck, { id });
  }

  /** Checks still waiting whose answer was due at or before `now`, oldest first (idx_emergency_check_due). */
  dueBy(now: Date, limit: number): Promise<EmergencyCheck[]> {
    return this.db.manager
      .createQueryBuilder(EmergencyCheck, 'c')
      .where('c.status = :waiting AND c.dueAt <= :now', { waiting: 'waiting', now })
      .orderBy('c.dueAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /**
   * Settles a waiting check (the senior's answer, or the job when none came). Only one caller gets true: an answer
   * and the job racing on two instances never both act.
   */
  async settle(id: number, status: Exclude<EmergencyCheckStatus, 'waiting'>, now: Date): Promise<boolean> {
    const r = await this.db.manager
      .createQueryBuilder()
      .update(EmergencyCheck)
      .set({ status, settledAt: now })
      .where('id = :id AND status = :waiting', { id, waiting: 'waiting' })
      .execute();
    return r.affected === 1;
  }

  async recordAlert(id: number, alertId: number): Promise<void> {
    await this.db.manager.update(EmergencyCheck, { id }, { alertId });
  }
}

/** Hand-overs of a senior's chat to a person at their centre. */
export class ChatHandoverRepository {
  constructor(private readonly db: Database) {}

  insert(row: Omit<ChatHandover, 'id'>): Promise<ChatHandover> {
    return this.db.manager.save(ChatHandover, this.db.manager.create(ChatHandover, row));
  }

  findById(id: number): Promise<ChatHandover | null> {
    return this.db.manager.findOneBy(ChatHandover, { id });
  }

  /** The senior's open hand-over, the latest if several. */
  openFor(seniorId: number): Promise<ChatHandover | null> {
    return this.db.manager.findOne(ChatHandover, { where: { seniorId, endedAt: IsNull() }, order: { id: 'DESC' } });
  }

  async touch(id: number, now: Date): Promise<void> {
    await this.db.manager.update(ChatHandover, { id }, { lastAt: now });
  }

  /** A staff member answered: they have it now. True when they were the first to answer. */
  async take(id: number, accountId: number, name: string, now: Date, em: EntityManager = this.db.manager): Promise<boolean> {
    const first = await em
      .createQueryBuilder()
      .update(ChatHandover)
      .set({ takenByAccountId: accountId, takenByName: name, lastAt: now })
      .where('id = :id AND takenByAccountId IS NULL AND endedAt IS NULL', { id })
      .execute();
    if (first.affected === 1) return true;
    await em.update(ChatHandover, { id }, { takenByAccountId: accountId, takenByName: name, lastAt: now });
    return false;
  }

  /** Ends it once; false when it had ended already. */
  async end(id: number, by: HandoverEnding, now: Date, em: EntityManager = this.db.manager): Promise<boolean> {
    const r = await em.createQueryBuilder().update(ChatHandover).set({ endedAt: now, endedBy: by }).where('id = :id AND endedAt IS NULL', { id }).execute();
    return r.affected === 1;
  }
}
