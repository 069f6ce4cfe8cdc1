import type { Clock } from '../../lib/clock';
import { DAY } from '../../lib/time';
import type { RetentionRepository } from '../../repositories/retention.repository';
import type { AttemptLimiter } from '../access/attempt-limiter';

/** Sessions, one-time codes and what the bot waited for are kept this long after they end, then deleted. */
export const ENDED_KEPT_MS = 30 * DAY;

export interface RetentionPeriods {
  /** The conversation log (MULIN_RETAIN_CHAT_DAYS). */
  chatLogDays: number;
  /** The audit log (MULIN_RETAIN_AUDIT_DAYS). */
  auditLogDays: number;
}

export interface PurgeCounts {
  chatLog: number;
  sessions: number;
  linkCodes: number;
  bindCodes: number;
  conversations: number;
  attemptCounters: number;
  auditLog: number;
}

export interface PersonalDataRetentionDeps {
  clock: Clock;
  retention: RetentionRepository;
  attempts: Pick<AttemptLimiter, 'purgeStale'>;
  periods: RetentionPeriods;
}

/**
 * Personal data is kept only as long as it is needed (个人信息保护法: the minimum, for the shortest time the purpose
 * needs), then deleted by the nightly personal-data-purge job. What is kept and for how long: docs/operations.md.
 * Idempotent: a rerun finds nothing more to delete.
 */
export class PersonalDataRetention {
  constructor(private readonly deps: PersonalDataRetentionDeps) {}

  async purge(): Promise<PurgeCounts> {
    const now = this.deps.clock.now().getTime();
    const ended = new Date(now - ENDED_KEPT_MS);
    const r = this.deps.retention;
    return {
      chatLog: await r.chatLogBefore(new Date(now - this.deps.periods.chatLogDays * DAY)),
      sessions: await r.endedSessionsBefore(ended),
      linkCodes: await r.spentLinkCodesBefore(ended),
      bindCodes: await r.spentBindCodesBefore(ended),
      conversations: await r.idleConversationsBefore(ended),
      attemptCounters: await this.deps.attempts.purgeStale(),
      auditLog: await r.auditLogBefore(new Date(now - this.deps.periods.auditLogDays * DAY)),
    };
  }
}
