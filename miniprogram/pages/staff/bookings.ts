import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { dayLabel, todayInShanghai } from '../../utils/format';
import type { BookingView, Items } from '../../utils/types';
import { go, qs } from '../../utils/ui';

const ACTIVE = ['pending_payment', 'pending_confirmation', 'confirmed', 'served', 'rated'];

/** One centre day's bookings (the evening digest message opens this): who is coming, for what, in what state. */
Component({
  behaviors: [pageState],
  data: { centreId: '', date: '', dayText: '', summary: '', items: [] as BookingView[] },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      const date = q.date ?? todayInShanghai();
      this.setData({ centreId: q.centreId ?? '', date, dayText: dayLabel(date) });
      this.load();
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh());
    },
    load() {
      // A pull-down refresh keeps the day on screen while it reloads.
      return this.loading(async () => {
        const { items } = await api.get<Items<BookingView>>(`/bookings?${qs({ centreId: this.data.centreId, date: this.data.date, limit: 200 })}`, {
          quiet: true,
        });
        const rows = items.slice().sort((a, b) => a.slot.start.localeCompare(b.slot.start) || a.id - b.id);
        const portions = rows.filter((b) => ACTIVE.includes(b.status)).reduce((n, b) => n + b.quantity, 0);
        this.setData({ items: rows, summary: `共 ${portions} 份`, ...listState(rows.length, '这一天还没有预约') });
      }, null);
    },
    openConversation(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/staff/conversation?${qs({ seniorId: e.currentTarget.dataset.id })}`);
    },
  },
});
