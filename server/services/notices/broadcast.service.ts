import type { Logger } from 'pino';
import type { Notice } from '../../../entities';
import type { RegionRepository } from '../../repositories/region.repository';
import type { Database } from '../../db/database';
import { WechatApiError, type WechatMessenger } from '../../gateways/wechat-messenger.gateway';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { ClaimedDelivery, NoticeRepository } from '../../repositories/notice.repository';
import { MINI_PAGES, type TemplatePair } from '../../wechat-templates';
import type { NoticeService } from './notice.service';

export interface BroadcastOptions {
  /** Pushes per second at most, across this instance (WeChat's own limits are per account and per day). */
  ratePerSecond: number;
  /** Pushes claimed at once; they go out `concurrency` at a time. */
  batchSize: number;
  concurrency: number;
  /** A claimed push not settled within this is taken again (its sender died). Below WeChat's 10-minute
   *  client_msg_id window, so the retry of a push that did go out is recognised and not shown twice. */
  leaseMs: number;
  maxAttempts: number;
  /** How long one run may go on before it leaves the rest to the next tick. */
  runBudgetMs: number;
  /** Waits between batches to keep to the rate; injectable so tests need not wait. */
  sleep: (ms: number) => Promise<void>;
  /** Elapsed time for pacing (not the domain clock: pacing is about this process's speed). */
  elapsedMs: () => number;
}

export const DEFAULT_BROADCAST_OPTIONS: Omit<BroadcastOptions, 'sleep' | 'elapsedMs'> = {
  ratePerSecond: 2500,
  batchSize: 500,
  concurrency: 64,
  leaseMs: 2 * 60_000,
  maxAttempts: 5,
  runBudgetMs: 50_000,
};

/** Errors that will not go away by trying again: refused (43101), not a follower/invalid openid (43004, 40003). */
const PERMANENT = new Set([43101, 43004, 40003, 40037, 47001, 47003]);
const BACKOFF_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000];

type Outcome = { kind: 'sent' } | { kind: 'failed'; errcode: number; error: string } | { kind: 'retry'; errcode: number; error: string };

export interface BroadcastServiceDeps {
  db: Database;
  clock: Clock;
  notices: NoticeRepository;
  regions: RegionRepository;
  noticeService: NoticeService;
  messenger: WechatMessenger;
  templates: TemplatePair;
  logger: Logger;
  options: BroadcastOptions;
}

/**
 * Sends policy notices: at the scheduled time one delivery row per recipient and channel (unique: a rerun adds
 * nothing), then the pushes in claimed batches at a steady rate. Exactly once per recipient, also across a crash:
 * a template push carries its delivery id as WeChat's client_msg_id, so when a sender dies between WeChat's answer
 * and the row being marked, the row's lease runs out, it is sent again, and WeChat does not show it twice.
 * (Mini-program subscribe messages have no such id; a crash there can at worst repeat one batch's in-flight ones.)
 */
export class BroadcastService {
  constructor(private readonly deps: BroadcastServiceDeps) {}

  /** One scheduler tick: fan out what is due, then send until done or the run's time is up. Returns pushes settled. */
  async run(): Promise<number> {
    await this.fanOutDue();
    const started = this.deps.options.elapsedMs();
    let settled = 0;
    while (this.deps.options.elapsedMs() - started < this.deps.options.runBudgetMs) {
      const n = await this.sendBatch();
      if (n === 0) break;
      settled += n;
    }
    await this.finishDone();
    return settled;
  }

  /** Due notices get their delivery rows, then move to `sending`. A crash in between just repeats the fan-out. */
  async fanOutDue(): Promise<number> {
    const due = await this.deps.notices.dueForFanOut(this.deps.clock.now());
    for (const notice of due) {
      await this.deps.notices.fanOut(notice.id, await this.deps.noticeService.audienceQuery(null, notice.audience), this.deps.clock.now());
      await this.deps.notices.transition(notice.id, ['scheduled'], 'sending');
    }
    return due.length;
  }

  /** Claims one batch of each sending notice and pushes it at the configured rate. Returns pushes settled. */
  async sendBatch(): Promise<number> {
    let settled = 0;
    for (const notice of await this.deps.notices.withStatus('sending')) {
      const began = this.deps.options.elapsedMs();
      const now = this.deps.clock.now();
      const claimed = await this.deps.notices.claim(notice.id, now, new Date(now.getTime() + this.deps.options.leaseMs), this.deps.options.batchSize);
      if (claimed.length === 0) continue;
      const from = await this.fromLabel(notice);
      const outcomes = await this.pushAll(notice, from, claimed);
      await this.record(claimed, outcomes);
      settled += claimed.length;
      // Keep to the rate: this batch may take no less than batch / rate seconds.
      const minimum = (claimed.length / this.deps.options.ratePerSecond) * 1000;
      const spent = this.deps.options.elapsedMs() - began;
      if (spent < minimum) await this.deps.options.sleep(minimum - spent);
    }
    return settled;
  }

