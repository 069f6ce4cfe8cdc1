import { pageState } from '../../behaviors/page-state';
import { api, ApiError, errorText, login } from '../../utils/api';
import { dayLabel, todayInShanghai } from '../../utils/format';
import { T } from '../../utils/texts';
import type { AlertView, BookingView, Items, SlotView } from '../../utils/types';
import { go, promptModal, scanCode, toast } from '../../utils/ui';

type TodaySlot = SlotView & { kindLabel: string; countsText: string };
type Pending = BookingView & { dayText: string };

const SERVED = ['served', 'rated'];

/**
 * The centre worker's day: today's slots with booked / confirmed / served counts, bookings waiting for
 * confirmation, scanning a booking's code at the counter (核销, what the subsidy is paid on), open emergencies.
 */
Component({
  behaviors: [pageState],
  data: {
    ready: false,
    centreId: 0,
    today: '',
    todayText: '',
    slots: [] as TodaySlot[],
    pending: [] as Pending[],
    emergencyCount: 0,
    scanResult: '',
    scanOk: false,
  },
  methods: {
    onShow() {
      this.load();
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh());
    },
    load() {
      return this.loading(
        async () => {
          const me = await login();
          if (!me.roles.includes('staff') || !me.centreId) return this.setData({ state: 'empty', message: T.notStaff, ready: false });
          const today = todayInShanghai();
          const c = me.centreId;
          const [slots, day, pending, emergencies] = await Promise.all([
            api.get<Items<SlotView>>(`/slots?centreId=${c}&from=${today}&to=${today}`, { quiet: true }),
            api.get<Items<BookingView>>(`/bookings?centreId=${c}&date=${today}&limit=200`, { quiet: true }),
            api.get<Items<BookingView>>(`/bookings?centreId=${c}&status=pending_confirmation&limit=200`, { quiet: true }),
            api.get<Items<AlertView>>('/emergencies', { quiet: true }),
          ]);
          const portions = (slotId: number, statuses: string[]) =>
            day.items.filter((b) => b.slot.id === slotId && statuses.includes(b.status)).reduce((n, b) => n + b.quantity, 0);
          this.setData({
            ready: true,
            state: '',
            centreId: c,
            today,
            todayText: dayLabel(today, today),
            slots: slots.items.map((s) => ({
              ...s,
              kindLabel: s.serviceItem.kindLabel,
              countsText: T.counts(s.booked, portions(s.id, ['confirmed']), portions(s.id, SERVED)),
            })),
            pending: pending.items
              .slice()
              .sort((a, b) => a.serviceDate.localeCompare(b.serviceDate) || a.id - b.id)
              .map((b) => ({ ...b, dayText: dayLabel(b.serviceDate, today) })),
            emergencyCount: emergencies.items.length,
          });
        },
        this.data.ready ? null : 'loading',
      );
    },
    async confirmBooking(e: WechatMiniprogram.TouchEvent) {
      try {
        await api.post(`/bookings/${e.currentTarget.dataset.id}/confirm`, {});
        toast(T.confirmed);
      } catch {
        // the client showed the error
      }
      await this.load();
    },
    async rejectBooking(e: WechatMiniprogram.TouchEvent) {
      const reason = await promptModal(T.reject, T.rejectReason);
      if (reason === null) return;
      if (!reason) return toast(T.reasonRequired);
      try {
        await api.post(`/bookings/${e.currentTarget.dataset.id}/reject`, { reason });
        toast(T.rejected);
      } catch {
        // the client showed the error
      }
      await this.load();
    },
    async scan() {
      const code = await scanCode();
      if (!code) return;
      try {
        const b = await api.post<BookingView>('/bookings/check-in', { code }, { quiet: true });
        this.setData({ scanOk: true, scanResult: T.scanned(b.senior.name, `${b.serviceItem.kindLabel} ${b.quantity} 份`) });
        wx.vibrateShort({ type: 'medium' });
      } catch (err) {
        this.setData({ scanOk: false, scanResult: scanError(err) });
        wx.vibrateLong({});
      }
      await this.load();
    },
    openEmergencies() {
      go('/pages/staff/emergency');
    },
  },
});

/** What the worker at the counter needs to hear about a code that cannot be checked in. */
function scanError(err: unknown): string {
  if (err instanceof ApiError && err.code === 'INVALID_STATE') {
    const status = String(err.details.status ?? '');
    if (SERVED.includes(status)) return T.alreadyServed;
    if (T.scanClosed[status]) return T.scanClosed[status];
  }
  return errorText(err);
}
