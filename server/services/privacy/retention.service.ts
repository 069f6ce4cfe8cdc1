import type { FileStore } from '../../gateways/file-store.gateway';
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
  /** Photos taken on visits, of seniors' homes (MULIN_RETAIN_PHOTO_DAYS). */
  photoDays: number;
}

export interface PurgeCounts {
  chatLog: number;
  sessions: number;
  linkCodes: number;
  bindCodes: number;
  conversations: number;
  attemptCounters: number;
  auditLog: number;
  visitPhotos: number;
}

export interface PersonalDataRetentionDeps {
  clock: Clock;
  retention: RetentionRepository;
  attempts: Pick<AttemptLimiter, 'purgeStale'>;
  periods: RetentionPeriods;
  /** Where visit photos' bytes are: deleted before their rows, so no file is left that nothing points to. */
  files: Pick<FileStore, 'delete'>;
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
      visitPhotos: await this.purgePhotos(new Date(now - this.deps.periods.photoDays * DAY)),
    };
  }

  /** Visit photos older than their period: each file first, then its row (a crash in between leaves a row to retry). */
  private async purgePhotos(before: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const rows = await this.deps.retention.photosBefore(before, 500);
      if (rows.length === 0) return removed;
      for (const row of rows) await this.deps.files.delete(row.storeKey);
      removed += await this.deps.retention.deletePhotos(rows.map((row) => row.id));
      if (rows.length < 500) return removed;
    }
  }
}
