import type { Logger } from 'pino';
import type { Senior } from '../../../entities';
import { MENU_KEYS } from './mp-menu';
import { understand, type Intent, type Understanding } from '../../language/understand';
import { BOT, centreLine } from '../../words/bot';
import { CHAT_NOTICE_TEXTS, CONVERSATION_LOG_TEXTS } from '../../words/texts';
import type { Clock } from '../../lib/clock';
import type { AccountRepository } from '../../repositories/account.repository';
import type { BotConversationRepository } from '../../repositories/bot.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { TemplateIds } from '../../wechat-templates';
import { MINI_PAGES } from '../../wechat-templates';
import type { CatalogueService } from '../catalogue/catalogue.service';
import type { EmergencyService } from '../emergency/emergency.service';
import type { FamilyLinkService } from '../people/family-link.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import { BIND_SCENE_PREFIX } from '../people/wechat-binding.service';
import { senderOf, type BotAnswer, type Conversation, type InboundMessage } from './wechat-inbox.service';
import type { BotBookingFlow, Step, Turn } from './booking-flow';
import { pickSenior, type BotPeople, type Speaker } from './people';
import { isPending, PENDING_TTL_MS, type Pending } from './pending';

/** The numbered help menu: what each number does. */
const MENU_CHOICES: Intent[] = ['book_meal', 'book_bath', 'book_visit', 'my_bookings', 'cancel', 'nearby', 'human'];
const CLICKS: Record<string, Intent> = {
  [MENU_KEYS.bookMeal]: 'book_meal',
  [MENU_KEYS.myBookings]: 'my_bookings',
  [MENU_KEYS.help]: 'help',
  [MENU_KEYS.sos]: 'emergency',
};

export interface ChatBotDeps {
  clock: Clock;
  conversations: BotConversationRepository;
  accounts: AccountRepository;
  centres: CentreRepository;
  catalogue: CatalogueService;
  booking: BotBookingFlow;
  people: BotPeople;
  familyLinks: FamilyLinkService;
  emergencies: EmergencyService;
  notifier: AccountNotifier;
  templates: TemplateIds;
  logger: Logger;
}

/**
 * The public account's conversation. Every message is understood (text, the voice recognition, menu clicks,
 * locations, QR scans), answered in at most six lines, and whatever the bot now waits for is saved in the database
 * with a 10-minute expiry, so the next message may land on any instance.
 */
export class ChatBot implements Conversation {
  constructor(private readonly deps: ChatBotDeps) {}

  /** Who is speaking and what is awaited from them, started by `prefetch` while the inbox claims the message. */
  private readonly prefetched = new WeakMap<InboundMessage, Promise<[Speaker, Record<string, unknown> | null]>>();

  prefetch(m: InboundMessage): void {
    const lookups = this.lookups(senderOf(m), this.deps.clock.now());
    // reply() awaits it (and sees any error); a retry, which gets no reply, must not leave a rejection unhandled.
    lookups.catch(() => undefined);
    this.prefetched.set(m, lookups);
  }

  private lookups(openid: string, now: Date): Promise<[Speaker, Record<string, unknown> | null]> {
    return Promise.all([this.deps.people.speaker(openid), this.deps.conversations.pending(openid, now)]);
  }

  async reply(m: InboundMessage): Promise<BotAnswer> {
    const openid = senderOf(m);
    const now = this.deps.clock.now();
    const [speaker, stored] = await (this.prefetched.get(m) ?? this.lookups(openid, now));
    this.prefetched.delete(m);
    const pending = isPending(stored) ? (stored as Pending) : null;
    const answer = await this.answer(m, speaker, pending, now);
    const next = answer.pending;
    // The next step is saved while the inbox records the reply (BotAnswer.saving): both finish before WeChat is
    // answered, so the senior's next message finds it.
    const saving = next !== undefined && (next !== null || pending !== null) ? this.deps.conversations.set(openid, next, now, PENDING_TTL_MS) : undefined;
    saving?.catch(() => undefined);
    return {
      reply: answer.reply,
      intent: answer.intent,
      accountId: speaker.account?.id ?? answer.accountId ?? null,
      seniorId: answer.seniorId ?? null,
      saving,
    };
  }

