import { api, errorText } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import { T, VIEW_TEXTS } from '../../utils/texts';
import { largeText, toast } from '../../utils/ui';

interface Alert {
  id: number;
  senior: { name: string; phone: string | null; address: string };
  message: string;
  status: 'open' | 'acknowledged';
  createdAt: string;
}

/** Open 助急 alerts of the worker's centre; acknowledging one stops the escalation. */
Component({
  data: { t: VIEW_TEXTS, large: false, state: 'loading', message: '', focusId: 0, items: [] as Array<Alert & { when: string }> },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ large: largeText(), focusId: Number(q.id ?? 0) });
      this.load();
    },
    async load() {
      try {
        const { items } = await api.get<{ items: Alert[] }>('/emergencies', { quiet: true });
        const rows = items.map((a) => ({ ...a, when: shanghaiDateTime(a.createdAt) }));
        this.setData({ items: rows, state: rows.length ? '' : 'empty', message: rows.length ? '' : T.noEmergencies });
      } catch (err) {
        this.setData({ state: 'error', message: errorText(err) });
      }
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
