import type { Job } from '../server/services/scheduler/job';
import type { DashboardRollupService } from '../server/services/dashboard/rollup.service';

/** The dashboards' daily roll-up: ended days' sums and the month's distinct seniors (every 15 minutes; idempotent). */
export const dashboardRollup: Job<{ dashboardRollup: Pick<DashboardRollupService, 'run'> }> = {
  name: 'dashboard-rollup',
  schedule: '7,22,37,52 * * * *',
  timezone: 'Asia/Shanghai',
  description: "roll up ended days' bookings, ratings and subsidy per centre, and this month's seniors served by category, for the dashboards",
  run: (s) => s.dashboardRollup.run(),
};
