import { pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { dayLabel, shanghaiDateTime } from '../../utils/format';
import { T } from '../../utils/texts';
import type { TimeBankAnswer, VolunteerHomeAnswer } from '../../utils/types';
import { go, qs } from '../../utils/ui';

const hours = (minutes: number): string => String(Math.round((minutes / 60) * 10) / 10);
const SIGN: Record<string, number> = { credit: 1, gift_in: 1, spend: -1, gift_out: -1 };

/** 我的志愿服务: a volunteer's hours in the time bank and their history, the seniors paired with them, and the visits due. */
Component({
  behaviors: [pageState],
  data: {
    name: '',
    balance: '',
    seniors: [] as Array<{ id: number; name: string }>,
    visits: [] as Array<{ id: number; name: string; when: string; overdue: boolean }>,
    entries: [] as Array<{ id: number; at: string; note: string; minutes: string }>,
  },
  methods: {
    onShow() {
      this.load();
    },
    load() {
      return this.loading(async () => {
        const me = await api.get<VolunteerHomeAnswer>('/volunteers/me', { quiet: true });
        const bank = await api.get<TimeBankAnswer>(`/time-bank/volunteer/${me.volunteer.id}`, { quiet: true });
        this.setData({
          name: me.volunteer.name,
          balance: T.volunteerHours(hours(me.balanceMinutes)),
          seniors: me.volunteer.seniors.map((s) => ({ id: s.id, name: s.name })),
          visits: me.visits
            .filter((v) => v.status === 'due')
            .map((v) => ({ id: v.id, name: v.senior.name, when: T.visitDue(dayLabel(v.dueOn), v.overdueDays), overdue: v.overdueDays > 0 })),
          entries: bank.entries.slice(0, 10).map((e) => ({
            id: e.id,
            at: shanghaiDateTime(e.at),
            note: e.note,
            minutes: T.minutesSigned((SIGN[e.kind] ?? 1) * e.minutes),
          })),
          state: '',
        });
      });
    },
    record(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/staff/visit-record?${qs({ id: e.currentTarget.dataset.id })}`);
    },
  },
});
