import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/database';
import { WechatMessenger } from './gateways/wechat-messenger.gateway';
import { WechatPayGateway } from './gateways/wechat-pay.gateway';
import type { Clock } from './lib/clock';
import { AccountRepository } from './repositories/account.repository';
import { AuditRepository } from './repositories/audit.repository';
import { BookingRepository } from './repositories/booking.repository';
import { CentreRepository } from './repositories/centre.repository';
import { FamilyLinkRepository } from './repositories/family-link.repository';
import { PaymentRepository } from './repositories/payment.repository';
import { PolicyRepository } from './repositories/policy.repository';
import { SeniorRepository } from './repositories/senior.repository';
import { SlotRepository } from './repositories/slot.repository';
import { BindCodeRepository, BotConversationRepository } from './repositories/bot.repository';
import { WechatInboundRepository } from './repositories/wechat-inbound.repository';
import { WechatStateRepository } from './repositories/wechat-state.repository';
import type { Sandbox } from './sandbox';
import { WechatInboxService, type Conversation } from './services/wechat-inbox.service';
import type { WechatSettings } from './wechat-settings';
import { AccessService } from './services/access.service';
import { AuditService } from './services/audit.service';
import { AuthService } from './services/auth.service';
import { BookingLifecycleService } from './services/booking-lifecycle.service';
import { BookingReaderService } from './services/booking-reader.service';
import { BookingService } from './services/booking.service';
import { BookingWriter } from './services/booking-writer';
import { CatalogueService } from './services/catalogue.service';
import { FamilyLinkService } from './services/family-link.service';
import { PaymentReaderService } from './services/payment-reader.service';
import { PaymentService } from './services/payment.service';
import { RefundService } from './services/refund.service';
import { SeniorService } from './services/senior.service';
import { BotBookingFlow } from './services/bot/booking-flow';
import { ChatBot } from './services/bot/chat-bot.service';
import { ConversationLogService } from './services/conversation-log.service';
import { EmergencyService } from './services/emergency.service';
import { AccountNotifier } from './services/notifier.service';
import { WechatBindingService } from './services/wechat-binding.service';

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
}

/** The one composition root: builds every repository and service from `deps`. */
export function buildServices(deps: Deps) {
  const { db, clock } = deps;
  const repos = {
    accounts: new AccountRepository(db),
    audit: new AuditRepository(db),
    bookings: new BookingRepository(db),
    bindCodes: new BindCodeRepository(db),
    botConversations: new BotConversationRepository(db),
    centres: new CentreRepository(db),
    links: new FamilyLinkRepository(db),
    payments: new PaymentRepository(db),
    policies: new PolicyRepository(db),
    seniors: new SeniorRepository(db),
    slots: new SlotRepository(db),
    wechatInbound: new WechatInboundRepository(db),
    wechatState: new WechatStateRepository(db),
  };
  const messenger = new WechatMessenger({ settings: deps.wechat, tokens: repos.wechatState, clock, logger: deps.logger });
  // A public account may run without WeChat Pay (WXPAY_* unset): then there is no gateway to build, and payment
  // features say so instead of the server failing to start on an empty key.
  const pay = deps.wechat.pay.mchId ? new WechatPayGateway(deps.wechat, clock) : null;
  const access = new AccessService(repos.links);
  const audit = new AuditService(repos.audit, clock);
  const bookingWriter = new BookingWriter(db, clock, repos.bookings, repos.slots, repos.seniors, audit);
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
  );
  const templates = deps.config.templates;
  const catalogue = new CatalogueService(repos.centres, repos.slots, clock);
  const bookings = new BookingService(
    db,
    clock,
    repos.bookings,
    repos.slots,
    repos.centres,
    repos.seniors,
    repos.policies,
    access,
    bookingReader,
    bookingWriter,
  );
  const lifecycle = new BookingLifecycleService(db, clock, repos.bookings, repos.slots, access, audit, bookingReader, payments);
  const familyLinks = new FamilyLinkService(db, clock, repos.links, repos.seniors, repos.accounts, repos.audit, access, audit, repos.bindCodes);
  const notifier = new AccountNotifier(messenger, deps.logger);
  const emergencies = new EmergencyService(db, clock, repos.seniors, repos.centres, repos.accounts, repos.links, notifier, templates, access, audit, deps.logger);
  const wechatBinding = new WechatBindingService(db, clock, repos.bindCodes, repos.links, repos.seniors, repos.accounts, messenger, access, audit, deps.logger);
  const botFlow = new BotBookingFlow(catalogue, bookings, lifecycle, bookingReader, payments, repos.centres, repos.accounts, repos.links, notifier, templates);
  const bot = new ChatBot(
    clock,
    repos.botConversations,
    repos.accounts,
    repos.seniors,
    repos.links,
    repos.centres,
    repos.wechatInbound,
    catalogue,
    botFlow,
    wechatBinding,
    familyLinks,
    emergencies,
    notifier,
    templates,
    deps.logger,
  );
  return {
    deps,
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
  };
}

export type Services = ReturnType<typeof buildServices>;
