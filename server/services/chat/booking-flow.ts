import { randomUUID } from 'node:crypto';
import type { DeliveryMode, Senior, ServiceCategory, ServiceKind } from '../../../entities';
import type { Understanding } from '../../language/understand';
import { BOT, dayShort, dayWords, KIND_WORDS, MODE_WORDS, SERVICE_WORDS, serviceWhat } from '../../words/bot';
import { yuan } from '../../words/pricing';
import { dishForChat } from '../../words/menus';
import { BOOKING_TEXTS, CHAT_NOTICE_TEXTS } from '../../words/texts';
import { AppError } from '../../errors';
import { addDays, shanghaiDate, shanghaiTime } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { TemplateIds } from '../../wechat-templates';
import { MINI_PAGES } from '../../wechat-templates';
import type { Actor } from '../access/actor';
import type { BookingLifecycleService } from '../booking/booking-lifecycle.service';
import type { BookingReaderService } from '../booking/booking-reader.service';
import type { BookingView } from '../booking/booking-view';
import type { BookingService } from '../booking/booking.service';
import type { CatalogueService, SlotView } from '../catalogue/catalogue.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import type { PaymentService } from '../payment/payment.service';
import type { Pending } from './pending';

/** One message being answered: who speaks, about which senior, when. */
export interface Turn {
  now: Date;
  actor: Actor;
  senior: Senior;
  /** The speaker is a family member acting for the senior (replies name the senior). */
  forOther: boolean;
}

/** What a step of the conversation produces: the reply, what is now awaited (null: nothing), the intent logged. */
export interface Step {
  reply: string;
  pending: Pending | null;
  intent: string;
}

const VISIT_KINDS: ServiceKind[] = ['cleaning', 'escort', 'nursing', 'haircut'];
const DEFAULT_MEALS: ServiceKind[] = ['lunch', 'dinner'];
/** How far ahead the bot looks for a free bath or home-visit time. */
const SERVICE_HORIZON_DAYS = 13;
/** How far ahead "订饭" with no day looks for the next meal that can still be booked. */
const MEAL_HORIZON_DAYS = 2;
/** Ways of eating a meal, in the order the bot reads them out when it has to ask. */
const MEAL_MODES: DeliveryMode[] = ['delivery', 'pick_up', 'dine_in'];

export interface BotBookingFlowDeps {
  catalogue: CatalogueService;
  bookings: BookingService;
  lifecycle: BookingLifecycleService;
  reader: BookingReaderService;
  bookingRows: BookingRepository;
  payments: PaymentService;
  centres: CentreRepository;
  links: FamilyLinkRepository;
  notifier: AccountNotifier;
  templates: TemplateIds;
}

/**
 * The booking side of the chat: offers with the engine's own quote, confirmation, payment link, my bookings,
 * cancel, menus, prices and ratings. Prices and rules come only from the booking services; nothing is recomputed
 * here. Nothing is chosen for the senior without saying so: the way of eating is what they said, or what they
 * chose last time (and the offer says so), or the one question asked before the offer.
 */
export class BotBookingFlow {
  constructor(private readonly deps: BotBookingFlowDeps) {}

  // ---- offering ----

  async bookMeal(t: Turn, u: Understanding): Promise<Step> {
    const meals: ServiceKind[] = u.meal ? [u.meal] : DEFAULT_MEALS;
    const quantity = u.quantity ?? 1;
    const today = shanghaiDate(t.now);
    const from = u.date ?? today;
    const to = u.date ?? addDays(today, MEAL_HORIZON_DAYS);
    const centreIds = await this.centresFor(t.senior, 'meal');
    if (centreIds.length === 0) return { reply: BOT.noHomeCentre, pending: null, intent: 'book_meal' };
    const slot = await this.firstFree(centreIds, 'meal', meals, from, to, quantity);
    const mealWord = u.meal ? KIND_WORDS[u.meal] : SERVICE_WORDS.meal;
    if (!slot) return { reply: BOT.noMealSlot(u.date ? this.day(u.date, t.now) : null, mealWord), pending: null, intent: 'book_meal' };
    return this.offerMeal(t, slot, quantity, u.delivery, (u.diet ?? []).join('，'), 'book_meal');
  }

