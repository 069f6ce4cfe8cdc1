import type { EntityManager } from 'typeorm';
import { SeniorAssessment } from '../../entities';
import type { Database } from '../db/database';

/** 能力评估 rows. The latest one of a senior (by day, then id) is the one that sets their ability level. */
export class AssessmentRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<SeniorAssessment | null> {
    return em.findOneBy(SeniorAssessment, { id });
  }

  /** A senior's assessments, newest first. */
  ofSenior(seniorId: number): Promise<SeniorAssessment[]> {
    return this.db.manager.find(SeniorAssessment, { where: { seniorId }, order: { assessedOn: 'DESC', id: 'DESC' } });
  }

  latest(em: EntityManager, seniorId: number): Promise<SeniorAssessment | null> {
    return em.findOne(SeniorAssessment, { where: { seniorId }, order: { assessedOn: 'DESC', id: 'DESC' } });
  }

  async insert(em: EntityManager, row: Omit<SeniorAssessment, 'id'>): Promise<SeniorAssessment> {
    const [back] = await this.db.rows(SeniorAssessment).insertReturning(em, [row], ['id']);
    return Object.assign(new SeniorAssessment(), row, { id: back.id });
  }

  /** A correction made on the version read; false when someone else's came first. */
  async updateVersioned(em: EntityManager, id: number, version: number, patch: Partial<Omit<SeniorAssessment, 'id' | 'version'>>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(SeniorAssessment)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }
}
