import type { Logger } from 'pino';
import type { Centre, Senior } from '../../../entities';
import type { DangerKind, Understanding } from '../../language/understand';
import { BOT, centreShortName, type EmergencyCare } from '../../words/bot';
import { CHAT_NOTICE_TEXTS } from '../../words/texts';
import type { Clock } from '../../lib/clock';
import { HOUR, MINUTE } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { EmergencyCheckRepository } from '../../repositories/chat-safety.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { WechatInboundRepository } from '../../repositories/wechat-inbound.repository';
import type { TemplateIds } from '../../wechat-templates';
import { MINI_PAGES } from '../../wechat-templates';
import type { EmergencyService, RaisedAlert } from '../emergency/emergency.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import type { Pending } from './pending';
import type { Speaker } from './people';

/** How long the bot waits for an answer to "是不是出事了？" before it tells the centre anyway. */
export const CHECK_WAIT_MS = 3 * MINUTE;
/** A lonely senior who lives alone is mentioned to their centre's staff at most this often. */
const LONELY_NOTE_EVERY_MS = 12 * HOUR;

/** A reply and what is now awaited, for the conversation to send and save. */
export interface SafetyStep {
  reply: string;
  intent: string;
  pending: Pending | null;
  seniorId: number | null;
}

/** Sends a customer-service text (WechatMessenger). */
export interface TextSender {
  sendText(openid: string, text: string): Promise<unknown>;
}

export interface BotSafetyDeps {
  clock: Clock;
  emergencies: EmergencyService;
  checks: EmergencyCheckRepository;
  seniors: SeniorRepository;
  centres: CentreRepository;
  accounts: AccountRepository;
  inbound: WechatInboundRepository;
  notifier: AccountNotifier;
  templates: TemplateIds;
  texts: TextSender;
  logger: Logger;
}

/** Which reply a danger kind gets (what to do while help comes). */
function careFor(kind: DangerKind | undefined): EmergencyCare {
  switch (kind) {
    case 'fall':
    case 'fire':
    case 'gas':
    case 'intruder':
    case 'despair':
    case 'missing':
    case 'trapped':
      return kind;
    default:
      return 'medical';
  }
}

/**
 * The bot's care for the person behind the message: emergencies raised at once when clear, asked about when not
 * (and raised anyway when no answer comes: `raiseUnanswered`, run by the emergency-checks job), and loneliness
 * answered kindly, with a quiet note to the centre for a senior who lives alone.
 */
export class BotSafety {
  constructor(private readonly deps: BotSafetyDeps) {}

  /** A clear emergency: alerts go out now for every senior it may be about; the reply says who was told. */
  async raise(s: Speaker, targets: Senior[], said: string, kind: DangerKind | undefined): Promise<SafetyStep> {
    let family: string[] = [];
    let phone = '';
    for (const senior of targets) {
      const raised = await this.deps.emergencies.raise({ senior, raisedByAccountId: s.actor!.accountId, channel: 'mp_chat', message: said });
      for (const n of familyReached(raised)) if (!family.includes(n)) family.push(n);
      phone ||= raised.centrePhone;
    }
    family = family.slice(0, 3);
    const centre = await this.centreOf(targets[0]);
    const forOther = targets.length > 0 && targets.every((t) => t.id !== s.self?.id);
    const reply = forOther
      ? BOT.emergencyForOther(targets.map((t) => t.name).join('、'), family, centre, phone)
      : BOT.emergency(careFor(kind), family, centre, phone);
    return { reply, intent: 'emergency', pending: null, seniorId: targets[0]?.id ?? null };
  }

  /** Not sure: one question, with help one word away; the check row waits for the answer (or the job). */
  async ask(s: Speaker, senior: Senior, said: string): Promise<SafetyStep> {
    const now = this.deps.clock.now();
    const check = await this.deps.checks.insert({
      seniorId: senior.id,
      accountId: s.actor!.accountId,
      openid: s.openid,
      message: [...said].slice(0, 500).join(''),
      status: 'waiting',
      askedAt: now,
      dueAt: new Date(now.getTime() + CHECK_WAIT_MS),
      settledAt: null,
      alertId: null,
    });
    return {
      reply: BOT.askEmergency(await this.centreOf(senior)),
      intent: 'emergency_ask',
      pending: { kind: 'check_emergency', seniorId: senior.id, checkId: check.id },
      seniorId: senior.id,
    };
  }

