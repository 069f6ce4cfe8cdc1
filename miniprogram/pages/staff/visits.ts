import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { dayLabel } from '../../utils/format';
import { T } from '../../utils/texts';
import type { Items, VisitView } from '../../utils/types';
import { go, qs } from '../../utils/ui';

/** 探访: the visits given to this staff member or volunteer, overdue first, then due; each opens the short form. */
Component({
  behaviors: [pageState],
  data: { items: [] as Array<VisitView & { when: string }> },
  methods: {
    onShow() {
      this.load();
    },
    load() {
      return this.loading(async () => {
        const [overdue, due] = await Promise.all([
          api.get<Items<VisitView>>(`/visits/mine?${qs({ list: 'overdue' })}`, { quiet: true }),
          api.get<Items<VisitView>>(`/visits/mine?${qs({ list: 'due' })}`, { quiet: true }),
        ]);
        const rows = [...overdue.items, ...due.items].map((v) => ({ ...v, when: T.visitDue(dayLabel(v.dueOn), v.overdueDays) }));
        this.setData({ items: rows, ...listState(rows.length, T.noVisits) });
      });
    },
    open(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/staff/visit-record?${qs({ id: e.currentTarget.dataset.id })}`);
    },
  },
});
