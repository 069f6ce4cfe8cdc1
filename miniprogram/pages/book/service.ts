import { T, VIEW_TEXTS } from '../../utils/texts';
import { go, largeText, qs } from '../../utils/ui';

/** Step 1: meals, baths or home visits (one decision). */
Component({
  data: { t: VIEW_TEXTS, categories: T.categories, large: false, seniorId: '' },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ large: largeText(), seniorId: q.seniorId ?? '' });
    },
    pick(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/book/centres?${qs({ seniorId: this.data.seniorId, category: e.currentTarget.dataset.category })}`);
    },
  },
});
