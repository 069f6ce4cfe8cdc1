import type { Job } from '../server/services/scheduler/job';
import type { VisitPlanService } from '../server/services/care/visit-plan.service';

/** Visits left overdue go to the centre's staff, then to the street (VisitPlanService.escalateOverdue). */
export const visitEscalation: Job<{ visitPlans: Pick<VisitPlanService, 'escalateOverdue'> }> = {
  name: 'visit-escalation',
  schedule: '20 9 * * *',
  timezone: 'Asia/Shanghai',
  description: 'tell the centre, then the street, about visits overdue 3 and 6 days (09:20 daily)',
  run: (s) => s.visitPlans.escalateOverdue(),
};
