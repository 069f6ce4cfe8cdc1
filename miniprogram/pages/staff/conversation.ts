import { api, errorText } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import { VIEW_TEXTS } from '../../utils/texts';
import type { SeniorView } from '../../utils/types';
import { largeText } from '../../utils/ui';

interface Exchange {
  id: number;
  at: string;
  said: string;
  reply: string;
}

/** A senior's chat with the public account, newest first (a 找人工 message opens this for the centre's staff). */
Component({
  data: { t: VIEW_TEXTS, large: false, state: 'loading', message: '', seniorId: 0, name: '', items: [] as Array<Exchange & { when: string }> },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ large: largeText(), seniorId: Number(q.seniorId) });
      this.load();
    },
    async load() {
      try {
        const [senior, log] = await Promise.all([
          api.get<SeniorView>(`/seniors/${this.data.seniorId}`, { quiet: true }),
          api.get<{ items: Exchange[] }>(`/seniors/${this.data.seniorId}/conversation?limit=50`, { quiet: true }),
        ]);
        const items = log.items.map((x) => ({ ...x, when: shanghaiDateTime(x.at) }));
        this.setData({ name: senior.name, items, state: items.length ? '' : 'empty', message: items.length ? '' : '还没有对话' });
      } catch (err) {
        this.setData({ state: 'error', message: errorText(err) });
      }
    },
  },
});
