import type { Job } from '../server/services/scheduler/job';
import { dayEnd } from './day-end';
import { emergencyEscalation } from './emergency-escalation';
import { jobTickPurge } from './job-tick-purge';
import { monthlySettlement } from './monthly-settlement';
import { noticeBroadcast } from './notice-broadcast';
import { paymentExpiry } from './payment-expiry';
import { paymentReconcile } from './payment-reconcile';
import { reminders } from './reminders';
import { slotsAhead } from './slots-ahead';
import { wechatClaimPurge } from './wechat-claim-purge';

/** Every scheduled job. The Scheduler registers these (minus those MULIN_JOBS switches off); `npm run job` runs one. */
export const JOBS: readonly Job[] = [paymentExpiry, paymentReconcile, emergencyEscalation, dayEnd, jobTickPurge, monthlySettlement, reminders, noticeBroadcast, slotsAhead, wechatClaimPurge];

export const JOB_NAMES: readonly string[] = JOBS.map((j) => j.name);

export function jobNamed(name: string): Job | undefined {
  return JOBS.find((j) => j.name === name);
}
