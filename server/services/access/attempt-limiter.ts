import type { AttemptLimit } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError, type ErrorCode } from '../../errors';
import type { Clock } from '../../lib/clock';
import { HOUR, MINUTE, SECOND } from '../../lib/time';
import type { AttemptLimitRepository, AttemptState } from '../../repositories/attempt-limit.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import type { Actor } from './actor';
import type { AuditService, AuditTarget } from './audit.service';

/**
 * How many tries of a secret one subject gets. The first `free` go at once; after that each try must wait
 * `firstDelayMs`, doubling with every failure; the try that makes `lockAfter` is the last one checked, and it locks
 * the subject for `lockMs`. Failures older than `windowMs` are forgotten, and so is everything once a lock has run
 * out.
 */
export interface AttemptPolicy {
  free: number;
  firstDelayMs: number;
  lockAfter: number;
  lockMs: number;
  windowMs: number;
  /** What a refused try is answered. */
  refusal: Extract<ErrorCode, 'LOGIN_TOO_MANY_TRIES' | 'LINK_CODE_TOO_MANY_TRIES' | 'PASSWORD_TOO_MANY_TRIES' | 'VISIT_CODE_TOO_MANY_TRIES'>;
}

export const ATTEMPT_POLICIES = {
  /** Console sign-in, per username: 150 wrong passwords used to be free. */
  login_account: { free: 3, firstDelayMs: SECOND, lockAfter: 10, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE, refusal: 'LOGIN_TOO_MANY_TRIES' },
  /** Console sign-in, per address: generous (a centre's staff share one line), but no address tries every username. */
  login_ip: { free: 20, firstDelayMs: SECOND, lockAfter: 100, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE, refusal: 'LOGIN_TOO_MANY_TRIES' },
  /** The old password when changing one's own, per account: five tries a quarter hour (a stolen session cannot guess it). */
  password_change: { free: 4, firstDelayMs: 0, lockAfter: 5, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE, refusal: 'PASSWORD_TOO_MANY_TRIES' },
  /** 6-digit family-link codes in the mini-program, per account: five tries a quarter hour. */
  code_account: { free: 3, firstDelayMs: 5 * SECOND, lockAfter: 5, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE, refusal: 'LINK_CODE_TOO_MANY_TRIES' },
  /** The same per address, so that many new accounts on one line do not add up to many tries. */
  code_ip: { free: 10, firstDelayMs: SECOND, lockAfter: 30, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE, refusal: 'LINK_CODE_TOO_MANY_TRIES' },
  /** Binding and family-link codes sent in chat, per WeChat user: five an hour (what the bot tells them). */
  code_openid: { free: 4, firstDelayMs: 0, lockAfter: 5, lockMs: HOUR, windowMs: HOUR, refusal: 'LINK_CODE_TOO_MANY_TRIES' },
  /**
   * The 6-digit code a senior's page shows to prove a visit, per visitor account: five tries a quarter hour, as for
   * family-link codes (a visitor at the door types it once or twice; the phone's location needs no code at all).
   */
  visit_code_account: { free: 3, firstDelayMs: 5 * SECOND, lockAfter: 5, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE, refusal: 'VISIT_CODE_TOO_MANY_TRIES' },
} as const satisfies Record<string, AttemptPolicy>;

export type AttemptPolicyName = keyof typeof ATTEMPT_POLICIES;

export interface AttemptSubject {
  policy: AttemptPolicyName;
  /** Whose tries these are under the policy: a username, an address, an account id, an openid. */
  id: string;
}

/** Where a lock or a failure is written in the audit log: by whom (when signed in), from where, about what. */
export interface AttemptContext {
  ip: string;
  actor?: Actor;
  entity: AuditTarget;
}

export interface AttemptLimiterDeps {
  db: Database;
  clock: Clock;
  limits: AttemptLimitRepository;
  audit: AuditService;
  policies?: Partial<Record<AttemptPolicyName, AttemptPolicy>>;
}

/** Compare-and-set rounds before a try is refused as if blocked (only under a storm of tries for one subject). */
const MAX_ROUNDS = 50;

/** One try that has been counted: say how it went. */
export interface Attempt {
  /** The secret was right (or the try was not a guess): this try is given back; `reset` forgets the subject's failures. */
  succeeded(opts?: { reset?: AttemptPolicyName[] }): Promise<void>;
  /** The secret was wrong: the try stays counted, and is written to the audit log. */
  failed(action: string, detail?: Record<string, unknown>): Promise<void>;
}

/**
 * Slows down guessing of passwords and 6-digit codes, for every instance at once: the counts live in the
 * database. A try is counted before the secret is checked, by compare-and-set, so tries sent together are
 * counted one by one and no more of them are checked than the policy allows (a count read first and written after
 * the check let 200 concurrent wrong codes through 10–20 at a time). A try that turns out right is given back.
 */
export class AttemptLimiter {
  private readonly policies: Record<AttemptPolicyName, AttemptPolicy>;

