import type { Logger } from 'pino';
import { ConfigError, type Config, type JobSelection } from './config';
import type { Database } from './db/database';
import { WechatMessenger } from './gateways/wechat-messenger.gateway';
import { WechatPayGateway } from './gateways/wechat-pay.gateway';
import type { Clock } from './lib/clock';
import { REFERENCE_MAX_AGE_MS } from './lib/fresh-reads';
import { AccountRepository } from './repositories/account.repository';
import { AttemptLimitRepository } from './repositories/attempt-limit.repository';
import { RetentionRepository } from './repositories/retention.repository';
import { AuditRepository } from './repositories/audit.repository';
import { BookingRepository } from './repositories/booking.repository';
import { CentreRepository } from './repositories/centre.repository';
import { CentreRegistryRepository } from './repositories/centre-registry.repository';
import { SlotAdminRepository } from './repositories/slot-admin.repository';
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
import { EmergencyAlertRepository } from './repositories/emergency-alert.repository';
import { ChatHandoverRepository, EmergencyCheckRepository } from './repositories/chat-safety.repository';
import { JobRepository } from './repositories/job.repository';
import { StaffAccountRepository } from './repositories/staff-account.repository';
import { OperationsRepository } from './repositories/operations.repository';
import { DayEndService } from './services/booking/day-end.service';
import type { Job } from './services/scheduler/job';
import { JobCoordinator } from './services/scheduler/job-coordinator';
import { JobRunService } from './services/scheduler/job-run.service';
import { JobRunner } from './services/scheduler/job-runner';
import { Scheduler } from './services/scheduler/scheduler';
import type { Sandbox } from './sandbox';
import { NoticeRepository } from './repositories/notice.repository';
import { RegionRepository } from './repositories/region.repository';
import { BroadcastService, DEFAULT_BROADCAST_OPTIONS, type BroadcastOptions } from './services/notices/broadcast.service';
import { NoticeService } from './services/notices/notice.service';
import { SlotTemplateRepository } from './repositories/slot-template.repository';
import { SlotTemplateService } from './services/catalogue/slot-template.service';
import { CentreRegistryService } from './services/catalogue/centre-registry.service';
import { ClosureService } from './services/catalogue/closure.service';
import { RegionService } from './services/catalogue/region.service';
import { ServiceItemService } from './services/catalogue/service-item.service';
import { SlotAdminService } from './services/catalogue/slot-admin.service';
import { SlotCallOff } from './services/catalogue/slot-call-off';
import { WechatInboxService, type Conversation } from './services/chat/wechat-inbox.service';
import type { WechatSettings } from './wechat-settings';
import { AccessService } from './services/access/access.service';
import { AttemptLimiter } from './services/access/attempt-limiter';
import { PersonalDataRetention } from './services/privacy/retention.service';
import { AuditService } from './services/access/audit.service';
import { AuthService } from './services/access/auth.service';
import { AccountService } from './services/access/account.service';
import { AuditLogService } from './services/access/audit-log.service';
import { CounterService } from './services/operations/counter.service';
import { ListsService } from './services/operations/lists.service';
import { BookingLifecycleService } from './services/booking/booking-lifecycle.service';
import { BookingReaderService } from './services/booking/booking-reader.service';
import { BookingExportService } from './services/booking/booking-export.service';
import { BookingService } from './services/booking/booking.service';
import { BookingWriter } from './services/booking/booking-writer';
import { PayLinks } from './services/payment/pay-links';
import { PaymentSettler } from './services/payment/payment-settler';
import { CatalogueService } from './services/catalogue/catalogue.service';
import { FamilyLinkService } from './services/people/family-link.service';
import { PaymentReaderService } from './services/payment/payment-reader.service';
import { PaymentService } from './services/payment/payment.service';
import { RefundService } from './services/payment/refund.service';
import { SeniorService } from './services/people/senior.service';
import { hashIdNumber } from './lib/id-card';
import { AssessmentRepository } from './repositories/assessment.repository';
import { AssessmentService } from './services/people/assessment.service';
import { SeniorImportService, type ImportLimits } from './services/people/senior-import.service';
import { SeniorRegistryService } from './services/people/senior-registry.service';
import { SettlementService } from './services/settlement/settlement.service';
import { BotBookingFlow } from './services/chat/booking-flow';
import { BotPeople } from './services/chat/people';
import { ChatBot } from './services/chat/chat-bot.service';
import { ChatHandoverService } from './services/chat/handover.service';
import { BotSafety } from './services/chat/safety';
import { UsualMealService } from './services/booking/usual-meal.service';
import { ConversationLogService } from './services/chat/conversation-log.service';
import { EmergencyService } from './services/emergency/emergency.service';
import { AccountNotifier } from './services/messaging/notifier.service';
import { ReminderService } from './services/reminders/reminder.service';
import { SubscriptionService } from './services/messaging/subscription.service';
import { WechatBindingService } from './services/people/wechat-binding.service';
import { BudgetRepository } from './repositories/budget.repository';
import { DashboardRepository } from './repositories/dashboard.repository';
import { MenuRepository } from './repositories/menu.repository';
import { PolicyPreviewRepository } from './repositories/policy-preview.repository';
import { MenuService } from './services/catalogue/menu.service';
import { BudgetService } from './services/dashboard/budget.service';
import { DashboardService } from './services/dashboard/dashboard.service';
import { DashboardRollupService } from './services/dashboard/rollup.service';
import { PolicyService } from './services/policy/policy.service';
import {
  CareCheckRepository,
  SignsOfLifeRepository,
  TimeBankRepository,
  VisitPhotoRepository,
  VisitRepository,
  VisitRuleRepository,
  VolunteerRepository,
} from './repositories/care.repository';
import { TimeBankService } from './services/care/time-bank.service';
import { VisitPlanService } from './services/care/visit-plan.service';
import { VisitService } from './services/care/visit.service';
import { CareReportService } from './services/care/care-report.service';
import { CareCheckService } from './services/care/care-check.service';
import { VolunteerService } from './services/care/volunteer.service';
import { VisitPhotoService } from './services/care/visit-photo.service';
import { LocalFileStore, type FileStore } from './gateways/file-store.gateway';

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
  /** The key of the seniors' ID-number hash (idHashKeyFor: MULIN_ID_HASH_KEY, or the sandbox's generated one). */
  idHashKey?: string;
  /** Limits of the seniors' list import (tests make them small). */
  importLimits?: Partial<ImportLimits>;
  /** Where uploaded files (visit photos) go; local files under config.filesDir by default. */
  files?: FileStore;
}