  /** Notices with nothing left to push are sent. */
  async finishDone(): Promise<void> {
    for (const notice of await this.deps.notices.withStatus('sending')) {
      if ((await this.deps.notices.unfinished(notice.id)) === 0) await this.deps.notices.transition(notice.id, ['sending'], 'sent', this.deps.clock.now());
    }
  }

  private async pushAll(notice: Notice, from: string, claimed: ClaimedDelivery[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(claimed.length);
    let next = 0;
    const data = {
      thing1: notice.title,
      thing2: notice.body.replace(/\s+/g, ' '),
      thing3: from,
      time4: shanghaiDate(notice.scheduledAt ?? notice.createdAt),
    };
    const worker = async () => {
      for (let i = next++; i < claimed.length; i = next++) outcomes[i] = await this.push(notice, claimed[i], data);
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.options.concurrency, claimed.length) }, worker));
    return outcomes;
  }

  private async push(notice: Notice, d: ClaimedDelivery, data: Record<string, string>): Promise<Outcome> {
    try {
      if (d.channel === 'mp_template') {
        if (!d.mpOpenid) return { kind: 'failed', errcode: 40003, error: 'no public-account openid' };
        const link = notice.link ? { url: notice.link } : {};
        await this.deps.messenger.sendTemplate(d.mpOpenid, this.deps.templates.mp, data, link, `notice-${notice.id}-${d.id}`);
        return { kind: 'sent' };
      }
      if (!d.miniOpenid) return { kind: 'failed', errcode: 40003, error: 'no mini-program openid' };
      const r = await this.deps.messenger.sendSubscribe(d.miniOpenid, this.deps.templates.mini, MINI_PAGES.notice(notice.id), data);
      return r === 'sent' ? { kind: 'sent' } : { kind: 'failed', errcode: 43101, error: 'subscribe refused' };
    } catch (err) {
      const errcode = err instanceof WechatApiError ? err.errcode : -1;
      const error = err instanceof Error ? err.message : String(err);
      if (PERMANENT.has(errcode)) return { kind: 'failed', errcode, error };
      if (d.attempts >= this.deps.options.maxAttempts) return { kind: 'failed', errcode, error: `gave up after ${d.attempts} attempts: ${error}` };
      return { kind: 'retry', errcode, error };
    }
  }

  private async record(claimed: ClaimedDelivery[], outcomes: Outcome[]): Promise<void> {
    const now = this.deps.clock.now();
    const sent: number[] = [];
    const failed = new Map<string, { errcode: number; error: string; ids: number[] }>();
    const retry = new Map<number, { errcode: number; error: string; ids: number[] }>();
    claimed.forEach((d, i) => {
      const o = outcomes[i];
      if (o.kind === 'sent') sent.push(d.id);
      else if (o.kind === 'failed') {
        const key = `${o.errcode}|${o.error}`;
        const g = failed.get(key) ?? { errcode: o.errcode, error: o.error, ids: [] };
        g.ids.push(d.id);
        failed.set(key, g);
      } else {
        // Backoff by attempt: every row of a group waits the same.
        const g = retry.get(d.attempts) ?? { errcode: o.errcode, error: o.error, ids: [] };
        g.ids.push(d.id);
        retry.set(d.attempts, g);
      }
    });
    await this.deps.notices.markSent(sent, now);
    for (const g of failed.values()) await this.deps.notices.markFailed(g.ids, g.errcode, g.error);
    for (const [attempts, g] of retry) {
      const wait = BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)];
      await this.deps.notices.retryAt(g.ids, new Date(now.getTime() + wait), g.errcode, g.error);
    }
    if (failed.size > 0 || retry.size > 0) {
      this.deps.logger.warn(
        {
          sent: sent.length,
          failed: [...failed.values()].map((g) => [g.errcode, g.ids.length]),
          retry: [...retry.values()].map((g) => [g.errcode, g.ids.length]),
        },
        'notice batch had failures',
      );
    }
  }

  /** Who a notice is from, as its template shows it: the region it was addressed to (one small read per batch). */
  private async fromLabel(notice: Notice): Promise<string> {
    const region = await this.deps.regions.findById(notice.audience.regionId);
    return region?.name ?? '';
  }
}
