import { pageState } from '../../behaviors/page-state';
import { T } from '../../utils/texts';
import { go, qs } from '../../utils/ui';

/** Step 1: meals, baths or home visits (one decision). */
Component({
  behaviors: [pageState],
  data: { categories: T.categories, seniorId: '' },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ seniorId: q.seniorId ?? '' });
    },
    pick(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/book/centres?${qs({ seniorId: this.data.seniorId, category: e.currentTarget.dataset.category })}`);
    },
  },
});
