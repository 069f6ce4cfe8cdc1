import { listState, pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { T } from '../../utils/texts';
import type { CentreView, Items, SeniorView } from '../../utils/types';
import { go, qs } from '../../utils/ui';

type Row = CentreView & { walkingText: string };

/** Step 2: centres offering the service, nearest to the senior's home first, with walking minutes. */
Component({
  behaviors: [pageState],
  data: { seniorId: '', category: '', seniorName: '', address: '', centres: [] as Row[] },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ seniorId: q.seniorId ?? '', category: q.category ?? 'meal' });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const senior = await api.get<SeniorView>(`/seniors/${this.data.seniorId}`, { quiet: true });
        const near = senior.latitude !== null && senior.longitude !== null;
        const query = near ? qs({ lat: senior.latitude!, lng: senior.longitude!, category: this.data.category }) : qs({ category: this.data.category });
        const { items } = await api.get<Items<CentreView>>(`/centres?${query}`, { quiet: true });
        const centres = items
          .slice()
          .sort((a, b) => (a.distanceMetres ?? 0) - (b.distanceMetres ?? 0))
          .map((c) => ({ ...c, walkingText: c.walkingMinutes !== undefined ? T.walking(c.walkingMinutes, c.distanceMetres ?? 0) : '' }));
        this.setData({ centres, seniorName: senior.name, address: senior.address, ...listState(centres.length, T.noCentres) });
      });
    },
    pick(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/book/slots?${qs({ seniorId: this.data.seniorId, category: this.data.category, centreId: e.currentTarget.dataset.id })}`);
    },
  },
});
