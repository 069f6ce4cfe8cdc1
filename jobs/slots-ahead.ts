import type { Job } from '../server/services/scheduler/job';
import type { SlotTemplateService } from '../server/services/catalogue/slot-template.service';

/** The next MULIN_SLOT_DAYS_AHEAD days of slots, made from the centres' weekly templates (hourly: cheap, self-healing). */
export const slotsAhead: Job<{ slotTemplates: Pick<SlotTemplateService, 'generateAhead'> }> = {
  name: 'slots-ahead',
  schedule: '5 * * * *',
  timezone: 'Asia/Shanghai',
  description: "keep the next days of slots made from the centres' weekly templates (hourly, at :05)",
  run: (s) => s.slotTemplates.generateAhead(),
};
