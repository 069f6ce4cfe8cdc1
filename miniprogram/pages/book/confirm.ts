import { pageState } from '../../behaviors/page-state';
import { CONFIG } from '../../config';
import { api, errorText, newIdempotencyKey } from '../../utils/api';
import { dayLabel, DELIVERY_LABELS, yuan } from '../../utils/format';
import { T } from '../../utils/texts';
import type { BookingView, CentreView, PrepayAnswer, QuoteView, SeniorView, SlotView } from '../../utils/types';
import { qs, replace, requestPayment, requestSubscribe, toast } from '../../utils/ui';

interface Line {
  slotId: number;
  dayText: string;
  what: string;
  priceText: string;
  subsidyText: string;
  copayText: string;
  copayFen: number;
  reason: string;
  error: string;
}

interface Result {
  slotId: number;
  dayText: string;
  what: string;
  bookingId: number;
  status: string;
  statusText: string;
}

type Step = 'delivery' | 'quote' | 'consent' | 'done';

/**
 * Step 4: the quote for each chosen slot (price, subsidy and why, co-payment), then book, pay each co-payment with
 * wx.requestPayment, and ask for reminder consent (a tap of its own: WeChat only opens that dialog from a tap).
 */
Component({
  behaviors: [pageState],
  data: {
    step: 'quote' as Step,
    seniorId: 0,
    slotIds: [] as number[],
    seniorName: '',
    centreName: '',
    modes: [] as Array<{ value: string; label: string }>,
    mode: 'dine_in',
    lines: [] as Line[],
    totalText: '',
    bookText: '',
    busy: false,
    busyText: '',
    results: [] as Result[],
    resultTitle: '',
    resultNote: '',
    keyPrefix: '',
    /** The way of eating chosen already (the home screen's "tomorrow as usual"): no question about it. */
    presetMode: '',
  },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      const slotIds = (q.slotIds ?? '')
        .split(',')
        .map(Number)
        .filter((n) => n > 0);
      this.setData({ seniorId: Number(q.seniorId), slotIds, keyPrefix: newIdempotencyKey('mp'), presetMode: q.mode ?? '' });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const [senior, slots, quotes] = await Promise.all([
          api.get<SeniorView>(`/seniors/${this.data.seniorId}`, { quiet: true }),
          Promise.all(this.data.slotIds.map((id) => api.get<SlotView>(`/slots/${id}`, { quiet: true }))),
          Promise.all(
            this.data.slotIds.map((slotId) => api.post<QuoteView>('/quotes', { seniorId: this.data.seniorId, slotId, quantity: 1 }, { quiet: true })),
          ),
        ]);
        const centre = await api.get<CentreView>(`/centres/${slots[0].centreId}`, { quiet: true });
        const lines: Line[] = slots.map((s, i) => ({
          slotId: s.id,
          dayText: dayLabel(s.date),
          what: `${s.serviceItem.kindLabel} ${s.start}`,
          priceText: yuan(quotes[i].priceFen),
          subsidyText: quotes[i].subsidyFen > 0 ? `− ${yuan(quotes[i].subsidyFen)}` : '0 元',
          copayText: yuan(quotes[i].copayFen),
          copayFen: quotes[i].copayFen,
          reason: quotes[i].subsidyFen > 0 ? quotes[i].reason : quotes[i].reason || T.noSubsidy,
          error: '',
        }));
        const total = lines.reduce((n, l) => n + l.copayFen, 0);
        const modes = slots[0].serviceItem.deliveryModes.map((value) => ({ value, label: DELIVERY_LABELS[value] ?? value }));
        const preset = modes.find((m) => m.value === this.data.presetMode)?.value;
        const step: Step = this.data.large && modes.length > 1 && !preset ? 'delivery' : 'quote';
        this.setData({
          seniorName: senior.name,
          centreName: centre.name,
          lines,
          modes,
          mode: preset ?? modes[0]?.value ?? 'dine_in',
          totalText: yuan(total),
          bookText: total > 0 ? T.bookAndPay(yuan(total)) : T.bookFree,
          step,
          state: '',
        });
      });
    },
    pickMode(e: WechatMiniprogram.TouchEvent) {
      this.setData({ mode: String(e.currentTarget.dataset.value), step: 'quote' });
    },
    async book() {
      if (this.data.busy) return;
      this.setData({ busy: true, busyText: T.booking });
      const results: Result[] = [];
      const lines = this.data.lines.map((l) => ({ ...l, error: '' }));
      for (const line of lines) {
        try {
          const b = await api.post<BookingView>(
            '/bookings',
            { seniorId: this.data.seniorId, slotId: line.slotId, quantity: 1, deliveryMode: this.data.mode, channel: 'miniprogram' },
            { quiet: true, idempotencyKey: `${this.data.keyPrefix}-${line.slotId}` },
          );
          results.push({ slotId: line.slotId, dayText: line.dayText, what: line.what, bookingId: b.id, status: b.status, statusText: b.statusLabel });
        } catch (err) {
          line.error = errorText(err);
        }
      }
      if (!results.length) {
        this.setData({ busy: false, lines });
        return toast(lines.find((l) => l.error)?.error ?? T.unknown);
      }
      this.setData({ busyText: T.paying, lines });
      let note = '';
      const paid = new Set<number>();
      for (const r of results.filter((x) => x.status === 'pending_payment')) {
        const outcome = await this.pay(r.bookingId);
        if (outcome === 'paid') paid.add(r.bookingId);
        if (outcome === 'cancelled') {
          note = T.payCancelled;
          break;
        }
        if (outcome === 'failed') note = T.payFailed;
      }
      // WeChat Pay tells the server, not the phone: read each paid booking back until its payment has landed.
      for (const r of results) {
        try {
          const b = await this.settledBooking(r.bookingId, paid.has(r.bookingId));
          r.status = b.status;
          r.statusText = b.statusLabel;
        } catch {
          // shown as it was when booked; the bookings list has the truth
        }
      }
      const ok = results.filter((r) => r.status !== 'pending_payment').length;
      const title = ok === this.data.slotIds.length ? T.booked : T.bookedSome(ok, this.data.slotIds.length);
      this.setData({ busy: false, results, resultTitle: title, resultNote: note, step: 'consent' });
    },
    async pay(bookingId: number): Promise<'paid' | 'cancelled' | 'failed'> {
      try {
        const p = await api.post<PrepayAnswer>(
          `/bookings/${bookingId}/pay`,
          { via: 'miniprogram' },
          { quiet: true, idempotencyKey: `${this.data.keyPrefix}-pay-${bookingId}` },
        );
        return await requestPayment(p.requestPayment);
      } catch {
        return 'failed';
      }
    },
    async settledBooking(id: number, paid: boolean): Promise<BookingView> {
      let b = await api.get<BookingView>(`/bookings/${id}`, { quiet: true });
      for (let i = 0; paid && i < 5 && b.status === 'pending_payment'; i++) {
        await new Promise((r) => setTimeout(r, 400));
        b = await api.get<BookingView>(`/bookings/${id}`, { quiet: true });
      }
      return b;
    },
    async allowReminders() {
      const answer = await requestSubscribe(CONFIG.reminderTemplateIds);
      if (Object.keys(answer).length) {
        try {
          await api.post('/subscriptions', { templateIds: CONFIG.reminderTemplateIds, result: answer }, { quiet: true });
        } catch {
          // consent is a nicety: the booking stands whatever happens here
        }
      }
      toast(Object.values(answer).includes('accept') ? T.remindersOn : T.remindersOff);
      this.finish();
    },
    finish() {
      this.setData({ step: 'done' });
    },
    seeBookings() {
      replace(`/pages/bookings/list?${qs({ seniorId: this.data.seniorId })}`);
    },
  },
});
