import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { dayLabel, yuan } from '../../utils/format';
import { T } from '../../utils/texts';
import type { BookingView, Items } from '../../utils/types';
import { go, qs } from '../../utils/ui';

type Row = BookingView & { dayText: string; copayText: string };

/** Bookings of one senior (or all the caller may see), latest service day first. */
Component({
  behaviors: [pageState],
  data: { seniorId: '', title: T.myBookings as string, items: [] as Row[] },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ seniorId: q.seniorId ?? '' });
    },
    onShow() {
      this.load();
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh());
    },
    load() {
      return this.loading(
        async () => {
          const { items } = await api.get<Items<BookingView>>(`/bookings?${qs({ seniorId: this.data.seniorId, limit: 100 })}`, { quiet: true });
          const rows = items
            .slice()
            .sort((a, b) => b.serviceDate.localeCompare(a.serviceDate) || b.id - a.id)
            .map((b) => ({ ...b, dayText: dayLabel(b.serviceDate), copayText: yuan(b.copayFen) }));
          this.setData({ items: rows, ...listState(rows.length, T.noBookings) });
        },
        this.data.items.length ? '' : 'loading',
      );
    },
    open(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/bookings/detail?id=${e.currentTarget.dataset.id}`);
    },
  },
});