  /** Baths and home visits: the next free times as a numbered list (three at most). */
  async listService(t: Turn, category: 'bath' | 'home_visit', kind: ServiceKind | undefined): Promise<Step> {
    const intent = category === 'bath' ? 'book_bath' : 'book_visit';
    const kinds = category === 'bath' ? (['bath'] as ServiceKind[]) : kind ? [kind] : VISIT_KINDS;
    const what = category === 'bath' ? SERVICE_WORDS.bath : kind ? KIND_WORDS[kind] : SERVICE_WORDS.home_visit;
    const found = await this.freeServiceSlots(t.senior, category, kinds, shanghaiDate(t.now), 3);
    if (found.length === 0) return { reply: BOT.noServiceSlot(what), pending: null, intent };
    const lines = found.map(
      (s) => `${this.dayShort(s.date, t.now)} ${s.start}${category === 'home_visit' && !kind ? ` ${KIND_WORDS[s.serviceItem.kind]}` : ''}`,
    );
    return {
      reply: BOT.slotList(t.forOther ? t.senior.name : null, what, lines),
      pending: { kind: 'pick_slot', seniorId: t.senior.id, slotIds: found.map((s) => s.id) },
      intent,
    };
  }

  async pickSlot(t: Turn, slotId: number): Promise<Step> {
    const slot = await this.deps.catalogue.slot(slotId).catch(() => null);
    if (!slot || !slot.bookable) return { reply: BOT.offerGone, pending: null, intent: 'pick_slot' };
    if (slot.serviceItem.category === 'meal') return this.offerMeal(t, slot, 1, undefined, '', 'pick_slot');
    const modes = slot.serviceItem.deliveryModes as DeliveryMode[];
    return this.offer(t, slot, 1, modes[0], null, '', 'pick_slot');
  }

  /**
   * "不对，是后天" to an offer: the same again for the day meant — the same meal, portions, way of eating and note
   * (a bath or a visit: its list from that day on is the next step, so it is listed again).
   */
  async reoffer(t: Turn, p: Extract<Pending, { kind: 'confirm_booking' }>, date: string): Promise<Step> {
    const slot = await this.deps.catalogue.slot(p.slotId).catch(() => null);
    if (!slot) return { reply: BOT.offerGone, pending: null, intent: 'reoffer' };
    if (slot.serviceItem.category !== 'meal') return this.listService(t, slot.serviceItem.category === 'bath' ? 'bath' : 'home_visit', slot.serviceItem.kind);
    const meal = slot.serviceItem.kind as Understanding['meal'];
    const delivery = MEAL_MODES.includes(p.deliveryMode) ? (p.deliveryMode as Understanding['delivery']) : undefined;
    return this.bookMeal(t, { intent: 'book_meal', normalized: '', date, meal, quantity: p.quantity, delivery, diet: p.note ? p.note.split('，') : undefined });
  }

  /** The answer to "怎么吃？回 1 送到家，2 自己来拿…". */
  async pickMode(t: Turn, p: Extract<Pending, { kind: 'pick_mode' }>, choice: number): Promise<Step> {
    const mode = p.modes[choice - 1];
    const slot = await this.deps.catalogue.slot(p.slotId).catch(() => null);
    if (!slot || !slot.bookable || !mode) return { reply: BOT.offerGone, pending: null, intent: 'pick_mode' };
    return this.offer(t, slot, p.quantity, mode, MODE_WORDS[mode], p.note, 'pick_mode');
  }

