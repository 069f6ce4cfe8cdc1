import type { Logger } from 'pino';
import type { Senior } from '../../../entities';
import { smallTalkKind } from '../../language/cues';
import { understand, type Intent, type Understanding } from '../../language/understand';
import { BOT, centreShortName, dayWords, personName } from '../../words/bot';
import { CONVERSATION_LOG_TEXTS } from '../../words/texts';
import type { Clock } from '../../lib/clock';
import { addDays, isoWeekday, shanghaiDate } from '../../lib/time';
import type { BotConversationRepository } from '../../repositories/bot.repository';
import type { VisitService } from '../care/visit.service';
import type { CatalogueService } from '../catalogue/catalogue.service';
import type { FamilyLinkService } from '../people/family-link.service';
import { BIND_SCENE_PREFIX } from '../people/wechat-binding.service';
import { MENU_KEYS } from './mp-menu';
import { senderOf, type BotAnswer, type Conversation, type InboundMessage } from './wechat-inbox.service';
import type { BotBookingFlow, Step, Turn } from './booking-flow';
import type { ChatHandoverService } from './handover.service';
import { pickSenior, type BotPeople, type Speaker } from './people';
import { isPending, ttlOf, type Pending } from './pending';
import type { BotSafety } from './safety';

/** What the numbers of the help menu do (BOT.help reads them out). */
const HELP_CHOICES: Intent[] = ['book_meal', 'book_bath', 'book_visit', 'my_bookings', 'human'];
/** What the three numbers of the not-understood answer do (BOT.notUnderstood). */
const NOT_UNDERSTOOD_CHOICES: Intent[] = ['book_meal', 'my_bookings', 'human'];
/** A visit whose day has passed and that nobody has made yet is still to come: looked back this far for one. */
const VISIT_LOOKBACK_DAYS = 30;
const CLICKS: Record<string, Intent> = {
  [MENU_KEYS.bookMeal]: 'book_meal',
  [MENU_KEYS.myBookings]: 'my_bookings',
  [MENU_KEYS.help]: 'help',
  [MENU_KEYS.sos]: 'emergency',
};

type Answer = { reply: string; intent: string; pending?: Pending | null; seniorId?: number | null; accountId?: number | null };

export interface ChatBotDeps {
  clock: Clock;
  conversations: BotConversationRepository;
  catalogue: CatalogueService;
  booking: BotBookingFlow;
  people: BotPeople;
  familyLinks: FamilyLinkService;
  safety: BotSafety;
  handover: ChatHandoverService;
  /** 探访关爱: who is coming to see a senior, and when ("这周谁来看我"). */
  visits: Pick<VisitService, 'visitorsBetween'>;
  logger: Logger;
}

