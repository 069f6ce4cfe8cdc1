import type { Job } from '../server/services/scheduler/job';
import type { BotSafety } from '../server/services/chat/safety';

/** 是不是出事了？ asked and not answered within 3 minutes: the alert goes out anyway (BotSafety.raiseUnanswered). */
export const emergencyChecks: Job<{ botSafety: Pick<BotSafety, 'raiseUnanswered'> }> = {
  name: 'emergency-checks',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'raise the unsure emergencies nobody answered within 3 minutes (every minute)',
  run: (s) => s.botSafety.raiseUnanswered(),
};