  /** `pending: undefined` leaves what is awaited as it is; null clears it. */
  private async answer(
    m: InboundMessage,
    s: Speaker,
    pending: Pending | null,
    now: Date,
  ): Promise<{ reply: string; intent: string; pending?: Pending | null; seniorId?: number | null; accountId?: number | null }> {
    const defaultSenior = s.self?.id ?? (s.linked.length === 1 ? s.linked[0].id : null);
    // ---- events ----
    if (m.MsgType === 'event') {
      const event = String(m.Event ?? '');
      const key = String(m.EventKey ?? '');
      if (event === 'subscribe' || event === 'SCAN') {
        const scene = event === 'subscribe' ? key.replace(/^qrscene_/, '') : key;
        if (scene.startsWith(BIND_SCENE_PREFIX)) return this.deps.people.bindByScene(s.openid, scene);
        if (s.actor)
          return { reply: BOT.welcomeBound(s.self?.name ?? s.account!.displayName), intent: 'welcome', pending: { kind: 'menu' }, seniorId: defaultSenior };
        return { reply: BOT.welcomeUnbound, intent: 'welcome' };
      }
      if (event === 'unsubscribe') return { reply: '', intent: 'unsubscribe', pending: null, seniorId: defaultSenior };
      if (event === 'CLICK' && CLICKS[key])
        return this.understood(s, { intent: CLICKS[key], normalized: key }, CONVERSATION_LOG_TEXTS.menuClick(key), pending, now);
      // location_select is followed by the location message itself; VIEW opens a page. Nothing to say to either.
      return { reply: '', intent: `event:${event}`.slice(0, 32) };
    }
    // ---- messages ----
    if (m.MsgType === 'location') {
      const lat = Number(m.Location_X);
      const lng = Number(m.Location_Y);
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return { reply: BOT.unsupported, intent: 'unsupported' };
      return { ...(await this.nearby(lat, lng)), pending: null, seniorId: defaultSenior };
    }
    let said: string;
    if (m.MsgType === 'text') said = String(m.Content ?? '');
    else if (m.MsgType === 'voice') {
      said = String(m.Recognition ?? '');
      if (said.trim() === '') return { reply: BOT.voiceUnclear, intent: 'voice_unclear', seniorId: defaultSenior };
    } else return { reply: BOT.unsupported, intent: 'unsupported', seniorId: defaultSenior };
    const u = understand(said, now);
    return this.understood(s, u, said, pending, now);
  }

  private async understood(
    s: Speaker,
    u: Understanding,
    said: string,
    pending: Pending | null,
    now: Date,
  ): Promise<{ reply: string; intent: string; pending?: Pending | null; seniorId?: number | null; accountId?: number | null }> {
    const defaultSenior = s.self?.id ?? (s.linked.length === 1 ? s.linked[0].id : null);
    // ---- not bound yet: codes, help in an emergency, and how to bind ----
    if (!s.actor || (!s.self && s.linked.length === 0)) {
      if (u.intent === 'code' && u.code) return this.deps.people.redeemCode(s, u.code, now);
      if (u.intent === 'emergency') return { reply: BOT.emergencyUnbound, intent: 'emergency', pending: null };
      return { reply: s.actor ? BOT.needBinding : BOT.welcomeUnbound, intent: `unbound:${u.intent}`.slice(0, 32), pending: null };
    }
    const actor = s.actor;
    const turnFor = (senior: Senior): Turn => ({ now, actor, senior, forOther: s.self?.id !== senior.id });
    const withSenior = async (id: number, run: (t: Turn) => Promise<Step>) => {
      const senior = id === s.self?.id ? s.self : s.linked.find((x) => x.id === id);
      if (!senior) return { reply: BOT.offerGone, intent: 'stale', pending: null, seniorId: null };
      const step = await run(turnFor(senior));
      return { ...step, seniorId: senior.id };
    };

    // ---- emergencies come first, whatever was pending ----
    if (u.intent === 'emergency') return this.emergency(s, u, said);

    // ---- an answer to what was asked ----
    if (pending) {
      const answered = await this.answerPending(s, u, said, pending, withSenior);
      if (answered) return answered;
    }

    // ---- a new request ----
    if (u.intent === 'code' && u.code) return this.deps.people.redeemCode(s, u.code, now);
    if (u.intent === 'help' || u.intent === 'unknown' || u.intent === 'choose' || u.intent === 'confirm' || u.intent === 'deny') {
      const reply = u.intent === 'unknown' && said.trim() !== '' ? BOT.notUnderstood([...said.trim()].slice(0, 12).join('')) : BOT.help;
      return { reply, intent: u.intent, pending: { kind: 'menu' }, seniorId: defaultSenior };
    }
    if (u.intent === 'family_code') {
      if (!s.self) return { reply: BOT.familyCodeOnlySenior, intent: 'family_code', pending: null, seniorId: defaultSenior };
      const issued = await this.deps.familyLinks.issueCode(actor, s.self.id);
      return { reply: BOT.familyCode(issued.code), intent: 'family_code', pending: null, seniorId: s.self.id };
    }
    if (u.intent === 'nearby') {
      const senior = pickSenior(s, u);
      const at = senior && 'id' in senior ? senior : s.self;
      if (!at || at.latitude === null || at.longitude === null) return { reply: BOT.askLocation, intent: 'nearby', pending: null, seniorId: defaultSenior };
      return { ...(await this.nearby(at.latitude, at.longitude)), pending: null, seniorId: at.id };
    }

    const who = pickSenior(s, u);
    if (who === null) return { reply: BOT.noSeniorMatch(u.forWhom ?? ''), intent: u.intent, pending: null, seniorId: defaultSenior };
    if (Array.isArray(who)) {
      const { normalized: _n, ...then } = u;
      return {
        reply: BOT.whichSenior(who.map((x) => x.name)),
        intent: u.intent,
        pending: { kind: 'pick_senior', seniorIds: who.map((x) => x.id), then },
        seniorId: null,
      };
    }
    return withSenior(who.id, (t) => this.request(t, u, said));
  }

