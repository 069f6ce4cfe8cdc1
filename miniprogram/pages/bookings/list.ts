import { api, errorText } from '../../utils/api';
import { dayLabel, yuan } from '../../utils/format';
import { T, VIEW_TEXTS } from '../../utils/texts';
import type { BookingView } from '../../utils/types';
import { go, largeText, qs } from '../../utils/ui';

type Row = BookingView & { dayText: string; copayText: string };

/** Bookings of one senior (or all the caller may see), latest service day first. */
Component({
  data: { t: VIEW_TEXTS, large: false, state: 'loading', message: '', seniorId: '', title: T.myBookings as string, items: [] as Row[] },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ large: largeText(), seniorId: q.seniorId ?? '' });
    },
    onShow() {
      this.load();
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh());
    },
    async load() {
      this.setData({ state: this.data.items.length ? '' : 'loading' });
      try {
        const { items } = await api.get<{ items: BookingView[] }>(`/bookings?${qs({ seniorId: this.data.seniorId, limit: 100 })}`, { quiet: true });
        const rows = items
          .slice()
          .sort((a, b) => b.serviceDate.localeCompare(a.serviceDate) || b.id - a.id)
          .map((b) => ({ ...b, dayText: dayLabel(b.serviceDate), copayText: yuan(b.copayFen) }));
        this.setData({ items: rows, state: rows.length ? '' : 'empty', message: rows.length ? '' : T.noBookings });
      } catch (err) {
        this.setData({ state: 'error', message: errorText(err) });
      }
    },
    open(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/bookings/detail?id=${e.currentTarget.dataset.id}`);
    },
  },
});
