import type { Job } from '../server/services/scheduler/job';
import type { ReminderService } from '../server/services/reminders/reminder.service';

/** Day-before, hour-before and rating-request reminders that are due go out (quiet hours are in their due times). */
export const reminders: Job<{ reminders: Pick<ReminderService, 'sendDue'> }> = {
  name: 'reminders',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'send due booking reminders and rating requests, each once (every minute)',
  run: (s) => s.reminders.sendDue(),
};
