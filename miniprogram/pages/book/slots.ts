import { listState, pageState } from '../../behaviors/page-state';
import { api, currentAccount } from '../../utils/api';
import { dayLabel, yuan } from '../../utils/format';
import { T } from '../../utils/texts';
import type { Items, SlotView } from '../../utils/types';
import { go, qs, toast } from '../../utils/ui';

type Row = SlotView & { selected: boolean; seatsText: string; dishes: string; priceText: string };

/**
 * Step 3: the days and slots of the chosen centre's service, with seats left and the menu. A family member may
 * pick several days at once (a week of lunches); a senior picks one slot and goes straight on (one decision).
 */
Component({
  behaviors: [pageState],
  data: { multi: true, seniorId: '', centreId: '', category: '', days: [] as Array<{ date: string; label: string; slots: Row[] }>, selectedCount: 0 },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      const multi = !(currentAccount()?.roles.includes('senior') ?? false);
      this.setData({ multi, seniorId: q.seniorId ?? '', centreId: q.centreId ?? '', category: q.category ?? 'meal' });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const { items } = await api.get<Items<SlotView>>(`/slots?${qs({ centreId: this.data.centreId, category: this.data.category })}`, { quiet: true });
        const byDay = new Map<string, Row[]>();
        for (const s of items) {
          const row: Row = {
            ...s,
            selected: false,
            seatsText: s.bookable ? T.seatsLeft(s.remaining) : s.remaining <= 0 ? T.full : T.closed,
            dishes: s.menu?.dishes.map((d) => (d.tagLabels.length ? `${d.name}（${d.tagLabels.join('、')}）` : d.name)).join('、') ?? '',
            priceText: yuan(s.serviceItem.priceFen),
          };
          byDay.set(s.date, [...(byDay.get(s.date) ?? []), row]);
        }
        const days = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, slots]) => ({ date, label: dayLabel(date), slots }));
        this.setData({ days, selectedCount: 0, ...listState(days.length, T.noSlots) });
      });
    },
    toggle(e: WechatMiniprogram.TouchEvent) {
      const id = Number(e.currentTarget.dataset.id);
      const slot = this.data.days.flatMap((d) => d.slots).find((s) => s.id === id);
      if (!slot) return;
      if (!slot.bookable) return toast(slot.seatsText);
      if (!this.data.multi) return this.goConfirm([id]);
      const days = this.data.days.map((d) => ({ ...d, slots: d.slots.map((s) => (s.id === id ? { ...s, selected: !s.selected } : s)) }));
      this.setData({ days, selectedCount: days.reduce((n, d) => n + d.slots.filter((s) => s.selected).length, 0) });
    },
    next() {
      const ids = this.data.days.flatMap((d) => d.slots.filter((s) => s.selected).map((s) => s.id));
      if (!ids.length) return toast(T.pickAtLeastOne);
      this.goConfirm(ids);
    },
    goConfirm(ids: number[]) {
      go(`/pages/book/confirm?${qs({ seniorId: this.data.seniorId, slotIds: ids.join(',') })}`);
    },
  },
});
