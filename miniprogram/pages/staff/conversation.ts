import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import type { ExchangeView, Items, SeniorView } from '../../utils/types';

/** A senior's chat with the public account, newest first (a 找人工 message opens this for the centre's staff). */
Component({
  behaviors: [pageState],
  data: { seniorId: 0, name: '', items: [] as Array<ExchangeView & { when: string }> },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ seniorId: Number(q.seniorId) });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const [senior, log] = await Promise.all([
          api.get<SeniorView>(`/seniors/${this.data.seniorId}`, { quiet: true }),
          api.get<Items<ExchangeView>>(`/seniors/${this.data.seniorId}/conversation?limit=50`, { quiet: true }),
        ]);
        const items = log.items.map((x) => ({ ...x, when: shanghaiDateTime(x.at) }));
        this.setData({ name: senior.name, items, ...listState(items.length, '还没有对话') });
      }, null);
    },
  },
});
