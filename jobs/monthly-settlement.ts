import type { Job } from '../server/services/scheduler/job';
import type { SettlementService } from '../server/services/settlement/settlement.service';

/**
 * 月度补贴结算 at 02:30 on the 1st (Shanghai): last month's settlement for each top-level region, frozen. The month is
 * read from the tick, so a run that starts late still settles the month it was scheduled for; a rerun creates none.
 */
export const monthlySettlement: Job<{ settlements: Pick<SettlementService, 'generateLastMonth'> }> = {
  name: 'monthly-settlement',
  schedule: '30 2 1 * *',
  timezone: 'Asia/Shanghai',
  description: "generate last month's subsidy settlement for each top-level region (02:30 on the 1st)",
  run: (s, tick) => s.settlements.generateLastMonth(tick),
};