  /** A request about one senior. */
  private async request(t: Turn, u: Understanding, said: string): Promise<Step> {
    switch (u.intent) {
      case 'book_meal':
        return this.deps.booking.bookMeal(t, u);
      case 'book_bath':
        return this.deps.booking.listService(t, 'bath', undefined);
      case 'book_visit':
        return this.deps.booking.listService(t, 'home_visit', u.visitKind);
      case 'menu':
        return this.deps.booking.menu(t, u);
      case 'my_bookings':
        return this.deps.booking.myBookings(t);
      case 'cancel':
        return this.deps.booking.cancel(t, u);
      case 'pay_by_family':
        return this.deps.booking.askFamilyToPay(t, undefined);
      case 'rate':
        return u.score !== undefined ? this.deps.booking.rate(t, u.score) : { reply: BOT.rateWhich, pending: null, intent: 'rate' };
      case 'human':
        return this.toStaff(t);
      default:
        return { reply: BOT.notUnderstood([...said.trim()].slice(0, 12).join('')), pending: { kind: 'menu' }, intent: u.intent };
    }
  }

  /** The reply to an open question, or null when the message is something else (then it is a new request). */
  private async answerPending(
    s: Speaker,
    u: Understanding,
    said: string,
    p: Pending,
    withSenior: (id: number, run: (t: Turn) => Promise<Step>) => Promise<{ reply: string; intent: string; pending: Pending | null; seniorId: number | null }>,
  ): Promise<{ reply: string; intent: string; pending: Pending | null; seniorId: number | null } | null> {
    const yes = u.intent === 'confirm' || (u.intent === 'choose' && u.choice === 1);
    // "取消"/"不要了" while a question is open means "no" to it, not "cancel a booking".
    const no = u.intent === 'deny' || (u.intent === 'choose' && u.choice === 2) || (u.intent === 'cancel' && !u.date && !u.meal && u.choice === undefined);
    const pick = u.intent === 'choose' ? u.choice : undefined;
    switch (p.kind) {
      case 'menu': {
        if (pick === undefined) return null;
        const intent = MENU_CHOICES[pick - 1];
        if (!intent) return { reply: BOT.pickNumber(MENU_CHOICES.length), intent: 'choose', pending: p, seniorId: null };
        const next = await this.understood(s, { intent, normalized: said }, said, null, this.deps.clock.now());
        return { reply: next.reply, intent: next.intent, pending: next.pending ?? null, seniorId: next.seniorId ?? null };
      }
      case 'pick_senior': {
        if (pick === undefined) return null;
        const id = p.seniorIds[pick - 1];
        if (id === undefined) return { reply: BOT.pickNumber(p.seniorIds.length), intent: 'choose', pending: p, seniorId: null };
        return withSenior(id, (t) => this.request(t, { ...p.then, normalized: said }, said));
      }
      case 'pick_slot': {
        if (pick === undefined) return null;
        const id = p.slotIds[pick - 1];
        if (id === undefined) return { reply: BOT.pickNumber(p.slotIds.length), intent: 'choose', pending: p, seniorId: p.seniorId };
        return withSenior(p.seniorId, (t) => this.deps.booking.pickSlot(t, id));
      }
      case 'confirm_booking': {
        if (yes) return withSenior(p.seniorId, (t) => this.deps.booking.confirm(t, p));
        if (no) return { reply: BOT.notBooked, intent: 'deny', pending: null, seniorId: p.seniorId };
        if (pick !== undefined) return { reply: BOT.confirmOrNot, intent: 'choose', pending: p, seniorId: p.seniorId };
        return null;
      }
      case 'after_booking': {
        if (u.intent === 'pay_by_family') return withSenior(p.seniorId, (t) => this.deps.booking.askFamilyToPay(t, p.bookingId));
        return null;
      }
      case 'pick_cancel': {
        if (no && u.intent !== 'choose') return { reply: BOT.keptBooking, intent: 'deny', pending: null, seniorId: p.seniorId };
        if (pick === undefined) return null;
        const id = p.bookingIds[pick - 1];
        if (id === undefined) return { reply: BOT.pickNumber(p.bookingIds.length), intent: 'choose', pending: p, seniorId: p.seniorId };
        return withSenior(p.seniorId, (t) => this.deps.booking.doCancel(t, id));
      }
      case 'confirm_cancel': {
        if (yes) return withSenior(p.seniorId, (t) => this.deps.booking.doCancel(t, p.bookingId));
        if (no) return { reply: BOT.keptBooking, intent: 'deny', pending: null, seniorId: p.seniorId };
        return null;
      }
      case 'rate': {
        const score = u.score ?? (pick !== undefined && pick >= 1 && pick <= 5 ? pick : undefined);
        if (score === undefined) return u.intent === 'rate' ? { reply: BOT.rateWhich, intent: 'rate', pending: p, seniorId: p.seniorId } : null;
        return withSenior(p.seniorId, (t) => this.deps.booking.rate(t, score, p.bookingId));
      }
      case 'to_staff': {
        if (said.trim() === '' || u.intent === 'help') return null;
        return withSenior(p.seniorId, (t) => this.forwardToStaff(t, said));
      }
    }
  }

