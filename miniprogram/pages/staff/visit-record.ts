import { pageState } from '../../behaviors/page-state';
import { api, errorText } from '../../utils/api';
import { dayLabel } from '../../utils/format';
import { T } from '../../utils/texts';
import type { Items, RecordedVisitAnswer, VisitPhotoView, VisitView } from '../../utils/types';
import { toast } from '../../utils/ui';

type Choice = { value: string; label: string };
/** What the server takes (it checks the bytes themselves); at most this many photos, each at most 5 MB. */
const MAX_PHOTOS = 3;
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const photoType = (path: string): string => {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  return ext === 'png' ? 'image/png' : ext === 'webp' ? 'image/webp' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : 'application/octet-stream';
};
const readFile = (filePath: string): Promise<ArrayBuffer> =>
  new Promise((resolve, reject) =>
    wx.getFileSystemManager().readFile({ filePath, success: (r) => resolve(r.data as ArrayBuffer), fail: () => reject(new Error(T.photoFailed)) }),
  );

const choices = (labels: Record<string, string>): Choice[] => Object.entries(labels).map(([value, label]) => ({ value, label }));

/**
 * 登记探访: proof of being there (the code the senior's page shows, or the phone's location), then the short form —
 * health, mood, home safety, needs, a note — and the switch that tells the centre at once about a worry. Photos are
 * optional: taken before saving, sent one by one once the visit is recorded (the server takes them within a day).
 */
Component({
  behaviors: [pageState],
  data: {
    id: 0,
    visit: null as VisitView | null,
    when: '',
    code: '',
    location: null as { latitude: number; longitude: number } | null,
    health: '',
    mood: '',
    homeSafety: '',
    needs: '',
    note: '',
    concern: false,
    concernNote: '',
    /** Photos taken, as the phone's temporary files. */
    photos: [] as string[],
    maxPhotos: MAX_PHOTOS,
    photosText: '',
    healthChoices: choices(T.healthChoices),
    moodChoices: choices(T.moodChoices),
    safetyChoices: choices(T.safetyChoices),
    busy: false,
    error: '',
  },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ id: Number(q.id ?? 0) });
      this.load();
    },
    load() {
      return this.loading(async () => {
        const [overdue, due] = await Promise.all([
          api.get<Items<VisitView>>('/visits/mine?list=overdue', { quiet: true }),
          api.get<Items<VisitView>>('/visits/mine?list=due', { quiet: true }),
        ]);
        const visit = [...overdue.items, ...due.items].find((v) => v.id === this.data.id) ?? null;
        if (!visit) return this.setData({ state: 'empty', message: T.visitGone });
        this.setData({ visit, when: T.visitDue(dayLabel(visit.dueOn), visit.overdueDays), state: '' });
      });
    },
    onCode(e: WechatMiniprogram.Input) {
      this.setData({ code: String(e.detail.value).replace(/\D/g, '').slice(0, 6), error: '' });
    },
    locate() {
      wx.getLocation({
        type: 'gcj02',
        success: (r) => this.setData({ location: { latitude: r.latitude, longitude: r.longitude }, error: '' }),
        fail: () => this.setData({ error: T.locationFailed }),
      });
    },
    pick(e: WechatMiniprogram.TouchEvent) {
      const { field, value } = e.currentTarget.dataset as { field: 'health' | 'mood' | 'homeSafety'; value: string };
      this.setData({ [field]: value, error: '' });
    },
    onNeeds(e: WechatMiniprogram.Input) {
      this.setData({ needs: String(e.detail.value) });
    },
    onNote(e: WechatMiniprogram.Input) {
      this.setData({ note: String(e.detail.value) });
    },
    onConcernNote(e: WechatMiniprogram.Input) {
      this.setData({ concernNote: String(e.detail.value) });
    },
    addPhoto() {
      const left = MAX_PHOTOS - this.data.photos.length;
      if (left <= 0) return;
      wx.chooseMedia({
        count: left,
        mediaType: ['image'],
        sourceType: ['camera', 'album'],
        sizeType: ['compressed'],
        success: (r) => {
          const files = r.tempFiles.filter((f) => f.size <= MAX_PHOTO_BYTES).map((f) => f.tempFilePath);
          const photos = [...this.data.photos, ...files].slice(0, MAX_PHOTOS);
          this.setData({ photos, photosText: T.photosChosen(photos.length), error: files.length < r.tempFiles.length ? T.photoTooBig : '' });
        },
      });
    },
    clearPhotos() {
      this.setData({ photos: [], photosText: '' });
    },
    toggleConcern() {
      this.setData({ concern: !this.data.concern });
    },
    async submit() {
      const d = this.data;
      if (d.busy || !d.visit) return;
      const proof = /^\d{6}$/.test(d.code) ? { code: d.code } : d.location;
      if (!proof) return this.setData({ error: T.proofMissing });
      if (!d.health || !d.mood || !d.homeSafety) return this.setData({ error: T.chooseAll });
      this.setData({ busy: true, error: '' });
      try {
        const r = await api.post<RecordedVisitAnswer>(
          `/visits/${d.visit.id}/record`,
          {
            proof,
            health: d.health,
            mood: d.mood,
            homeSafety: d.homeSafety,
            needs: d.needs.trim(),
            note: d.note.trim(),
            concern: d.concern,
            concernNote: d.concern ? d.concernNote.trim() : '',
            version: d.visit.version,
          },
          { quiet: true },
        );
        const saved = r.creditedMinutes > 0 ? T.visitCredited(r.creditedMinutes / 60) : T.visitSaved;
        const notSent = await this.sendPhotos(d.visit.id);
        toast(notSent ? T.photosNotSent(notSent) : saved);
        wx.navigateBack({ delta: 1 });
      } catch (err) {
        this.setData({ error: errorText(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
    /** Sends the photos taken, one by one; answers why one was not sent ('' when all were). */
    async sendPhotos(visitId: number): Promise<string> {
      for (const path of this.data.photos) {
        try {
          await api.upload<VisitPhotoView>(`/visits/${visitId}/photos`, await readFile(path), photoType(path), { quiet: true });
        } catch (err) {
          return err instanceof Error && !('code' in err) ? err.message : errorText(err);
        }
      }
      return '';
    },
  },
});
