import type { Logger } from 'pino';
import { ConfigError, type Config, type JobSelection } from './config';
import type { Database } from './db/database';
import { WechatMessenger } from './gateways/wechat-messenger.gateway';
import { WechatPayGateway } from './gateways/wechat-pay.gateway';
import type { Clock } from './lib/clock';
import { REFERENCE_MAX_AGE_MS } from './lib/fresh-reads';
import { AccountRepository } from './repositories/account.repository';
import { AuditRepository } from './repositories/audit.repository';
import { BookingRepository } from './repositories/booking.repository';
import { CentreRepository } from './repositories/centre.repository';
import { FamilyLinkRepository } from './repositories/family-link.repository';
import { PaymentRepository } from './repositories/payment.repository';
import { PolicyRepository } from './repositories/policy.repository';
import { ReminderRepository } from './repositories/reminder.repository';
import { SubscribeCreditRepository } from './repositories/subscribe-credit.repository';
import { SeniorRepository } from './repositories/senior.repository';
import { SettlementRepository } from './repositories/settlement.repository';
import { SlotRepository } from './repositories/slot.repository';
import { BindCodeRepository, BotConversationRepository } from './repositories/bot.repository';
import { WechatInboundRepository } from './repositories/wechat-inbound.repository';
import { WechatStateRepository } from './repositories/wechat-state.repository';
import { DayDigestRepository } from './repositories/day-digest.repository';
import { EscalationRepository } from './repositories/escalation.repository';
import { JobRepository } from './repositories/job.repository';
import { DayEndService } from './services/booking/day-end.service';
import type { Job } from './services/scheduler/job';
import { JobCoordinator } from './services/scheduler/job-coordinator';
import { JobRunService } from './services/scheduler/job-run.service';
import { JobRunner } from './services/scheduler/job-runner';
import { Scheduler } from './services/scheduler/scheduler';
import type { Sandbox } from './sandbox';
import { NoticeRepository } from './repositories/notice.repository';
import { BroadcastService, DEFAULT_BROADCAST_OPTIONS, type BroadcastOptions } from './services/notices/broadcast.service';
import { NoticeService } from './services/notices/notice.service';
import { SlotTemplateRepository } from './repositories/slot-template.repository';
import { SlotTemplateService } from './services/catalogue/slot-template.service';
import { WechatInboxService, type Conversation } from './services/chat/wechat-inbox.service';
import type { WechatSettings } from './wechat-settings';
import { AccessService } from './services/access/access.service';
import { AuditService } from './services/access/audit.service';
import { AuthService } from './services/access/auth.service';
import { BookingLifecycleService } from './services/booking/booking-lifecycle.service';
import { BookingReaderService } from './services/booking/booking-reader.service';
import { BookingService } from './services/booking/booking.service';
import { BookingWriter } from './services/booking/booking-writer';
import { CatalogueService } from './services/catalogue/catalogue.service';
import { FamilyLinkService } from './services/people/family-link.service';
import { PaymentReaderService } from './services/payment/payment-reader.service';
import { PaymentService } from './services/payment/payment.service';
import { RefundService } from './services/payment/refund.service';
import { SeniorService } from './services/people/senior.service';
import { SettlementService } from './services/settlement/settlement.service';
import { BotBookingFlow } from './services/chat/booking-flow';
import { BotPeople } from './services/chat/people';
import { ChatBot } from './services/chat/chat-bot.service';
import { ConversationLogService } from './services/chat/conversation-log.service';
import { EmergencyService } from './services/emergency/emergency.service';
import { AccountNotifier } from './services/messaging/notifier.service';
import { ReminderService } from './services/reminders/reminder.service';
import { SubscriptionService } from './services/messaging/subscription.service';
import { WechatBindingService } from './services/people/wechat-binding.service';

