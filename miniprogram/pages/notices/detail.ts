import { api, errorText } from '../../utils/api';
import { shanghaiDateTime } from '../../utils/format';
import { VIEW_TEXTS } from '../../utils/texts';
import { largeText } from '../../utils/ui';

interface Notice {
  id: number;
  title: string;
  body: string;
  link: string | null;
  sentAt: string | null;
  createdAt: string;
}

/** One notice; opening it is the read receipt (GET /me/notices/:id marks it read). */
Component({
  data: { t: VIEW_TEXTS, large: false, state: 'loading', message: '', id: 0, notice: null as Notice | null, when: '' },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ large: largeText(), id: Number(q.id) });
      this.load();
    },
    async load() {
      this.setData({ state: 'loading' });
      try {
        const notice = await api.get<Notice>(`/me/notices/${this.data.id}`, { quiet: true });
        this.setData({ notice, when: shanghaiDateTime(notice.sentAt ?? notice.createdAt), state: '' });
      } catch (err) {
        this.setData({ state: 'error', message: errorText(err) });
      }
    },
  },
});
