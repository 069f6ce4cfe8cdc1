import type { SeniorAssessment } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { AssessmentView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { addDays, isDateString, shanghaiDate } from '../../lib/time';
import type { AssessmentRepository } from '../../repositories/assessment.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { ABILITY_LEVEL_LABELS, SENIOR_FIELD_TEXTS } from '../../words/people';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { SeniorRegistryService } from './senior-registry.service';

export interface AssessmentInput {
  assessedOn: string;
  assessor: string;
  level: number;
  /** When the next one is due; a year after `assessedOn` when not given. */
  nextDue?: string | null;
  note?: string;
}

export type AssessmentEdit = Partial<AssessmentInput> & { version: number };

export interface AssessmentServiceDeps {
  db: Database;
  clock: Clock;
  assessments: AssessmentRepository;
  seniors: SeniorRepository;
  registry: SeniorRegistryService;
  audit: AuditService;
}

/** The day a year after `day` (29 February → 28 February): when an assessment falls due again by default. */
export function aYearAfter(day: string): string {
  const next = `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;
  return isDateString(next) ? next : addDays(`${next.slice(0, 8)}01`, 27);
}

/**
 * 能力评估 (GB/T 42195-2022 grades 0–4). Recorded by the senior's centre staff or an administrator over them; the
 * latest assessment (by day, then the later record) sets the senior's abilityLevel, which subsidy policies read,
 * and when the next one is due. A mistaken assessment is corrected with an edit on the version read.
 */
export class AssessmentService {
  constructor(private readonly deps: AssessmentServiceDeps) {}

  async list(actor: Actor, seniorId: number): Promise<AssessmentView[]> {
    await this.deps.registry.writable(actor, seniorId);
    const rows = await this.deps.assessments.ofSenior(seniorId);
    return rows.map((a, i) => this.view(a, i === 0));
  }

  async create(actor: Actor, seniorId: number, input: AssessmentInput): Promise<AssessmentView> {
    const senior = await this.deps.registry.writable(actor, seniorId);
    const nextDue = input.nextDue === undefined ? aYearAfter(input.assessedOn) : input.nextDue;
    this.checkDays(input.assessedOn, nextDue);
    const now = this.deps.clock.now();
    const id = await this.deps.db.transaction(async (em) => {
      await this.deps.seniors.lockMany(em, [senior.id]);
      const row = await this.deps.assessments.insert(em, {
        seniorId: senior.id,
        assessedOn: input.assessedOn,
        assessor: input.assessor,
        level: input.level,
        nextDue,
        note: input.note ?? '',
        recordedByAccountId: actor.accountId,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      const ability = await this.follow(em, senior.id);
      await this.deps.audit.record(
        em,
        actor,
        'senior.assessment.create',
        { type: 'senior', id: senior.id },
        { assessmentId: row.id, assessedOn: row.assessedOn, level: row.level, assessor: row.assessor, ...ability },
      );
      return row.id;
    });
    return this.viewOf(seniorId, id);
  }

  async update(actor: Actor, seniorId: number, assessmentId: number, edit: AssessmentEdit): Promise<AssessmentView> {
    const senior = await this.deps.registry.writable(actor, seniorId);
    const current = await this.deps.assessments.findById(assessmentId);
    if (!current || current.seniorId !== senior.id) throw new AppError('ASSESSMENT_NOT_FOUND');
    assertVersion(current.version, edit.version);
    const next = {
      assessedOn: edit.assessedOn ?? current.assessedOn,
      assessor: edit.assessor ?? current.assessor,
      level: edit.level ?? current.level,
      nextDue: edit.nextDue === undefined ? current.nextDue : edit.nextDue,
      note: edit.note ?? current.note,
    };
    this.checkDays(next.assessedOn, next.nextDue);
    const changes = Object.fromEntries(
      (Object.keys(next) as Array<keyof typeof next>).filter((k) => next[k] !== current[k]).map((k) => [k, [current[k], next[k]]]),
    );
    if (Object.keys(changes).length === 0) return this.viewOf(seniorId, assessmentId);
    await this.deps.db.transaction(async (em) => {
      await this.deps.seniors.lockMany(em, [senior.id]);
      if (!(await this.deps.assessments.updateVersioned(em, assessmentId, edit.version, { ...next, updatedAt: this.deps.clock.now() }))) {
        throw new AppError('VERSION_CONFLICT');
      }
      const ability = await this.follow(em, senior.id);
      await this.deps.audit.record(em, actor, 'senior.assessment.update', { type: 'senior', id: senior.id }, { assessmentId, changes, ...ability });
    });
    return this.viewOf(seniorId, assessmentId);
  }

  /** Sets the senior's ability level and next due day from their latest assessment; what changed, for the audit entry. */
  private async follow(em: Tx, seniorId: number): Promise<{ abilityLevel?: [number, number] }> {
    const latest = await this.deps.assessments.latest(em, seniorId);
    const senior = await this.deps.seniors.findById(seniorId, em);
    if (!latest || !senior) return {};
    if (senior.abilityLevel === latest.level && senior.abilityAssessedOn === latest.assessedOn && senior.nextAssessmentDue === latest.nextDue) return {};
    // The senior's row is locked for this transaction: its version cannot move under us.
    await this.deps.seniors.updateVersioned(em, seniorId, senior.version, {
      abilityLevel: latest.level,
      abilityAssessedOn: latest.assessedOn,
      nextAssessmentDue: latest.nextDue,
      updatedAt: this.deps.clock.now(),
    });
    return senior.abilityLevel === latest.level ? {} : { abilityLevel: [senior.abilityLevel, latest.level] };
  }

  private checkDays(assessedOn: string, nextDue: string | null): void {
    if (assessedOn > shanghaiDate(this.deps.clock.now())) {
      throw new AppError('VALIDATION_FAILED', undefined, { fields: { assessedOn: SENIOR_FIELD_TEXTS.assessedOnInFuture } });
    }
    if (nextDue !== null && nextDue <= assessedOn) {
      throw new AppError('VALIDATION_FAILED', undefined, { fields: { nextDue: SENIOR_FIELD_TEXTS.nextDueBeforeAssessment } });
    }
  }

  private async viewOf(seniorId: number, id: number): Promise<AssessmentView> {
    const [row, all] = await Promise.all([this.deps.assessments.findById(id), this.deps.assessments.ofSenior(seniorId)]);
    return this.view(row!, all[0]?.id === id);
  }

  private view(a: SeniorAssessment, current: boolean): AssessmentView {
    return {
      id: a.id,
      seniorId: a.seniorId,
      assessedOn: a.assessedOn,
      assessor: a.assessor,
      level: a.level,
      levelLabel: ABILITY_LEVEL_LABELS[a.level] ?? '',
      nextDue: a.nextDue,
      note: a.note,
      recordedByAccountId: a.recordedByAccountId,
      createdAt: a.createdAt.toISOString(),
      version: a.version,
      current,
    };
  }
}