  /**
   * The answer to "是不是出事了？": 1 (or yes, or any sign of trouble) raises the alert now; 2 (or no) settles it;
   * a new, concrete request means they are all right (null: answer that request). Anything else is not a no:
   * the alert goes out.
   */
  async answer(s: Speaker, p: Extract<Pending, { kind: 'check_emergency' }>, u: Understanding, said: string): Promise<SafetyStep | null> {
    const now = this.deps.clock.now();
    const check = await this.deps.checks.findById(p.checkId);
    const senior = await this.deps.seniors.findById(p.seniorId);
    if (!check || !senior) return null;
    if (check.status !== 'waiting') {
      if (check.status === 'not_needed') return null;
      return { reply: BOT.emergencyAlreadyTold(await this.centreOf(senior)), intent: 'emergency_told', pending: null, seniorId: senior.id };
    }
    const yes = u.intent === 'confirm' || (u.intent === 'choose' && u.choice === 1) || u.intent === 'emergency';
    const no = u.intent === 'deny' || (u.intent === 'choose' && u.choice === 2) || u.intent === 'small_talk' || (u.intent === 'cancel' && !u.date && !u.meal);
    if (no && !yes) {
      if (!(await this.deps.checks.settle(check.id, 'not_needed', now))) return this.answer(s, p, u, said);
      return { reply: BOT.emergencyNot, intent: 'emergency_not', pending: null, seniorId: senior.id };
    }
    if (!yes && u.intent !== 'unknown' && u.intent !== 'help' && u.intent !== 'lonely') {
      // They asked for something else: they can write, so they are all right. Answer that.
      await this.deps.checks.settle(check.id, 'not_needed', now);
      return null;
    }
    if (!(await this.deps.checks.settle(check.id, 'raised', now))) return this.answer(s, p, u, said);
    const step = await this.raise(s, [senior], `${check.message}｜${said}`, u.danger);
    return step;
  }

  /**
   * The emergency-checks job: every check nobody answered by its due time raises the alert anyway, and the
   * senior is told (customer-service message) who was told. Each check is claimed by a conditional UPDATE
   * before anything is sent, so it is acted on once whatever the instances and reruns. Returns how many.
   */
  async raiseUnanswered(batch = 50): Promise<number> {
    const now = this.deps.clock.now();
    let raised = 0;
    for (;;) {
      const due = await this.deps.checks.dueBy(now, batch);
      for (const check of due) {
        if (!(await this.deps.checks.settle(check.id, 'raised_unanswered', now))) continue;
        raised++;
        try {
          const senior = await this.deps.seniors.findById(check.seniorId);
          if (!senior) throw new Error(`senior ${check.seniorId} of emergency check ${check.id} not found`);
          const alert = await this.deps.emergencies.raise({ senior, raisedByAccountId: check.accountId, channel: 'mp_chat', message: check.message });
          await this.deps.checks.recordAlert(check.id, alert.alertId);
          const text = BOT.emergencyUnanswered(familyReached(alert).slice(0, 3), await this.centreOf(senior), alert.centrePhone);
          await this.deps.texts
            .sendText(check.openid, text)
            .catch((err: unknown) => this.deps.logger.warn({ err, checkId: check.id }, 'could not tell the senior'));
        } catch (err) {
          this.deps.logger.error({ err, checkId: check.id }, 'unanswered emergency check could not be raised');
        }
      }
      if (due.length < batch) return raised;
    }
  }

  /** Loneliness: a kind answer with a call one word away; for a senior who lives alone, a quiet note to staff. */
  async lonely(s: Speaker, senior: Senior, said: string): Promise<SafetyStep> {
    const now = this.deps.clock.now();
    if (senior.categories.includes('living_alone') && senior.homeCentreId !== null) {
      const noted = await this.deps.inbound.countSince(s.openid, 'lonely', new Date(now.getTime() - LONELY_NOTE_EVERY_MS));
      if (noted === 0) await this.toStaff(senior, CHAT_NOTICE_TEXTS.lonely(senior.name), said);
    }
    return { reply: BOT.lonely(await this.centreOf(senior)), intent: 'lonely', pending: { kind: 'lonely', seniorId: senior.id }, seniorId: senior.id };
  }

  /** "1" after the loneliness answer: the centre is asked to call. */
  async callRequested(senior: Senior): Promise<SafetyStep> {
    await this.toStaff(senior, CHAT_NOTICE_TEXTS.wantsCall(senior.name), CHAT_NOTICE_TEXTS.callBack);
    return { reply: BOT.lonelyCallAsked(await this.centreOf(senior)), intent: 'lonely_call', pending: null, seniorId: senior.id };
  }

  private async toStaff(senior: Senior, what: string, said: string): Promise<void> {
    if (senior.homeCentreId === null) return;
    const staff = await this.deps.accounts.staffOf(senior.homeCentreId);
    const notice = { templates: this.deps.templates.staffMessage, data: { thing1: what, thing2: said.trim() }, page: MINI_PAGES.conversation(senior.id) };
    await Promise.all(staff.map((a) => this.deps.notifier.notify(a, notice)));
  }

  /** The senior's centre by the name they know it by ("嘉新站"), or a plain word when there is none. */
  private async centreOf(senior: Senior | undefined): Promise<string> {
    const centre: Centre | null = senior?.homeCentreId ? await this.deps.centres.load(senior.homeCentreId) : null;
    return centre ? centreShortName(centre.name) : '工作人员';
  }
}

/** The family members an alert reached, as the senior knows them ("女儿"): the raised list starts with them. */
function familyReached(raised: RaisedAlert): string[] {
  const n = raised.outcomes.filter((o) => o.role === 'family' && (o.outcome === 'subscribe' || o.outcome === 'template')).length;
  return raised.notified.slice(0, n);
}