/**
 * The public account's conversation. Every message is understood (text, the voice recognition, menu clicks,
 * locations, QR scans) and answered in at most three short lines; whatever the bot now waits for is saved in the
 * database, so the next message may land on any instance.
 *
 * Safety first: an emergency is answered before anything that was pending (a clear one raises the alert at once,
 * an unsure one is asked about, with the centre told anyway if no answer comes), and a hand-over to a person never
 * swallows a request the bot can do itself.
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
    const saving =
      next !== undefined && (next !== null || pending !== null) ? this.deps.conversations.set(openid, next, now, next ? ttlOf(next) : 0) : undefined;
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
  private async answer(m: InboundMessage, s: Speaker, pending: Pending | null, now: Date): Promise<Answer> {
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
      if (event === 'CLICK' && CLICKS[key]) {
        // The SOS button is a clear call for help: it never waits for an answer.
        const u: Understanding =
          CLICKS[key] === 'emergency' ? { intent: 'emergency', sure: true, danger: 'call', normalized: key } : { intent: CLICKS[key], normalized: key };
        return this.understood(s, u, CONVERSATION_LOG_TEXTS.menuClick(key), pending, now);
      }
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
    return this.understood(s, understand(said, now), said, pending, now);
  }

  private async understood(s: Speaker, u: Understanding, said: string, pending: Pending | null, now: Date): Promise<Answer> {
    // ---- not bound yet: codes, help in an emergency, and how to bind ----
    if (!s.actor || (!s.self && s.linked.length === 0)) {
      if (u.intent === 'code' && u.code) return this.deps.people.redeemCode(s, u.code, now);
      if (u.intent === 'emergency') return { reply: BOT.emergencyUnbound, intent: 'emergency', pending: null };
      return { reply: s.actor ? BOT.needBinding : BOT.welcomeUnbound, intent: `unbound:${u.intent}`.slice(0, 32), pending: null };
    }
    const actor = s.actor;
    const seniorById = (id: number) => (id === s.self?.id ? s.self : s.linked.find((x) => x.id === id));
    const turnFor = (senior: Senior): Turn => ({ now, actor, senior, forOther: s.self?.id !== senior.id });
    const withSenior = async (id: number, run: (t: Turn) => Promise<Step>) => {
      const senior = seniorById(id);
      if (!senior) return { reply: BOT.offerGone, intent: 'stale', pending: null, seniorId: null };
      const step = await run(turnFor(senior));
      return { ...step, seniorId: senior.id };
    };

    // ---- emergencies come first, whatever was pending ----
    if (u.intent === 'emergency') {
      if (pending?.kind === 'check_emergency') {
        const answered = await this.deps.safety.answer(s, pending, u, said);
        if (answered) return answered;
      }
      if (pending?.kind === 'handover') await this.deps.handover.endQuietly(pending.handoverId, now);
      return this.emergency(s, u, said);
    }

    // ---- a person has the conversation: the bot only takes back what it does itself ----
    let back = false;
    const hadHandover = pending?.kind === 'handover';
    if (pending?.kind === 'handover') {
      const senior = seniorById(pending.seniorId);
      if (senior) {
        const d = await this.deps.handover.during(turnFor(senior), pending, u, said);
        if (d.kind === 'step') return { ...d.step, seniorId: senior.id };
        back = d.announce;
      }
      pending = null;
    }

    // ---- an answer to what was asked, else a new request ----
    const answered = pending ? await this.answerPending(s, u, said, pending, withSenior) : null;
    const result = answered ?? (await this.request(s, u, said, now, withSenior, pending !== null));
    if (back) result.reply = `${BOT.botBackBefore}${result.reply}`;
    // The hand-over's step is over whatever was answered: it must not catch the next message.
    if (hadHandover && result.pending === undefined) result.pending = null;
    return result;
  }

  /** A new request. `hadPending` clears what was awaited when the new request leaves nothing of its own. */
  private async request(
    s: Speaker,
    u: Understanding,
    said: string,
    now: Date,
    withSenior: (id: number, run: (t: Turn) => Promise<Step>) => Promise<Answer>,
    hadPending: boolean,
  ): Promise<Answer> {
    const defaultSenior = s.self?.id ?? (s.linked.length === 1 ? s.linked[0].id : null);
    switch (u.intent) {
      case 'code':
        if (u.code) return this.deps.people.redeemCode(s, u.code, now);
        break;
      case 'help':
      case 'choose':
      case 'confirm':
        return { reply: BOT.help, intent: u.intent, pending: { kind: 'menu', choices: HELP_CHOICES }, seniorId: defaultSenior };
      case 'unknown':
        return { reply: BOT.notUnderstood, intent: 'unknown', pending: { kind: 'menu', choices: NOT_UNDERSTOOD_CHOICES }, seniorId: defaultSenior };
      case 'deny':
        return { reply: BOT.denied, intent: 'deny', pending: hadPending ? null : undefined, seniorId: defaultSenior };
      case 'small_talk': {
        const kind = smallTalkKind(u.normalized);
        const reply = kind === 'thanks' ? BOT.thanks : kind === 'weather' ? BOT.weather : BOT.smallTalk;
        return { reply, intent: 'small_talk', pending: hadPending ? null : undefined, seniorId: defaultSenior };
      }
      case 'family_code': {
        if (!s.self) return { reply: BOT.familyCodeOnlySenior, intent: 'family_code', pending: null, seniorId: defaultSenior };
        const issued = await this.deps.familyLinks.issueCode(s.actor!, s.self.id);
        return { reply: BOT.familyCode(issued.code), intent: 'family_code', pending: null, seniorId: s.self.id };
      }
      case 'nearby': {
        const senior = pickSenior(s, u);
        const at = senior && 'id' in senior ? senior : s.self;
        if (!at || at.latitude === null || at.longitude === null) return { reply: BOT.askLocation, intent: 'nearby', pending: null, seniorId: defaultSenior };
        return { ...(await this.nearby(at.latitude, at.longitude)), pending: null, seniorId: at.id };
      }
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
    if (u.intent === 'lonely') return this.deps.safety.lonely(s, who, said);
    if (u.intent === 'human') return withSenior(who.id, (t) => this.deps.handover.start(t, s.openid));
    return withSenior(who.id, (t) => this.forSenior(t, u));
  }

  /** A request about one senior. */
  private async forSenior(t: Turn, u: Understanding): Promise<Step> {
    switch (u.intent) {
      case 'book_meal':
        return this.deps.booking.bookMeal(t, u);
      case 'book_bath':
        return this.deps.booking.listService(t, 'bath', undefined);
      case 'book_visit':
        return this.deps.booking.listService(t, 'home_visit', u.visitKind);
      case 'menu':
        return this.deps.booking.menu(t, u);
      case 'price':
        return this.deps.booking.price(t, u);
      case 'my_bookings':
        return this.deps.booking.myBookings(t);
      case 'cancel':
        return this.deps.booking.cancel(t, u);
      case 'pay_by_family':
        return this.deps.booking.askFamilyToPay(t, undefined);
      case 'rate':
        return u.score !== undefined ? this.deps.booking.rate(t, u.score) : { reply: BOT.rateWhich, pending: null, intent: 'rate' };
      case 'who_visits':
        return this.visitors(t);
      default:
        return { reply: BOT.notUnderstood, pending: { kind: 'menu', choices: NOT_UNDERSTOOD_CHOICES }, intent: u.intent };
    }
  }

  /**
   * "这周谁来看我": the visits still to come for the senior, from one already due (and not yet made) to the end of
   * next week, soonest first, and who is to come — the staff member by name, or the paired volunteer.
   */
  private async visitors(t: Turn): Promise<Step> {
    const today = shanghaiDate(t.now);
    const endOfNextWeek = addDays(today, 14 - isoWeekday(today));
    const planned = await this.deps.visits.visitorsBetween(t.senior.id, addDays(today, -VISIT_LOOKBACK_DAYS), endOfNextWeek);
    const coming = planned.filter((v) => v.status === 'due').slice(0, 2);
    const whom = t.forOther ? t.senior.name : null;
    if (coming.length === 0) return { reply: BOT.noVisitorsComing(whom), pending: null, intent: 'who_visits' };
    const day = (date: string) => (date < today ? BOT.visitDueNow : dayWords(date, today, addDays(today, 1), addDays(today, 2)));
    return {
      reply: BOT.visitorsComing(
        whom,
        coming.map((v) => ({ day: day(v.dueOn), name: personName(v.assignee.name) || BOT.someVisitor })),
      ),
      pending: null,
      intent: 'who_visits',
    };
  }

  /** The reply to an open question, or null when the message is something else (then it is a new request). */
  private async answerPending(
    s: Speaker,
    u: Understanding,
    said: string,
    p: Pending,
    withSenior: (id: number, run: (t: Turn) => Promise<Step>) => Promise<Answer>,
  ): Promise<Answer | null> {
    const yes = u.intent === 'confirm' || (u.intent === 'choose' && u.choice === 1);
    // "取消"/"不要了" while a question is open means "no" to it, not "cancel a booking".
    const no = u.intent === 'deny' || (u.intent === 'choose' && u.choice === 2) || (u.intent === 'cancel' && !u.date && !u.meal && u.choice === undefined);
    const pick = u.intent === 'choose' ? u.choice : undefined;
    switch (p.kind) {
      case 'menu': {
        if (pick === undefined) return null;
        const choices = p.choices ?? HELP_CHOICES;
        const intent = choices[pick - 1];
        if (!intent) return { reply: BOT.pickNumber(choices.length), intent: 'choose', pending: p, seniorId: null };
        return this.understood(s, { intent, normalized: said }, said, null, this.deps.clock.now());
      }
      case 'pick_senior': {
        if (pick === undefined) return null;
        const id = p.seniorIds[pick - 1];
        if (id === undefined) return { reply: BOT.pickNumber(p.seniorIds.length), intent: 'choose', pending: p, seniorId: null };
        const then: Understanding = { ...p.then, normalized: said };
        const senior = s.self?.id === id ? s.self : s.linked.find((x) => x.id === id);
        if (senior && then.intent === 'lonely') return this.deps.safety.lonely(s, senior, said);
        if (senior && then.intent === 'human') return withSenior(id, (t) => this.deps.handover.start(t, s.openid));
        return withSenior(id, (t) => this.forSenior(t, then));
      }
      case 'pick_slot': {
        if (pick === undefined) return null;
        const id = p.slotIds[pick - 1];
        if (id === undefined) return { reply: BOT.pickNumber(p.slotIds.length), intent: 'choose', pending: p, seniorId: p.seniorId };
        return withSenior(p.seniorId, (t) => this.deps.booking.pickSlot(t, id));
      }
      case 'pick_mode': {
        if (pick !== undefined && pick >= 1 && pick <= p.modes.length) return withSenior(p.seniorId, (t) => this.deps.booking.pickMode(t, p, pick));
        if (pick !== undefined) return { reply: BOT.pickNumber(p.modes.length), intent: 'choose', pending: p, seniorId: p.seniorId };
        if (u.delivery && p.modes.includes(u.delivery))
          return withSenior(p.seniorId, (t) => this.deps.booking.pickMode(t, p, p.modes.indexOf(u.delivery!) + 1));
        if (no) return { reply: BOT.notBooked, intent: 'deny', pending: null, seniorId: p.seniorId };
        return null;
      }
      case 'confirm_booking': {
        if (yes) return withSenior(p.seniorId, (t) => this.deps.booking.confirm(t, p));
        // "不对，是后天": the same offer again, for the day meant.
        if (u.date && (no || u.intent === 'book_meal')) return withSenior(p.seniorId, (t) => this.deps.booking.reoffer(t, p, u.date!));
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
      case 'check_emergency':
        return this.deps.safety.answer(s, p, u, said);
      case 'lonely': {
        const senior = s.self?.id === p.seniorId ? s.self : s.linked.find((x) => x.id === p.seniorId);
        if (senior && (yes || u.intent === 'human')) return this.deps.safety.callRequested(senior);
        return null;
      }
      case 'handover':
        return null;
    }
  }

  // ---- help and safety ----

  /** Never a question first for a clear one; an unsure one is asked about once (see BotSafety). */
  private async emergency(s: Speaker, u: Understanding, said: string): Promise<Answer> {
    const who = pickSenior(s, u);
    const targets = who === null ? [...(s.self ? [s.self] : []), ...s.linked] : Array.isArray(who) ? who : [who];
    if (targets.length === 0) return { reply: BOT.emergencyUnbound, intent: 'emergency', pending: null };
    if (u.sure === false) return this.deps.safety.ask(s, targets[0], said);
    return this.deps.safety.raise(s, targets, said, u.danger);
  }

  private async nearby(lat: number, lng: number): Promise<{ reply: string; intent: string }> {
    const within = await this.deps.catalogue.nearbyCentres({ latitude: lat, longitude: lng, withinMinutes: 10 });
    const [c] = within.length > 0 ? within : await this.deps.catalogue.nearbyCentres({ latitude: lat, longitude: lng });
    if (!c) return { reply: BOT.noCentres, intent: 'nearby' };
    return { reply: BOT.nearby(centreShortName(c.name), c.walkingMinutes ?? 0, c.hours, c.phone, within.length > 0), intent: 'nearby' };
  }
}