  /** A meal: the way of eating they said, else the one they chose last time (said so), else ask first. */
  private async offerMeal(t: Turn, slot: SlotView, quantity: number, wanted: Understanding['delivery'], note: string, intent: string): Promise<Step> {
    const offered = slot.serviceItem.deliveryModes as DeliveryMode[];
    const modes = MEAL_MODES.filter((m) => offered.includes(m));
    if (wanted && modes.includes(wanted)) return this.offer(t, slot, quantity, wanted, MODE_WORDS[wanted], note, intent);
    if (!wanted) {
      const last = (await this.deps.bookingRows.lastMealOf(t.senior.id))?.deliveryMode;
      if (last && modes.includes(last)) return this.offer(t, slot, quantity, last, BOT.asLastTime(last), note, intent);
      if (modes.length === 1) return this.offer(t, slot, quantity, modes[0], MODE_WORDS[modes[0]], note, intent);
    }
    if (modes.length === 0) return this.offer(t, slot, quantity, offered[0], null, note, intent);
    return {
      reply: BOT.askMode(t.forOther ? t.senior.name : null, this.day(slot.date, t.now), slot.serviceItem.kind, modes, wanted ?? null),
      pending: { kind: 'pick_mode', seniorId: t.senior.id, slotId: slot.id, quantity, note, modes: modes.slice(0, 3) },
      intent,
    };
  }

  /** The quote, from the booking engine, and the question. */
  private async offer(t: Turn, slot: SlotView, quantity: number, deliveryMode: DeliveryMode, how: string | null, note: string, intent: string): Promise<Step> {
    let quote;
    try {
      quote = await this.deps.bookings.quote(t.actor, { seniorId: t.senior.id, slotId: slot.id, quantity });
    } catch (err) {
      if (err instanceof AppError) return { reply: BOT.bookFailed(err.message), pending: null, intent };
      throw err;
    }
    const meal = slot.serviceItem.category === 'meal';
    // Meals come in portions; a bath or a visit is one service ("11:00 午饭 2 份", "08:30 理发").
    const what = serviceWhat(slot.start, slot.serviceItem.kind, meal ? quantity : null);
    return {
      reply: BOT.offer(
        t.forOther ? t.senior.name : null,
        this.day(slot.date, t.now),
        what,
        meal ? how : null,
        BOT.priceLine(quote.priceFen, quote.subsidyFen, quote.copayFen, note),
      ),
      pending: {
        kind: 'confirm_booking',
        seniorId: t.senior.id,
        slotId: slot.id,
        quantity,
        deliveryMode,
        note,
        nonce: randomUUID(), // randomUUID draws from a buffered pool: no entropy call per offer
      },
      intent,
    };
  }

  // ---- confirming ----

  async confirm(t: Turn, p: Extract<Pending, { kind: 'confirm_booking' }>): Promise<Step> {
    let booking: BookingView;
    try {
      ({ booking } = await this.deps.bookings.create(t.actor, {
        seniorId: p.seniorId,
        slotId: p.slotId,
        quantity: p.quantity,
        deliveryMode: p.deliveryMode,
        note: p.note,
        channel: 'mp_chat',
        idempotencyKey: `bot:${p.nonce}`,
      }));
    } catch (err) {
      if (err instanceof AppError) return { reply: BOT.bookFailed(err.message), pending: null, intent: 'confirm' };
      throw err;
    }
    const who = t.forOther ? t.senior.name : null;
    const day = this.day(booking.serviceDate, t.now);
    const what = serviceWhat(booking.slot.start, booking.serviceItem.kind, booking.serviceItem.category === 'meal' ? booking.quantity : null);
    if (booking.payAtCounter) {
      // 现场付: booked now, paid at the counter on the day.
      const reply = BOT.bookedPayAtCounter(who, day, what, booking.copayFen, booking.status === 'confirmed' ? booking.code : null);
      return { reply, pending: null, intent: 'confirm' };
    }
    if (booking.status === 'pending_payment' && booking.paymentDueAt) {
      // Not booked until paid, and said so plainly: held until the slot's cut-off, the family told they can pay.
      const due = new Date(booking.paymentDueAt);
      const today = shanghaiDate(t.now);
      const by = BOT.payBy(dayShort(shanghaiDate(due), today, addDays(today, 1), addDays(today, 2)), shanghaiTime(due));
      const pending: Pending = { kind: 'after_booking', seniorId: t.senior.id, bookingId: booking.id };
      let link: string;
      try {
        link = this.deps.payments.payLink(t.actor.accountId, { id: booking.id, paymentDueAt: due });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { reply: BOT.notBookedAskFamily(who, day, what, booking.copayFen, by), pending, intent: 'confirm' };
      }
      return { reply: BOT.notBookedUntilPaid(who, day, what, booking.copayFen, by, link), pending, intent: 'confirm' };
    }
    const reply = booking.status === 'confirmed' ? BOT.booked(who, day, what, booking.code) : BOT.bookedNeedsConfirm(who, day, what);
    return { reply, pending: null, intent: 'confirm' };
  }

