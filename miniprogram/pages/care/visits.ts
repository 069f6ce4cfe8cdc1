import { pageState } from '../../behaviors/page-state';
import { api, download, showError } from '../../utils/api';
import { dayLabel } from '../../utils/format';
import { T } from '../../utils/texts';
import type { SeniorCareAnswer, VisitView } from '../../utils/types';

interface Row {
  id: number;
  when: string;
  condition: string;
  note: string;
  concern: string;
  concernOpen: boolean;
  photoIds: number[];
  photosLabel: string;
}

function rowOf(v: VisitView): Row {
  const done = v.status === 'done';
  const who = (done ? v.visitedBy : v.assignee.name) || T.someone;
  const concern =
    v.concernStatus === 'open' ? T.concernOpen(v.concernNote) : v.concernStatus === 'resolved' ? T.concernResolved(v.concernNote, v.concernResolution) : '';
  return {
    id: v.id,
    when: done && v.doneAt ? T.visitDoneBy(dayLabel(shanghaiDay(v.doneAt)), who) : T.visitPlanned(dayLabel(v.dueOn), who),
    condition:
      done && v.health && v.mood && v.homeSafety
        ? T.visitCondition(T.healthChoices[v.health] ?? '', T.moodChoices[v.mood] ?? '', T.safetyChoices[v.homeSafety] ?? '')
        : '',
    note: [v.needs, v.note].filter((x) => x).join('；'),
    concern,
    concernOpen: v.concernStatus === 'open',
    photoIds: v.photoIds,
    photosLabel: v.photoIds.length > 0 ? T.seePhotos(v.photoIds.length) : '',
  };
}

/** The day of an instant in Shanghai (UTC+8, no summer time). */
function shanghaiDay(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * A parent's visits, for the family (and the senior): the next one planned and who comes, the visits of the last
 * four weeks with what the visitor saw, any worry and what the centre did about it, and the photos where there are.
 * Where the senior has not chosen to share her visits with the family, the family see only the next visit and a
 * plain word that the rest is hers to share.
 */
Component({
  behaviors: [pageState],
  data: { seniorId: 0, name: '', title: '', next: '', notShared: '', items: [] as Row[] },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      const name = q.name ? decodeURIComponent(q.name) : '';
      this.setData({ seniorId: Number(q.seniorId ?? 0), name, title: name ? T.careOf(name) : T.careTitle });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const r = await api.get<SeniorCareAnswer>(`/seniors/${this.data.seniorId}/care`, { quiet: true });
        const shown = r.visits
          .filter((v) => v.status === 'done')
          .sort((a, b) => (b.doneAt ?? '').localeCompare(a.doneAt ?? ''))
          .map(rowOf);
        const next = r.next ? T.nextVisit(dayLabel(r.next.dueOn), r.next.visitor || T.someone) : T.noNextVisit;
        // Without the senior's consent the family hear only of the next visit: say so, with no empty list below it.
        if (r.recordsHidden) {
          this.setData({ next, notShared: T.careNotShared(this.data.name || T.theSenior), items: [], state: '', message: '' });
          return;
        }
        this.setData({
          next,
          notShared: '',
          items: shown,
          state: shown.length ? '' : 'empty',
          message: shown.length ? '' : T.noCareVisits,
        });
      });
    },
    /** The photos of one visit, fetched with the session, shown full screen. */
    async photos(e: WechatMiniprogram.TouchEvent) {
      const row = this.data.items.find((x) => x.id === Number(e.currentTarget.dataset.id));
      if (!row) return;
      try {
        const urls = await Promise.all(row.photoIds.map((p) => download(`/visits/${row.id}/photos/${p}`)));
        wx.previewImage({ urls, current: urls[0] });
      } catch (err) {
        showError(err);
      }
    },
  },
});
