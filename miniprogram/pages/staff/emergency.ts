import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import { T } from '../../utils/texts';
import type { AlertView, Items } from '../../utils/types';
import { toast } from '../../utils/ui';

/** Open 助急 alerts of the worker's centre; acknowledging one stops the escalation. */
Component({
  behaviors: [pageState],
  data: { focusId: 0, items: [] as Array<AlertView & { when: string }> },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ focusId: Number(q.id ?? 0) });
      this.load();
    },
    load() {
      // Reloaded after each acknowledgement: the list stays on screen meanwhile.
      return this.loading(async () => {
        const { items } = await api.get<Items<AlertView>>('/emergencies', { quiet: true });
        const rows = items.map((a) => ({ ...a, when: shanghaiDateTime(a.createdAt) }));
        this.setData({ items: rows, ...listState(rows.length, T.noEmergencies) });
      }, null);
    },
    async acknowledge(e: WechatMiniprogram.TouchEvent) {
      try {
        await api.post(`/emergencies/${e.currentTarget.dataset.id}/acknowledge`, {});
        toast(T.acknowledged);
      } catch {
        // the client showed the error
      }
      await this.load();
    },
    call(e: WechatMiniprogram.TouchEvent) {
      wx.makePhoneCall({ phoneNumber: String(e.currentTarget.dataset.phone) });
    },
  },
});
