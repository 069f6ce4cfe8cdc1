import { Account } from './account.entity';
import { AttemptLimit } from './attempt-limit.entity';
import { AuditLog } from './audit-log.entity';
import { BotConversation, SeniorBindCode } from './bot.entity';
import { Booking } from './booking.entity';
import { Centre } from './centre.entity';
import { CareCheck, TimeBankEntry, Visit, VisitPhoto, VisitRule, Volunteer, VolunteerPairing } from './care.entity';
import { CentreClosure } from './centre-closure.entity';
import { ChatHandover, EmergencyCheck } from './chat-safety.entity';
import { CentreDayDigest } from './centre-day-digest.entity';
import { EmergencyAlert } from './emergency-alert.entity';
import { FamilyLink, FamilyLinkCode } from './family-link.entity';
import { JobRun, JobTick } from './job.entity';
import { Menu, MenuWeek } from './menu.entity';
import { Notice, NoticeDelivery } from './notice.entity';
import { PayNotification } from './pay-notification.entity';
import { CounterPayment, Payment } from './payment.entity';
import { Rating } from './rating.entity';
import { Refund } from './refund.entity';
import { Region } from './region.entity';
import { Reminder } from './reminder.entity';
import { Senior } from './senior.entity';
import { ServiceItem, ServicePrice } from './service-item.entity';
import { SeniorAssessment } from './senior-assessment.entity';
import { Session } from './session.entity';
import { Settlement, SettlementDiscrepancy, SettlementLine } from './settlement.entity';
import { Slot } from './slot.entity';
import { SlotTemplate } from './slot-template.entity';
import { SubscribeCredit } from './subscribe-credit.entity';
import { SubsidyPolicy } from './subsidy-policy.entity';
import { SubsidyBudget } from './subsidy-budget.entity';
import { CentreDayStat, DashboardRollup, ServedSeniorMonth } from './dashboard-stat.entity';
import { WechatAccessToken, WechatInbound, WechatPushClaim, WechatSubscribeRefusal } from './wechat.entity';

export * from './account.entity';
export * from './attempt-limit.entity';
export * from './audit-log.entity';
export * from './booking.entity';
export * from './bot.entity';
export * from './centre.entity';
export * from './care.entity';
export * from './centre-closure.entity';
export * from './chat-safety.entity';
export * from './centre-day-digest.entity';
export * from './emergency-alert.entity';
export * from './family-link.entity';
export * from './job.entity';
export * from './menu.entity';
export * from './notice.entity';
export * from './pay-notification.entity';
export * from './payment.entity';
export * from './rating.entity';
export * from './refund.entity';
export * from './region.entity';
export * from './reminder.entity';
export * from './senior.entity';
export * from './senior-assessment.entity';
export * from './service-item.entity';
export * from './session.entity';
export * from './settlement.entity';
export * from './slot.entity';
export * from './slot-template.entity';
export * from './subscribe-credit.entity';
export * from './subsidy-policy.entity';
export * from './subsidy-budget.entity';
export * from './dashboard-stat.entity';
export * from './wechat.entity';

export const ENTITIES = [
  Region,
  Centre,
  ServiceItem,
  Slot,
  SlotTemplate,
  Menu,
  Senior,
  Account,
  Session,
  FamilyLink,
  FamilyLinkCode,
  SubsidyPolicy,
  Booking,
  Payment,
  CounterPayment,
  Refund,
  PayNotification,
  Notice,
  NoticeDelivery,
  Reminder,
  EmergencyAlert,
  Rating,
  AuditLog,
  WechatAccessToken,
  WechatInbound,
  WechatPushClaim,
  WechatSubscribeRefusal,
  BotConversation,
  SeniorBindCode,
  EmergencyCheck,
  ChatHandover,
  JobTick,
  JobRun,
  CentreDayDigest,
  SubscribeCredit,
  Settlement,
  SettlementLine,
  ServicePrice,
  CentreClosure,
  SeniorAssessment,
  MenuWeek,
  SubsidyBudget,
  CentreDayStat,
  ServedSeniorMonth,
  DashboardRollup,
  SettlementDiscrepancy,
  AttemptLimit,
  VisitRule,
  Visit,
  Volunteer,
  VolunteerPairing,
  CareCheck,
  TimeBankEntry,
  VisitPhoto,
];