  /** 让家人代付: the senior's family are asked to pay in the mini-program. */
  async askFamilyToPay(t: Turn, bookingId: number | undefined): Promise<Step> {
    const intent = 'pay_by_family';
    const due = bookingId
      ? await this.deps.reader.get(t.actor, bookingId).catch(() => null)
      : (await this.deps.reader.list(t.actor, { seniorId: t.senior.id, statuses: ['pending_payment'], limit: 1, offset: 0 })).items[0];
    if (!due || due.status !== 'pending_payment') return { reply: BOT.nothingToPay, pending: null, intent };
    const family = (await this.deps.links.familyOf(t.senior.id)).filter((k) => k.account.id !== t.actor.accountId);
    if (family.length === 0) return { reply: BOT.noFamilyToPay, pending: null, intent };
    const notice = {
      templates: this.deps.templates.payRequest,
      data: {
        thing1: CHAT_NOTICE_TEXTS.payFor(t.senior.name),
        thing2: `${due.serviceDate} ${due.serviceItem.kindLabel}`,
        amount3: yuan(due.copayFen).replace(' ', ''),
        time4: due.paymentDueAt ? `${shanghaiDate(new Date(due.paymentDueAt))} ${shanghaiTime(new Date(due.paymentDueAt))}` : '',
      },
      page: MINI_PAGES.booking(due.id),
    };
    const reached: string[] = [];
    for (const { account, relation } of family) {
      const outcome = await this.deps.notifier.notify(account, notice);
      if (outcome === 'subscribe' || outcome === 'template') reached.push(relation || account.displayName);
    }
    if (reached.length === 0) return { reply: BOT.noFamilyToPay, pending: null, intent };
    return { reply: BOT.familyAsked(reached), pending: null, intent };
  }

  // ---- reading ----

  async myBookings(t: Turn): Promise<Step> {
    const active = await this.active(t);
    if (active.length === 0) return { reply: BOT.noBookings, pending: null, intent: 'my_bookings' };
    const lines = active.slice(0, 2).map((b) => `${this.shortLine(b, t.now)}，${b.statusLabel}`);
    return { reply: BOT.myBookings(lines, Math.max(0, active.length - 2)), pending: null, intent: 'my_bookings' };
  }

  async menu(t: Turn, u: Understanding): Promise<Step> {
    const date = u.date ?? shanghaiDate(t.now);
    const [centreId] = await this.centresFor(t.senior, 'meal');
    if (centreId === undefined) return { reply: BOT.noHomeCentre, pending: null, intent: 'menu' };
    const slots = (await this.deps.catalogue.slots({ centreId, category: 'meal', from: date, to: date }))
      .filter((s) => s.menu && s.menu.dishes.length > 0 && (!u.meal || s.serviceItem.kind === u.meal))
      .sort(byStart);
    const day = this.dayShort(date, t.now);
    if (slots.length === 0) return { reply: BOT.noMenu(this.day(date, t.now)), pending: null, intent: 'menu' };
    // Lunch and dinner first: at most two lines of dishes.
    const shown = [...slots.filter((s) => s.serviceItem.kind !== 'breakfast'), ...slots.filter((s) => s.serviceItem.kind === 'breakfast')]
      .slice(0, 2)
      .sort(byStart);
    const meals = shown.map((s) => `${day}${KIND_WORDS[s.serviceItem.kind]} ${s.start}：${s.menu!.dishes.map(dishForChat).join('、')}`);
    return { reply: BOT.menuOf(meals, `订${day}${KIND_WORDS[shown[0].serviceItem.kind]}`), pending: null, intent: 'menu' };
  }

