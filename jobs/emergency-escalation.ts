import type { Job } from '../server/services/scheduler/job';

/** An alert nobody has acknowledged for 5 minutes goes to more people (EmergencyService.escalateUnacknowledged). */
export const emergencyEscalation: Job = {
  name: 'emergency-escalation',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'escalate emergencies unacknowledged for 5 minutes (every minute)',
  run: (s) => s.emergencies.escalateUnacknowledged(),
};
