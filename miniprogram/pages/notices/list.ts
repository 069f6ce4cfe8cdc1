import { api, errorText } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import { T, VIEW_TEXTS } from '../../utils/texts';
import { go, largeText } from '../../utils/ui';

interface Item {
  id: number;
  title: string;
  read: boolean;
  sentAt: string | null;
  createdAt: string;
}

/** 政策通知 sent to me, unread ones marked. */
Component({
  data: { t: VIEW_TEXTS, large: false, state: 'loading', message: '', unread: 0, items: [] as Array<Item & { when: string }> },
  methods: {
    onLoad() {
      this.setData({ large: largeText() });
    },
    onShow() {
      this.load();
    },
    async load() {
      this.setData({ state: this.data.items.length ? '' : 'loading' });
      try {
        const r = await api.get<{ items: Item[]; unread: number }>('/me/notices?limit=50', { quiet: true });
        const items = r.items.map((n) => ({ ...n, when: shanghaiDateTime(n.sentAt ?? n.createdAt) }));
        this.setData({ items, unread: r.unread, state: items.length ? '' : 'empty', message: items.length ? '' : T.noNotices });
      } catch (err) {
        this.setData({ state: 'error', message: errorText(err) });
      }
    },
    open(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/notices/detail?id=${e.currentTarget.dataset.id}`);
    },
  },
});