  /** 午饭几块钱, 洗一次澡多少钱: the engine's quote for this senior, for the next one that can be booked. */
  async price(t: Turn, u: Understanding): Promise<Step> {
    const intent = 'price';
    const today = shanghaiDate(t.now);
    let slot: SlotView | null;
    if (u.service === 'bath' || u.service === 'visit') {
      const category = u.service === 'bath' ? 'bath' : 'home_visit';
      const kinds = u.service === 'bath' ? (['bath'] as ServiceKind[]) : u.visitKind ? [u.visitKind] : VISIT_KINDS;
      slot = (await this.freeServiceSlots(t.senior, category, kinds, today, 1))[0] ?? null;
    } else {
      const centreIds = await this.centresFor(t.senior, 'meal');
      const from = u.date ?? today;
      slot = await this.firstFree(centreIds, 'meal', u.meal ? [u.meal] : DEFAULT_MEALS, from, u.date ?? addDays(today, MEAL_HORIZON_DAYS), 1);
    }
    if (!slot) return { reply: BOT.priceUnknown, pending: null, intent };
    try {
      const quote = await this.deps.bookings.quote(t.actor, { seniorId: t.senior.id, slotId: slot.id, quantity: 1 });
      const day = slot.serviceItem.category === 'meal' ? this.dayShort(slot.date, t.now) : '';
      return { reply: BOT.price(day, KIND_WORDS[slot.serviceItem.kind], quote.priceFen, quote.subsidyFen, quote.copayFen), pending: null, intent };
    } catch (err) {
      if (err instanceof AppError) return { reply: BOT.priceUnknown, pending: null, intent };
      throw err;
    }
  }

  // ---- cancelling ----

  async cancel(t: Turn, u: Understanding): Promise<Step> {
    const intent = 'cancel';
    let active = await this.active(t);
    if (u.date) active = active.filter((b) => b.serviceDate === u.date);
    if (u.meal) active = active.filter((b) => b.serviceItem.kind === u.meal);
    if (u.visitKind) active = active.filter((b) => b.serviceItem.kind === u.visitKind);
    else if (u.service) active = active.filter((b) => b.serviceItem.category === (u.service === 'visit' ? 'home_visit' : u.service));
    if (active.length === 0) return { reply: BOT.nothingToCancel, pending: null, intent };
    if (u.choice !== undefined && u.choice >= 1 && u.choice <= Math.min(3, active.length)) return this.doCancel(t, active[u.choice - 1].id);
    if (active.length === 1) {
      return {
        reply: BOT.cancelConfirm(this.line(active[0], t.now)),
        pending: { kind: 'confirm_cancel', seniorId: t.senior.id, bookingId: active[0].id },
        intent,
      };
    }
    const options = active.slice(0, 3);
    return {
      reply: BOT.cancelWhich(options.map((b) => this.shortLine(b, t.now, false))),
      pending: { kind: 'pick_cancel', seniorId: t.senior.id, bookingIds: options.map((b) => b.id) },
      intent,
    };
  }

  async doCancel(t: Turn, bookingId: number): Promise<Step> {
    const intent = 'cancel_done';
    let before: BookingView;
    try {
      before = await this.deps.reader.get(t.actor, bookingId);
      await this.deps.lifecycle.cancel(t.actor, bookingId, BOOKING_TEXTS.cancelledInChat(t.forOther));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const phone = (await this.deps.reader.get(t.actor, bookingId).catch(() => null))?.centre.phone ?? '';
      return { reply: BOT.cancelFailed(err.message, phone), pending: null, intent };
    }
    // Only a booking that was paid has money to give back; an unpaid one simply lapses.
    const refundFen = before.status === 'pending_payment' ? 0 : before.copayFen;
    return { reply: BOT.cancelled(this.line(before, t.now), refundFen), pending: null, intent };
  }

  // ---- rating ----

  /** The booking a rating is about: the one asked about, or the latest served one of the last three days. */
  async rate(t: Turn, score: number, bookingId?: number): Promise<Step> {
    const intent = 'rate';
    let id = bookingId;
    if (id === undefined) {
      const served = await this.deps.reader.list(t.actor, {
        seniorId: t.senior.id,
        statuses: ['served'],
        from: addDays(shanghaiDate(t.now), -3),
        limit: 20,
        offset: 0,
      });
      id = served.items.sort((a, b) => (a.servedAt ?? '').localeCompare(b.servedAt ?? '')).at(-1)?.id;
    }
    if (id === undefined) return { reply: BOT.nothingToRate, pending: null, intent };
    try {
      await this.deps.lifecycle.rate(t.actor, id, Math.min(5, Math.max(1, Math.round(score))), '');
    } catch (err) {
      if (err instanceof AppError) return { reply: BOT.bookFailed(err.message), pending: null, intent };
      throw err;
    }
    return { reply: BOT.rated(score), pending: null, intent };
  }