/** Everything from outside that services depend on. Tests and the sandbox swap parts of it here, and only here. */
export interface Deps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Where the WeChat gateways go: real WeChat, or the sandbox. */
  wechat: WechatSettings;
  /** The built-in WeChat, mounted at /sandbox, when in sandbox mode. */
  sandbox?: Sandbox;
  /** The bot behind /wechat (tests may wrap it). */
  conversation?: Conversation;
  /** How long /wechat waits for the bot before answering '' and replying later (WeChat allows 5 s). */
  replyBudgetMs?: number;
  /** How long reads of reference data are shared (FreshReads; default REFERENCE_MAX_AGE_MS, 0 turns it off). */
  referenceMaxAgeMs?: number;
  /** Broadcast pacing and batching (tests make the waits instant). */
  broadcast?: Partial<BroadcastOptions>;
}

/** The one composition root: builds every repository and service from `deps`. */
export function buildServices(deps: Deps) {
  const { db, clock } = deps;
  const freshness = { clock, maxAgeMs: deps.referenceMaxAgeMs ?? REFERENCE_MAX_AGE_MS };
  const repos = {
    accounts: new AccountRepository(db),
    audit: new AuditRepository(db),
    bookings: new BookingRepository(db),
    bindCodes: new BindCodeRepository(db),
    botConversations: new BotConversationRepository(db),
    centres: new CentreRepository(db, freshness),
    links: new FamilyLinkRepository(db),
    payments: new PaymentRepository(db),
    policies: new PolicyRepository(db, freshness),
    seniors: new SeniorRepository(db),
    settlements: new SettlementRepository(db),
    slots: new SlotRepository(db, freshness),
    wechatInbound: new WechatInboundRepository(db),
    wechatState: new WechatStateRepository(db),
    jobs: new JobRepository(db),
    escalation: new EscalationRepository(db),
    dayDigests: new DayDigestRepository(db),
    reminders: new ReminderRepository(db),
    subscribeCredits: new SubscribeCreditRepository(db),
    notices: new NoticeRepository(db),
    slotTemplates: new SlotTemplateRepository(db),
  };
  const messenger = new WechatMessenger({ settings: deps.wechat, tokens: repos.wechatState, clock, logger: deps.logger });
  // A public account may run without WeChat Pay (WXPAY_* unset): then there is no gateway to build, and payment
  // features say so instead of the server failing to start on an empty key.
  const pay = deps.wechat.pay.mchId ? new WechatPayGateway(deps.wechat, clock) : null;
  const access = new AccessService(repos.links);
  const audit = new AuditService(repos.audit, clock);
  // Built before the booking services: they tell it, inside their transactions, when a booking moves.
  const reminders = new ReminderService(clock, repos.reminders, repos.subscribeCredits, repos.seniors, repos.links, repos.botConversations, messenger, deps.config.templates, deps.logger);
  const bookingWriter = new BookingWriter(db, clock, repos.bookings, repos.slots, repos.seniors, audit, reminders);
  const bookingReader = new BookingReaderService(repos.bookings, repos.slots, repos.centres, repos.seniors, repos.links, access);
  const refunds = new RefundService(db, clock, repos.payments, repos.bookings, repos.centres, pay, access, audit, deps.logger);
  const payments = new PaymentService(
    db,
    clock,
    deps.wechat,
    repos.payments,
    repos.bookings,
    repos.slots,
    repos.centres,
    repos.accounts,
    bookingReader,
    access,
    refunds,
    pay,
    deps.logger,
    deps.config.publicBaseUrl,
    reminders,
  );
  const templates = deps.config.templates;
  const catalogue = new CatalogueService(repos.centres, repos.slots, clock);
  const bookings = new BookingService(
    db,
    clock,
    repos.bookings,
    repos.slots,
    repos.seniors,
    repos.policies,
    access,
    bookingReader,
    bookingWriter,
  );
  const lifecycle = new BookingLifecycleService(db, clock, repos.bookings, repos.slots, access, audit, bookingReader, payments, reminders);
  const familyLinks = new FamilyLinkService(db, clock, repos.links, repos.seniors, repos.accounts, repos.audit, access, audit, repos.bindCodes);
  const notifier = new AccountNotifier(messenger, deps.logger);
  const emergencies = new EmergencyService(db, clock, repos.seniors, repos.centres, repos.accounts, repos.links, notifier, templates, access, audit, deps.logger, repos.escalation);
  const wechatBinding = new WechatBindingService(db, clock, repos.bindCodes, repos.links, repos.seniors, repos.accounts, messenger, access, audit, deps.logger);
  const botFlow = new BotBookingFlow(catalogue, bookings, lifecycle, bookingReader, payments, repos.centres, repos.links, notifier, templates);
  const botPeople = new BotPeople(repos.accounts, repos.seniors, repos.links, repos.wechatInbound, wechatBinding, familyLinks);
  const bot = new ChatBot(
    clock,
    repos.botConversations,
    repos.accounts,
    repos.centres,
    catalogue,
    botFlow,
    botPeople,
    familyLinks,
    emergencies,
    notifier,
    templates,
    deps.logger,
  );
  const notices = new NoticeService(db, clock, repos.notices, audit);
  const broadcasts = new BroadcastService(db, clock, repos.notices, notices, messenger, deps.config.templates.policyNotice, deps.logger, {
    ...DEFAULT_BROADCAST_OPTIONS,
    ratePerSecond: deps.config.broadcastRate,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    elapsedMs: () => performance.now(),
    ...deps.broadcast,
  });
  return {
    deps,
    slotTemplates: new SlotTemplateService(db, clock, repos.slotTemplates, repos.slots, repos.centres, access, audit, deps.config.slotDaysAhead),
    notices,
    broadcasts,
    repos,
    access,
    audit,
    messenger,
    pay,
    auth: new AuthService(repos.accounts, messenger, clock),
    bot,
    inbox: new WechatInboxService(repos.wechatInbound, deps.conversation ?? bot, messenger, clock, deps.logger, deps.replyBudgetMs),
    catalogue,
    bookingReader,
    bookingWriter,
    bookings,
    payments,
    paymentReader: new PaymentReaderService(deps.wechat, repos.payments, repos.bookings, repos.centres, bookingReader, access),
    refunds,
    lifecycle,
    familyLinks,
    notifier,
    emergencies,
    wechatBinding,
    conversationLog: new ConversationLogService(repos.wechatInbound, repos.seniors, access),
    seniors: new SeniorService(repos.seniors, access, clock),
    settlements: new SettlementService(db, clock, repos.settlements, access, audit),
    dayEnd: new DayEndService(clock, lifecycle, repos.centres, repos.dayDigests, repos.accounts, notifier, templates, deps.logger),
    jobRuns: new JobRunService(repos.jobs, clock),
    reminders,
    subscriptions: new SubscriptionService(clock, repos.accounts, repos.subscribeCredits, messenger, deps.config.templates),
  };
}

