import type { Job } from '../server/services/scheduler/job';
import type { EmergencyService } from '../server/services/emergency/emergency.service';

/** An alert nobody has acknowledged for 5 minutes goes to more people (EmergencyService.escalateUnacknowledged). */
export const emergencyEscalation: Job<{ emergencies: Pick<EmergencyService, 'escalateUnacknowledged'> }> = {
  name: 'emergency-escalation',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'escalate emergencies unacknowledged for 5 minutes (every minute)',
  run: (s) => s.emergencies.escalateUnacknowledged(),
};
