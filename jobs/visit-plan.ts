import type { Job } from '../server/services/scheduler/job';
import type { VisitPlanService } from '../server/services/care/visit-plan.service';

/** Every senior a visit rule covers gets their next visit, given to their volunteer or a staff member (VisitPlanService.plan). */
export const visitPlan: Job<{ visitPlans: Pick<VisitPlanService, 'plan'> }> = {
  name: 'visit-plan',
  schedule: '10 5 * * *',
  timezone: 'Asia/Shanghai',
  description: 'plan the next visit of every senior a visit rule covers (05:10 daily)',
  run: (s) => s.visitPlans.plan(),
};