  // ---- help and safety ----

  private async emergency(s: Speaker, u: Understanding, said: string): Promise<{ reply: string; intent: string; pending: null; seniorId: number | null }> {
    // Never a question first: the seniors named, or else every senior this person speaks for, get an alert now.
    const who = pickSenior(s, u);
    const targets = who === null ? [...(s.self ? [s.self] : []), ...s.linked] : Array.isArray(who) ? who : [who];
    const notified: string[] = [];
    let phone = '';
    for (const senior of targets) {
      const raised = await this.deps.emergencies.raise({ senior, raisedByAccountId: s.actor!.accountId, channel: 'mp_chat', message: said });
      for (const n of raised.notified) if (!notified.includes(n)) notified.push(n);
      phone ||= raised.centrePhone;
    }
    const forOther = targets.length > 0 && targets.every((t) => t.id !== s.self?.id);
    const reply = forOther ? BOT.emergencyForOther(targets.map((t) => t.name).join('、'), notified, phone) : BOT.emergency(notified, phone);
    return { reply, intent: 'emergency', pending: null, seniorId: targets[0]?.id ?? null };
  }

  private async nearby(lat: number, lng: number): Promise<{ reply: string; intent: string }> {
    const within = await this.deps.catalogue.nearbyCentres({ latitude: lat, longitude: lng, withinMinutes: 10 });
    const list = within.length > 0 ? within : (await this.deps.catalogue.nearbyCentres({ latitude: lat, longitude: lng })).slice(0, 3);
    if (list.length === 0) return { reply: BOT.noCentres, intent: 'nearby' };
    const lines = list.slice(0, 3).map((c, i) => centreLine(i + 1, c));
    return { reply: BOT.nearby(lines, within.length > 0), intent: 'nearby' };
  }

  private async toStaff(t: Turn): Promise<Step> {
    const centre = t.senior.homeCentreId !== null ? await this.deps.centres.load(t.senior.homeCentreId) : null;
    if (!centre) return { reply: BOT.noStaffCentre, pending: null, intent: 'human' };
    return { reply: BOT.toStaff(centre.name, centre.phone), pending: { kind: 'to_staff', seniorId: t.senior.id }, intent: 'human' };
  }

  private async forwardToStaff(t: Turn, said: string): Promise<Step> {
    const staff = t.senior.homeCentreId !== null ? await this.deps.accounts.staffOf(t.senior.homeCentreId) : [];
    const notice = {
      templates: this.deps.templates.staffMessage,
      data: { thing1: CHAT_NOTICE_TEXTS.messageFrom(t.senior.name, t.forOther), thing2: said.trim() },
      page: MINI_PAGES.conversation(t.senior.id),
    };
    const outcomes = await Promise.all(staff.map((a) => this.deps.notifier.notify(a, notice)));
    if (!outcomes.some((o) => o === 'subscribe' || o === 'template'))
      this.deps.logger.warn({ seniorId: t.senior.id }, 'message for staff reached nobody; it is in the conversation log');
    return { reply: BOT.toStaffSent, pending: null, intent: 'to_staff' };
  }
}
