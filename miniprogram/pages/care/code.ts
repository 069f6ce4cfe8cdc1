import { pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { dayLabel } from '../../utils/format';
import { T } from '../../utils/texts';
import type { VisitCodeAnswer } from '../../utils/types';

/** The senior's 探访码: the six digits a visitor at the door types to prove the visit (their family sees it too). */
Component({
  behaviors: [pageState],
  data: { seniorId: 0, code: '', due: '' },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ seniorId: Number(q.seniorId ?? 0) });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const r = await api.get<VisitCodeAnswer>(`/seniors/${this.data.seniorId}/visit-code`, { quiet: true });
        if (!r.code || !r.dueOn) return this.setData({ code: '', due: '', state: 'empty', message: T.noVisitCode });
        this.setData({ code: r.code, due: T.visitCodeDue(dayLabel(r.dueOn)), state: '' });
      });
    },
  },
});