export type Services = ReturnType<typeof buildServices>;

/**
 * The jobs MULIN_JOBS asks for, checked against the jobs there are: an unknown name stops the start with a message
 * that names the variable and every job.
 */
export function selectJobs<J extends { name: string }>(jobs: readonly J[], selection: JobSelection): J[] {
  if (selection === 'all') return [...jobs];
  const known = jobs.map((j) => j.name);
  const unknown = selection.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new ConfigError([`MULIN_JOBS: unknown job ${unknown.map((n) => `"${n}"`).join(', ')}; use all, none, or a comma list of: ${known.join(', ')}`]);
  }
  return jobs.filter((j) => selection.includes(j.name));
}

/**
 * The scheduled side, on top of the services: a database coordinator and a runner for `jobs`, and the Scheduler
 * that puts them on node-cron. main.ts starts the Scheduler; `npm run job` and tests use the runner directly.
 * Taking the jobs as `Job<Services>` is what checks, at compile time, that these services meet each job's needs.
 */
export function buildScheduling(s: Services, opts: { instance: string; jobs: readonly Job<Services>[] }) {
  const { db, clock, logger } = s.deps;
  const coordinator = new JobCoordinator(db, s.repos.jobs, clock, opts.instance);
  const runner = new JobRunner<Services>(s, s.repos.jobs, clock, logger, opts.instance);
  return { coordinator, runner, scheduler: new Scheduler<Services>({ jobs: opts.jobs, coordinator, runner, logger }) };
}
