import { pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { dayLabel } from '../../utils/format';
import { T } from '../../utils/texts';
import { toast } from '../../utils/ui';
import type { AccountView, SeniorView, VisitCodeAnswer } from '../../utils/types';

/**
 * The senior's 探访码: the six digits a visitor at the door types to prove the visit (their family sees it too). On
 * her own page she also says whether her family may read how each visit went (PUT /seniors/:id/care-sharing).
 */
Component({
  behaviors: [pageState],
  data: { seniorId: 0, code: '', due: '', self: false, shared: false, version: 0, saving: false },
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
      }).then(() => this.loadSharing());
    },
    async loadSharing() {
      const me = await api.get<AccountView>('/me', { quiet: true }).catch(() => null);
      if (!me || me.seniorId !== this.data.seniorId) return this.setData({ self: false });
      const [care, senior] = await Promise.all([
        api.get<{ sharedWithFamily: boolean }>(`/seniors/${this.data.seniorId}/care`, { quiet: true }),
        api.get<SeniorView>(`/seniors/${this.data.seniorId}`, { quiet: true }),
      ]).catch(() => [null, null] as const);
      if (!care || !senior) return this.setData({ self: false });
      this.setData({ self: true, shared: care.sharedWithFamily, version: senior.version });
    },
    async toggleShare() {
      if (this.data.saving) return;
      const share = !this.data.shared;
      this.setData({ saving: true });
      try {
        const r = await api.put<{ shareCareWithFamily: boolean; version: number }>(`/seniors/${this.data.seniorId}/care-sharing`, {
          share,
          version: this.data.version,
        });
        this.setData({ shared: r.shareCareWithFamily, version: r.version });
        toast(share ? T.shareSavedOn : T.shareSavedOff);
      } catch {
        await this.loadSharing(); // read afresh (someone may have changed her record); the api has said what went wrong
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