/** The one composition root: builds every repository and service from `deps`. */
export function buildServices(deps: Deps) {
  const { db, clock } = deps;
  const freshness = { clock, maxAgeMs: deps.referenceMaxAgeMs ?? REFERENCE_MAX_AGE_MS };
  const repos = {
    accounts: new AccountRepository(db),
    attemptLimits: new AttemptLimitRepository(db),
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
    alerts: new EmergencyAlertRepository(db),
    dayDigests: new DayDigestRepository(db),
    reminders: new ReminderRepository(db),
    subscribeCredits: new SubscribeCreditRepository(db),
    notices: new NoticeRepository(db),
    regions: new RegionRepository(db),
    slotTemplates: new SlotTemplateRepository(db),
    staffAccounts: new StaffAccountRepository(db),
    operations: new OperationsRepository(db),
    centreRegistry: new CentreRegistryRepository(db),
    slotAdmin: new SlotAdminRepository(db),
    assessments: new AssessmentRepository(db),
    menus: new MenuRepository(db),
    policyPreviews: new PolicyPreviewRepository(db),
    budgets: new BudgetRepository(db),
    dashboards: new DashboardRepository(db),
    emergencyChecks: new EmergencyCheckRepository(db),
    handovers: new ChatHandoverRepository(db),
    visitRules: new VisitRuleRepository(db),
    visits: new VisitRepository(db),
    volunteers: new VolunteerRepository(db),
    signsOfLife: new SignsOfLifeRepository(db),
    careChecks: new CareCheckRepository(db),
    timeBankLedger: new TimeBankRepository(db),
    visitPhotos: new VisitPhotoRepository(db),
  };
  const files = deps.files ?? new LocalFileStore(deps.config.filesDir);
  const { logger, config } = deps;
  const templates = config.templates;
  const messenger = new WechatMessenger({ settings: deps.wechat, tokens: repos.wechatState, clock, logger });
  // A public account may run without WeChat Pay (WXPAY_* unset): then there is no gateway to build, and payment
  // features say so instead of the server failing to start on an empty key.
  const pay = deps.wechat.pay.mchId ? new WechatPayGateway(deps.wechat, clock) : null;
  const access = new AccessService(repos.links);
  const audit = new AuditService(repos.audit, clock);
  const attempts = new AttemptLimiter({ db, clock, limits: repos.attemptLimits, audit });
  const notifier = new AccountNotifier(messenger, logger);
  const payLinks = new PayLinks(deps.wechat.pay.apiV3Key, config.publicBaseUrl, clock);
  // Built before the booking services: they tell it, inside their transactions, when a booking moves.
  const reminders = new ReminderService({
    clock,
    reminders: repos.reminders,
    credits: repos.subscribeCredits,
    seniors: repos.seniors,
    links: repos.links,
    botConversations: repos.botConversations,
    messenger,
    templates,
    logger,
    payLink: (accountId, booking) => (payLinks.enabled && booking.paymentDueAt ? payLinks.link(accountId, booking) : null),
  });
  const bookingWriter = new BookingWriter({ db, clock, bookings: repos.bookings, slots: repos.slots, seniors: repos.seniors, audit, reminders });
  const bookingReader = new BookingReaderService({
    bookings: repos.bookings,
    slots: repos.slots,
    centres: repos.centres,
    seniors: repos.seniors,
    links: repos.links,
    access,
  });
  const refunds = new RefundService({ db, clock, payments: repos.payments, bookings: repos.bookings, centres: repos.centres, pay, access, audit, logger });
  const settler = new PaymentSettler({
    db,
    clock,
    payments: repos.payments,
    bookings: repos.bookings,
    centres: repos.centres,
    refunds,
    pay,
    logger,
    reminders,
  });
  const payments = new PaymentService({
    db,
    clock,
    settings: deps.wechat,
    payments: repos.payments,
    bookings: repos.bookings,
    slots: repos.slots,
    accounts: repos.accounts,
    reader: bookingReader,
    access,
    refunds,
    pay,
    logger,
    links: payLinks,
    settler,
    reminders,
  });
  const catalogue = new CatalogueService({ centres: repos.centres, slots: repos.slots, prices: repos.centreRegistry, clock });
  const bookings = new BookingService({
    db,
    clock,
    bookings: repos.bookings,
    slots: repos.slots,
    seniors: repos.seniors,
    policies: repos.policies,
    access,
    reader: bookingReader,
    writer: bookingWriter,
  });
  const lifecycle = new BookingLifecycleService({
    db,
    clock,
    bookings: repos.bookings,
    slots: repos.slots,
    access,
    audit,
    reader: bookingReader,
    money: payments,
    reminders,
  });
  const familyLinks = new FamilyLinkService({
    db,
    clock,
    links: repos.links,
    seniors: repos.seniors,
    accounts: repos.accounts,
    attempts,
    access,
    audit,
    bindCodes: repos.bindCodes,
  });
  const emergencies = new EmergencyService({
    db,
    clock,
    seniors: repos.seniors,
    centres: repos.centres,
    accounts: repos.accounts,
    links: repos.links,
    notifier,
    templates,
    access,
    audit,
    logger,
    alerts: repos.alerts,
  });
  const wechatBinding = new WechatBindingService({
    db,
    clock,
    codes: repos.bindCodes,
    familyCodes: repos.links,
    seniors: repos.seniors,
    accounts: repos.accounts,
    messenger,
    access,
    audit,
    logger,
  });
  const botFlow = new BotBookingFlow({
    catalogue,
    bookings,
    lifecycle,
    reader: bookingReader,
    bookingRows: repos.bookings,
    payments,
    centres: repos.centres,
    links: repos.links,
    notifier,
    templates,
  });
  const botPeople = new BotPeople({
    accounts: repos.accounts,
    seniors: repos.seniors,
    links: repos.links,
    binding: wechatBinding,
    familyLinks,
    attempts,
  });
  const botSafety = new BotSafety({
    clock,
    emergencies,
    checks: repos.emergencyChecks,
    seniors: repos.seniors,
    centres: repos.centres,
    accounts: repos.accounts,
    inbound: repos.wechatInbound,
    notifier,
    templates,
    texts: messenger,
    logger,
  });
  const chatHandover = new ChatHandoverService({
    db,
    clock,
    handovers: repos.handovers,
    conversations: repos.botConversations,
    centres: repos.centres,
    accounts: repos.accounts,
    seniors: repos.seniors,
    notifier,
    templates,
    texts: messenger,
    access,
    audit,
    logger,
  });
  // The care cycle (issue 24): visit plans and visits, volunteers, the time bank, the silence alarm.
  const timeBank = new TimeBankService({
    db,
    clock,
    ledger: repos.timeBankLedger,
    volunteers: repos.volunteers,
    seniors: repos.seniors,
    links: repos.links,
    access,
    audit,
  });
  const careDeps = {
    db,
    clock,
    seniors: repos.seniors,
    centres: repos.centres,
    accounts: repos.accounts,
    notifier,
    template: templates.careNotice,
    access,
    audit,
    logger,
    photos: repos.visitPhotos,
  };
  const visitPlans = new VisitPlanService({
    ...careDeps,
    rules: repos.visitRules,
    visits: repos.visits,
    volunteers: repos.volunteers,
    signs: repos.signsOfLife,
    regions: repos.regions,
    above: repos.alerts,
  });
  const visits = new VisitService({ ...careDeps, visits: repos.visits, volunteers: repos.volunteers, links: repos.links, timeBank, attempts });
  const visitPhotos = new VisitPhotoService({ db, clock, visits: repos.visits, photos: repos.visitPhotos, seniors: repos.seniors, files, access, audit });
  const careChecks = new CareCheckService({
    ...careDeps,
    rules: repos.visitRules,
    checks: repos.careChecks,
    signs: repos.signsOfLife,
    visits: repos.visits,
  });
  const volunteers = new VolunteerService({
    db,
    clock,
    volunteers: repos.volunteers,
    visits: repos.visits,
    ledger: repos.timeBankLedger,
    seniors: repos.seniors,
    centres: repos.centres,
    accounts: repos.accounts,
    photos: repos.visitPhotos,
    access,
    audit,
  });
  const careReports = new CareReportService({
    clock,
    visits: repos.visits,
    ledger: repos.timeBankLedger,
    regions: repos.regions,
    centres: repos.centres,
    access,
  });
  const bot = new ChatBot({
    clock,
    conversations: repos.botConversations,
    catalogue,
    booking: botFlow,
    people: botPeople,
    familyLinks,
    safety: botSafety,
    handover: chatHandover,
    visits,
    logger,
  });
  const notices = new NoticeService(db, clock, repos.notices, repos.regions, audit);
  // ID numbers are kept only as last four digits and this keyed hash; a server built without the key (a job runner)
  // still starts, and only hashing fails.
  const idHashKey = deps.idHashKey ?? config.idHashKey;
  const idHash = (idNumber: string): string => {
    if (!idHashKey) throw new Error('MULIN_ID_HASH_KEY is not configured');
    return hashIdNumber(idHashKey, idNumber);
  };
  const seniorRegistry = new SeniorRegistryService({
    db,
    clock,
    seniors: repos.seniors,
    regions: repos.regions,
    centres: repos.centres,
    bookings: repos.bookings,
    slots: repos.slots,
    links: repos.links,
    access,
    audit,
    lifecycle,
    notifier,
    template: templates.seniorStatus,
    idHash,
  });
  const broadcasts = new BroadcastService({
    db,
    clock,
    notices: repos.notices,
    regions: repos.regions,
    noticeService: notices,
    messenger,
    templates: templates.policyNotice,
    logger,
    options: {
      ...DEFAULT_BROADCAST_OPTIONS,
      ratePerSecond: config.broadcastRate,
      sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
      elapsedMs: () => performance.now(),
      ...deps.broadcast,
    },
  });
  const slotTemplates = new SlotTemplateService({
    db,
    clock,
    templates: repos.slotTemplates,
    slots: repos.slots,
    centres: repos.centres,
    closures: repos.slotAdmin,
    access,
    audit,
    daysAhead: config.slotDaysAhead,
  });
  // The registry (regions, centres, service items and prices, slots and closures): services/catalogue/.
  const slotCallOff = new SlotCallOff({
    slotAdmin: repos.slotAdmin,
    bookings: repos.bookings,
    lifecycle,
    accounts: repos.accounts,
    links: repos.links,
    notifier,
    templates,
    logger,
  });
  const registryDeps = { db, clock, registry: repos.centreRegistry, access, audit };
  const slotAdmin = new SlotAdminService({ ...registryDeps, slotAdmin: repos.slotAdmin, slots: repos.slots, catalogue, callOff: slotCallOff });
  const registry = {
    regions: new RegionService({ ...registryDeps, regions: repos.regions, accounts: repos.accounts }),
    centres: new CentreRegistryService({ ...registryDeps, regions: repos.regions, centres: repos.centres, slots: repos.slots }),
    serviceItems: new ServiceItemService({ ...registryDeps, centres: repos.centres, slots: repos.slots }),
    slots: slotAdmin,
    closures: new ClosureService({
      ...registryDeps,
      slotAdmin: repos.slotAdmin,
      slots: repos.slots,
      slotTemplates,
      slotAdminService: slotAdmin,
      callOff: slotCallOff,
    }),
  };
  return {
    deps,
    timeBank,
    visitPlans,
    visits,
    visitPhotos,
    files,
    careChecks,
    volunteers,
    careReports,
    slotTemplates,
    registry,
    notices,
    broadcasts,
    repos,
    access,
    audit,
    messenger,
    pay,
    attempts,
    retention: new PersonalDataRetention({ clock, retention: new RetentionRepository(db), attempts, periods: config.retention, files }),
    auth: new AuthService(repos.accounts, messenger, clock, attempts),
    bot,
    usualMeal: new UsualMealService({ clock, bookingRows: repos.bookings, seniors: repos.seniors, catalogue, bookings, access }),
    botSafety,
    chatHandover,
    inbox: new WechatInboxService({
      inbound: repos.wechatInbound,
      bot: deps.conversation ?? bot,
      late: messenger,
      clock,
      logger,
      budgetMs: deps.replyBudgetMs,
    }),
    catalogue,
    bookingReader,
    bookingExport: new BookingExportService({ clock, reader: bookingReader }),
    bookingWriter,
    bookings,
    payments,
    paymentReader: new PaymentReaderService({
      clock,
      settings: deps.wechat,
      payments: repos.payments,
      bookings: repos.bookings,
      centres: repos.centres,
      reader: bookingReader,
      access,
    }),
    refunds,
    lifecycle,
    familyLinks,
    notifier,
    emergencies,
    wechatBinding,
    conversationLog: new ConversationLogService(repos.wechatInbound, repos.seniors, access),
    seniors: new SeniorService({ seniors: repos.seniors, regions: repos.regions, access, clock, idHash }),
    seniorRegistry,
    assessments: new AssessmentService({ db, clock, assessments: repos.assessments, seniors: repos.seniors, registry: seniorRegistry, audit }),
    seniorImport: new SeniorImportService({
      db,
      clock,
      seniors: repos.seniors,
      regions: repos.regions,
      centres: repos.centres,
      access,
      audit,
      idHash,
      limits: deps.importLimits,
    }),
    settlements: new SettlementService(db, clock, repos.settlements, access, audit),
    dayEnd: new DayEndService({
      clock,
      lifecycle,
      reader: bookingReader,
      links: repos.links,
      centres: repos.centres,
      digests: repos.dayDigests,
      accounts: repos.accounts,
      notifier,
      templates,
      logger,
    }),
    jobRuns: new JobRunService(repos.jobs, clock),
    reminders,
    subscriptions: new SubscriptionService(clock, repos.accounts, repos.subscribeCredits, messenger, templates),
    accounts: new AccountService({
      db,
      clock,
      accounts: repos.staffAccounts,
      centres: repos.centres,
      regions: repos.regions,
      access,
      audit,
      attempts,
    }),
    auditLog: new AuditLogService({ audit: repos.audit, accounts: repos.accounts }),
    counter: new CounterService({
      clock,
      centres: repos.centres,
      seniors: repos.seniors,
      slots: repos.slots,
      operations: repos.operations,
      access,
      reader: bookingReader,
      bookings,
      lifecycle,
    }),
    lists: new ListsService({
      clock,
      centres: repos.centres,
      slots: repos.slots,
      seniors: repos.seniors,
      regions: repos.regions,
      operations: repos.operations,
      access,
    }),
    // Menus, subsidy policies, budgets and the dashboards (issue 22).
    menus: new MenuService({ db, clock, menus: repos.menus, centres: repos.centres, slots: repos.slots, access, audit }),
    policies: new PolicyService({
      db,
      clock,
      policies: repos.policies,
      preview: repos.policyPreviews,
      regions: repos.regions,
      centres: repos.centres,
      access,
      audit,
    }),
    budgets: new BudgetService({ db, clock, budgets: repos.budgets, regions: repos.regions, access, audit }),
    dashboards: new DashboardService({
      clock,
      dashboards: repos.dashboards,
      budgets: repos.budgets,
      regions: repos.regions,
      centres: repos.centres,
      previews: repos.policyPreviews,
      access,
    }),
    dashboardRollup: new DashboardRollupService({ clock, dashboards: repos.dashboards }),
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
