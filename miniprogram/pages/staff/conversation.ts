import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import type { SeniorView } from '../../utils/types';

interface Exchange {
  id: number;
  at: string;
  said: string;
  reply: string;
}

/** A senior's chat with the public account, newest first (a 找人工 message opens this for the centre's staff). */
Component({
  behaviors: [pageState],
  data: { seniorId: 0, name: '', items: [] as Array<Exchange & { when: string }> },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ seniorId: Number(q.seniorId) });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const [senior, log] = await Promise.all([
          api.get<SeniorView>(`/seniors/${this.data.seniorId}`, { quiet: true }),
          api.get<{ items: Exchange[] }>(`/seniors/${this.data.seniorId}/conversation?limit=50`, { quiet: true }),
        ]);
        const items = log.items.map((x) => ({ ...x, when: shanghaiDateTime(x.at) }));
        this.setData({ name: senior.name, items, ...listState(items.length, '还没有对话') });
      }, null);
    },
  },
});
