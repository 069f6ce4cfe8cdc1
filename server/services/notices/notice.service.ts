import type { Notice, NoticeAudience } from '../../../entities';
import type { RegionRepository } from '../../repositories/region.repository';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { NoticeInbox, NoticeView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { AudienceQuery, NoticeRepository } from '../../repositories/notice.repository';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

export interface NoticeInput {
  title: string;
  body: string;
  link?: string | null;
  audience: NoticeAudience;
  /** Absent: send now. */
  scheduledAt?: Date;
}

export type { NoticeView };

export interface NoticeProgress {
  /** Pushes (public-account templates and mini-program subscribe messages). */
  total: number;
  sent: number;
  failed: number;
  pending: number;
  /** People who can read it in the mini-program, and how many have. */
  inbox: number;
  read: number;
  /** Pushes per second since the fan-out, and seconds left at that rate (null before the first push). */
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

/**
 * 政策通知 for administrators: compose, preview the audience, schedule or send now, cancel, watch the progress —
 * and, for everyone they reach, the list in the mini-program with read receipts. The sending itself is
 * BroadcastService's (the scheduler drives it).
 */
export class NoticeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly notices: NoticeRepository,
    private readonly regions: RegionRepository,
    private readonly audit: AuditService,
  ) {}

  /** The audience as SQL over the accounts, after checking the region is the administrator's to address. */
  async audienceQuery(actor: Actor | null, audience: NoticeAudience): Promise<AudienceQuery> {
    if (audience.roles.length === 0) throw new AppError('NOTICE_NO_RECIPIENTS', undefined, { fields: { 'audience.roles': 'empty' } });
    const region = await this.regions.findById(audience.regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    if (actor && !(actor.regionPath !== null && region.path.startsWith(actor.regionPath))) throw new AppError('NOTICE_REGION_OUT_OF_SCOPE');
    const q: AudienceQuery = { audience, regionPath: region.path };
    if (audience.minAge !== undefined) {
      const today = shanghaiDate(this.clock.now());
      q.bornBy = `${Number(today.slice(0, 4)) - audience.minAge}${today.slice(4)}`;
    }
    return q;
  }

  async preview(actor: Actor, audience: NoticeAudience): Promise<{ recipients: number; byWechat: number; inboxOnly: number }> {
    this.assertAdmin(actor);
    return this.notices.countAudience(await this.audienceQuery(actor, audience));
  }

  async create(actor: Actor, input: NoticeInput): Promise<NoticeView & { preview: { recipients: number; byWechat: number; inboxOnly: number } }> {
    this.assertAdmin(actor);
    const now = this.clock.now();
    if (input.scheduledAt && input.scheduledAt.getTime() < now.getTime() - 60_000) {
      throw new AppError('NOTICE_TIME_PASSED', undefined, { fields: { scheduledAt: 'in the past' } });
    }
    const query = await this.audienceQuery(actor, input.audience);
    const notice = await this.db.transaction(async (em) => {
      const saved = await this.notices.save(
        {
          title: input.title,
          body: input.body,
          link: input.link ?? null,
          audience: input.audience,
          status: 'scheduled',
          scheduledAt: input.scheduledAt ?? now,
          createdByAccountId: actor.accountId,
          createdAt: now,
          sentAt: null,
        },
        em,
      );
      await this.audit.record(em, actor, 'notice.create', { type: 'notice', id: saved.id }, { scheduledAt: saved.scheduledAt?.toISOString() });
      return saved;
    });
    return { ...view(notice), preview: await this.notices.countAudience(query) };
  }

  async list(actor: Actor): Promise<NoticeView[]> {
    this.assertAdmin(actor);
    const recent = await this.notices.recent(200);
    const visible = await this.visibleTo(actor, recent);
    return visible.map(view);
  }

  async get(actor: Actor, id: number): Promise<NoticeView & { progress: NoticeProgress }> {
    this.assertAdmin(actor);
    const notice = await this.notices.findById(id);
    if (!notice || (await this.visibleTo(actor, [notice])).length === 0) throw new AppError('NOTICE_NOT_FOUND');
    return { ...view(notice), progress: await this.progress(notice.id) };
  }

  async cancel(actor: Actor, id: number): Promise<NoticeView> {
    this.assertAdmin(actor);
    const notice = await this.notices.findById(id);
    if (!notice || (await this.visibleTo(actor, [notice])).length === 0) throw new AppError('NOTICE_NOT_FOUND');
    // What already went out stays out; nothing more is sent once the status has moved.
    if (!(await this.notices.transition(id, ['draft', 'scheduled', 'sending'], 'cancelled'))) throw new AppError('NOTICE_NOT_CANCELLABLE');
    await this.db.transaction((em) => this.audit.record(em, actor, 'notice.cancel', { type: 'notice', id }));
    return view((await this.notices.findById(id))!);
  }

  async progress(noticeId: number): Promise<NoticeProgress> {
    const [counts, span, read] = await Promise.all([this.notices.counts(noticeId), this.notices.span(noticeId), this.notices.readCount(noticeId)]);
    const push = counts.filter((c) => c.channel !== 'inbox');
    const sum = (statuses: string[]) => push.filter((c) => statuses.includes(c.status)).reduce((a, c) => a + c.n, 0);
    const sent = sum(['sent']);
    const failed = sum(['failed']);
    const pending = sum(['pending', 'sending']);
    const inbox = counts.filter((c) => c.channel === 'inbox').reduce((a, c) => a + c.n, 0);
    let ratePerSecond: number | null = null;
    let etaSeconds: number | null = null;
    if (span.startedAt && sent > 0) {
      const end = pending > 0 ? this.clock.now() : (span.lastSentAt ?? this.clock.now());
      const seconds = Math.max(1, (end.getTime() - span.startedAt.getTime()) / 1000);
      ratePerSecond = Math.round((sent / seconds) * 10) / 10;
      etaSeconds = Math.ceil(pending / (sent / seconds));
    }
    return { total: sent + failed + pending, sent, failed, pending, inbox, read, ratePerSecond, etaSeconds };
  }

  // ---- for the people notices reach (the mini-program) ----

  async inbox(actor: Actor, limit: number, offset: number): Promise<NoticeInbox> {
    const rows = await this.notices.inboxOf(actor.accountId, limit, offset);
    const items = rows.map((r) => ({ ...view(r.notice), read: r.readAt !== null }));
    return { items, unread: items.filter((i) => !i.read).length };
  }

  /** Opening a notice marks it read (the read receipt). */
  async read(actor: Actor, noticeId: number): Promise<NoticeView & { read: true }> {
    const delivery = await this.notices.inboxDelivery(actor.accountId, noticeId);
    const notice = delivery ? await this.notices.findById(noticeId) : null;
    if (!delivery || !notice || notice.status === 'cancelled') throw new AppError('NOTICE_NOT_FOUND');
    if (delivery.readAt === null) await this.notices.markRead(delivery.id, this.clock.now());
    return { ...view(notice), read: true };
  }

  private assertAdmin(actor: Actor): void {
    if (!hasRole(actor, 'admin') || actor.regionPath === null) throw new AppError('NOTICE_PUBLISHER_NOT_ALLOWED');
  }

  /** Notices addressed to a region inside the administrator's own. */
  private async visibleTo(actor: Actor, notices: Notice[]): Promise<Notice[]> {
    if (notices.length === 0) return [];
    const ids = [...new Set(notices.map((n) => n.audience.regionId))];
    const regions = await this.regions.findByIds(ids);
    const path = new Map(regions.map((r) => [r.id, r.path]));
    return notices.filter((n) => (path.get(n.audience.regionId) ?? '').startsWith(actor.regionPath ?? '\u0000'));
  }
}

function view(n: Notice): NoticeView {
  return {
    id: n.id,
    title: n.title,
    body: n.body,
    link: n.link,
    audience: n.audience,
    status: n.status,
    scheduledAt: n.scheduledAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
    sentAt: n.sentAt?.toISOString() ?? null,
  };
}