  // ---- helpers ----

  private async active(t: Turn): Promise<BookingView[]> {
    const items = await this.deps.reader.upcoming(t.actor, t.senior, shanghaiDate(t.now));
    return items.sort((a, b) => a.serviceDate.localeCompare(b.serviceDate) || a.slot.start.localeCompare(b.slot.start) || a.id - b.id);
  }

  /** The senior's own centre first, then (if it does not offer the service) the nearest ones that do. */
  private async centresFor(senior: Senior, category: ServiceCategory): Promise<number[]> {
    const ids: number[] = [];
    if (senior.homeCentreId !== null) {
      const items = await this.deps.centres.serviceItems(senior.homeCentreId);
      if (items.some((i) => i.category === category && i.active)) ids.push(senior.homeCentreId);
    }
    if (senior.latitude !== null && senior.longitude !== null) {
      const near = await this.deps.catalogue.nearbyCentres({ latitude: senior.latitude, longitude: senior.longitude, category });
      for (const c of near.slice(0, 3)) if (!ids.includes(c.id)) ids.push(c.id);
    }
    return ids.slice(0, 3);
  }

  private async firstFree(
    centreIds: number[],
    category: ServiceCategory,
    kinds: ServiceKind[],
    from: string,
    to: string,
    quantity: number,
  ): Promise<SlotView | null> {
    for (const centreId of centreIds) {
      const slots = await this.deps.catalogue.slots({ centreId, category, from, to });
      const free = slots.filter((s) => s.bookable && s.remaining >= quantity && kinds.includes(s.serviceItem.kind)).sort(byStart);
      if (free.length > 0) return free[0];
    }
    return null;
  }

  /** The next free bath or home-visit times at the senior's centres, one per kind and start. */
  private async freeServiceSlots(senior: Senior, category: 'bath' | 'home_visit', kinds: ServiceKind[], today: string, max: number): Promise<SlotView[]> {
    const seen = new Set<string>();
    const found: SlotView[] = [];
    for (const centreId of await this.centresFor(senior, category)) {
      const slots = await this.deps.catalogue.slots({ centreId, category, from: today, to: addDays(today, SERVICE_HORIZON_DAYS) });
      for (const s of slots.filter((s) => s.bookable && kinds.includes(s.serviceItem.kind)).sort(byStart)) {
        const key = `${s.serviceItem.kind}|${s.startsAt}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push(s);
      }
      if (found.length >= max) break;
    }
    return found.sort(byStart).slice(0, max);
  }

  private day(date: string, now: Date): string {
    const today = shanghaiDate(now);
    return dayWords(date, today, addDays(today, 1), addDays(today, 2));
  }

  private dayShort(date: string, now: Date): string {
    const today = shanghaiDate(now);
    return dayShort(date, today, addDays(today, 1), addDays(today, 2));
  }

  /** "明天 12月2日 11:00 午饭 1 份" — how a booking is named when it is the one in question. */
  line(b: BookingView, now: Date): string {
    return `${this.day(b.serviceDate, now)} ${serviceWhat(b.slot.start, b.serviceItem.kind, b.serviceItem.category === 'meal' ? b.quantity : null)}`;
  }

  /** "明天 11:00 午饭 1 份" (or without portions) — how a booking is named in a short list. */
  private shortLine(b: BookingView, now: Date, portions = true): string {
    return `${this.dayShort(b.serviceDate, now)} ${serviceWhat(b.slot.start, b.serviceItem.kind, portions && b.serviceItem.category === 'meal' ? b.quantity : null)}`;
  }
}

function byStart(a: SlotView, b: SlotView): number {
  return a.startsAt.localeCompare(b.startsAt) || a.id - b.id;
}
