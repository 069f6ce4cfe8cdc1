import { pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import type { NoticeView } from '../../utils/types';

/** One notice; opening it is the read receipt (GET /me/notices/:id marks it read). */
Component({
  behaviors: [pageState],
  data: { id: 0, notice: null as NoticeView | null, when: '' },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ id: Number(q.id) });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const notice = await api.get<NoticeView>(`/me/notices/${this.data.id}`, { quiet: true });
        this.setData({ notice, when: shanghaiDateTime(notice.sentAt ?? notice.createdAt), state: '' });
      });
    },
  },
});