  constructor(private readonly deps: AttemptLimiterDeps) {
    this.policies = { ...ATTEMPT_POLICIES, ...deps.policies };
  }

  /**
   * Counts a try for each subject, in order, or throws the policy's 429 (with `retryAfterSeconds`) when one of them
   * must wait; tries already counted for the earlier subjects are then given back.
   */
  async begin(subjects: AttemptSubject[], context: AttemptContext): Promise<Attempt> {
    const counted: AttemptSubject[] = [];
    for (const s of subjects) {
      const waitMs = await this.count(s, context);
      if (waitMs > 0) {
        for (const c of counted) await this.giveBack(c, false);
        const policy = this.policies[s.policy];
        const retryAfterSeconds = Math.ceil(waitMs / SECOND);
        throw new AppError(policy.refusal, ERROR_MESSAGES[policy.refusal](retryAfterSeconds), { retryAfterSeconds });
      }
      counted.push(s);
    }
    return {
      succeeded: async (opts = {}) => {
        for (const c of counted) await this.giveBack(c, opts.reset?.includes(c.policy) ?? false);
      },
      failed: async (action, detail = {}) => {
        await this.deps.db.transaction((em) => this.audit(em, context, action, { ...detail, subjects: counted.map((c) => c.policy) }));
      },
    };
  }

  /** Counts one try; 0 when it may be checked now, else how long it must wait. */
  private async count(s: AttemptSubject, context: AttemptContext): Promise<number> {
    const policy = this.policies[s.policy];
    const subject = key(s);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.deps.clock.now();
      const outcome = await this.deps.db.transaction(async (em): Promise<number | null> => {
        const row = await this.deps.limits.find(em, subject);
        if (row?.blockedUntil && row.blockedUntil > now) return row.blockedUntil.getTime() - now.getTime();
        const next = nextState(policy, row, now);
        const written = row
          ? await this.deps.limits.compareAndSet(em, subject, row.version, next, now)
          : await this.deps.limits.create(em, { subject, policy: s.policy, ...next, updatedAt: now });
        if (!written) return null;
        if (next.failures === policy.lockAfter) {
          await this.audit(em, context, 'attempts.locked', { policy: s.policy, failures: next.failures, until: next.blockedUntil?.toISOString() });
        }
        return 0;
      });
      if (outcome !== null) return outcome;
    }
    return SECOND; // a storm of tries for this one subject: this one waits too
  }

  /** A try that was not a failure: uncounted (or the subject's count forgotten), its delay lifted if it set one. */
  private async giveBack(s: AttemptSubject, reset: boolean): Promise<void> {
    const policy = this.policies[s.policy];
    const subject = key(s);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.deps.clock.now();
      const done = await this.deps.db.transaction(async (em) => {
        const row = await this.deps.limits.find(em, subject);
        if (!row) return true;
        if (reset) {
          await this.deps.limits.remove(em, subject);
          return true;
        }
        const failures = Math.max(0, row.failures - 1);
        const locked = row.failures >= policy.lockAfter;
        const blockedUntil = locked ? row.blockedUntil : failures < policy.free ? null : row.blockedUntil;
        return this.deps.limits.compareAndSet(em, subject, row.version, { failures, windowStartedAt: row.windowStartedAt, blockedUntil }, now);
      });
      if (done) return;
    }
  }

  private audit(em: Tx, context: AttemptContext, action: string, detail: Record<string, unknown>): Promise<unknown> {
    return context.actor
      ? this.deps.audit.record(em, context.actor, action, context.entity, detail)
      : this.deps.audit.recordAnonymous(em, context.ip, action, context.entity, detail);
  }

  /** Counters that no longer change any answer are deleted (the personal-data purge). */
  purgeStale(): Promise<number> {
    const now = this.deps.clock.now();
    const longest = Math.max(...Object.values(this.policies).map((p) => Math.max(p.windowMs, p.lockMs)));
    return this.deps.limits.purgeStale(new Date(now.getTime() - longest), now);
  }
}

function key(s: AttemptSubject): string {
  return `${s.policy}:${s.id}`.slice(0, 191);
}

/** The state after one more try at `now`: a fresh window when the old one is over or its lock has run out. */
function nextState(policy: AttemptPolicy, row: AttemptLimit | null, now: Date): AttemptState {
  const fresh = !row || now.getTime() - row.windowStartedAt.getTime() >= policy.windowMs || row.failures >= policy.lockAfter;
  const failures = (fresh ? 0 : row.failures) + 1;
  const waitMs = failures >= policy.lockAfter ? policy.lockMs : failures <= policy.free ? 0 : policy.firstDelayMs * 2 ** (failures - policy.free - 1);
  return {
    failures,
    windowStartedAt: fresh ? now : row.windowStartedAt,
    blockedUntil: waitMs > 0 ? new Date(now.getTime() + waitMs) : null,
  };
}
