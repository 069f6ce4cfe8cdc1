import { dashboardRollup } from './dashboard-rollup';
import { dayEnd } from './day-end';
import { emergencyChecks } from './emergency-checks';
import { emergencyEscalation } from './emergency-escalation';
import { jobTickPurge } from './job-tick-purge';
import { monthlySettlement } from './monthly-settlement';
import { noticeBroadcast } from './notice-broadcast';
import { paymentExpiry } from './payment-expiry';
import { paymentReconcile } from './payment-reconcile';
import { personalDataPurge } from './personal-data-purge';
import { reminders } from './reminders';
import { slotsAhead } from './slots-ahead';
import { wechatClaimPurge } from './wechat-claim-purge';
import { visitPlan } from './visit-plan';
import { visitEscalation } from './visit-escalation';
import { silenceAlarm } from './silence-alarm';

/**
 * Every scheduled job, each typed with the services it needs. The composition root (server/container.ts) takes
 * them as jobs of its own services, which is where TypeScript checks that every need is met, and validates
 * MULIN_JOBS against their names. `npm run job` runs one.
 */
export const JOBS = [
  paymentExpiry,
  paymentReconcile,
  emergencyEscalation,
  emergencyChecks,
  dayEnd,
  jobTickPurge,
  monthlySettlement,
  reminders,
  noticeBroadcast,
  slotsAhead,
  wechatClaimPurge,
  dashboardRollup,
  personalDataPurge,
  visitPlan,
  visitEscalation,
  silenceAlarm,
] as const;

export const JOB_NAMES: readonly string[] = JOBS.map((j) => j.name);

export type AnyMulinJob = (typeof JOBS)[number];

export function jobNamed(name: string): AnyMulinJob | undefined {
  return JOBS.find((j) => j.name === name);
}
