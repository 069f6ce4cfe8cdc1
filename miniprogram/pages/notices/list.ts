import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import { T } from '../../utils/texts';
import type { NoticeInbox } from '../../utils/types';
import { go } from '../../utils/ui';

type Item = NoticeInbox['items'][number];

/** 政策通知 sent to me, unread ones marked. */
Component({
  behaviors: [pageState],
  data: { unread: 0, items: [] as Array<Item & { when: string }> },
  methods: {
    onShow() {
      this.load();
    },
    load() {
      return this.loading(
        async () => {
          const r = await api.get<NoticeInbox>('/me/notices?limit=50', { quiet: true });
          const items = r.items.map((n) => ({ ...n, when: shanghaiDateTime(n.sentAt ?? n.createdAt) }));
          this.setData({ items, unread: r.unread, ...listState(items.length, T.noNotices) });
        },
        this.data.items.length ? '' : 'loading',
      );
    },
    open(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/notices/detail?id=${e.currentTarget.dataset.id}`);
    },
  },
});
