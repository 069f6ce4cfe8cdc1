import { pageState } from '../../behaviors/page-state';
import { api, login, showError } from '../../utils/api';
import { T } from '../../utils/texts';
import { yuan } from '../../utils/format';
import type { FamilyLinkView, Items, NoticeInbox, RaisedAlertAnswer, UsualMealView, VolunteerHomeAnswer } from '../../utils/types';
import { confirmModal, go, largeText, qs, setLargeText } from '../../utils/ui';

type Role = '' | 'senior' | 'family' | 'staff';

/** Home: what a senior, a family member or a staff member starts from. */
Component({
  behaviors: [pageState],
  data: {
    categories: T.categories,
    greeting: T.homeTitle as string,
    role: '' as Role,
    seniorId: 0,
    links: [] as FamilyLinkView[],
    unread: 0,
    /** Tomorrow's meal as last time, for a senior in large-text mode: one tap, then the quote to confirm. */
    usual: null as UsualMealView | null,
    usualWhat: '',
    usualPrice: '',
    /** A volunteer (registered by a centre): their visits are one tap away. */
    volunteer: false,
  },
  methods: {
    onShow() {
      this.load();
    },
    load() {
      return this.loading(async () => {
        const me = await login();
        const role: Role = me.roles.includes('staff') ? 'staff' : me.roles.includes('senior') ? 'senior' : 'family';
        this.setData({ large: largeText(), role, seniorId: me.seniorId ?? 0, greeting: `${me.displayName}，您好` });
        if (role === 'family') {
          const links = await api.get<Items<FamilyLinkView>>('/family-links');
          // Anyone may be a centre's volunteer; most are not (the server answers 404 then, and nothing is shown).
          const volunteer = await api.get<VolunteerHomeAnswer>('/volunteers/me', { quiet: true }).then(
            () => true,
            () => false,
          );
          this.setData({ links: links.items, volunteer });
        }
        if (role === 'senior' && me.seniorId && largeText()) await this.loadUsual(me.seniorId);
        const notices = await api.get<NoticeInbox>('/me/notices', { quiet: true }).catch(() => ({ unread: 0 }));
        this.setData({ unread: notices.unread ?? 0, state: '' });
      });
    },
    /** A card that is not there is no loss: the four screens still work. */
    async loadUsual(seniorId: number) {
      const { usual } = await api.get<{ usual: UsualMealView | null }>(`/seniors/${seniorId}/usual-meal`, { quiet: true }).catch(() => ({ usual: null }));
      this.setData({
        usual,
        usualWhat: usual ? T.usualWhat(usual.start, T.usualKinds[usual.kind] ?? '', T.usualModes[usual.deliveryMode] ?? '') : '',
        usualPrice: usual ? T.usualPrice(yuan(usual.copayFen)) : '',
      });
    },
    /** One tap: straight to the quote of that meal, the way of eating already chosen; booking it is the confirm. */
    bookUsual() {
      const u = this.data.usual;
      if (!u) return;
      go(`/pages/book/confirm?${qs({ seniorId: u.seniorId, slotIds: u.slotId, mode: u.deliveryMode })}`);
    },
    toggleLarge() {
      setLargeText(!this.data.large);
      this.setData({ large: !this.data.large });
      if (this.data.large && this.data.role === 'senior' && this.data.seniorId) this.loadUsual(this.data.seniorId);
      else this.setData({ usual: null });
    },
    bookSelf(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/book/centres?${qs({ seniorId: this.data.seniorId, category: e.currentTarget.dataset.category })}`);
    },
    bookFor(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/book/service?${qs({ seniorId: e.currentTarget.dataset.id })}`);
    },
    bookingsOf(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/bookings/list?${qs({ seniorId: e.currentTarget.dataset.id })}`);
    },
    myBookings() {
      go(`/pages/bookings/list?${qs({ seniorId: this.data.seniorId })}`);
    },
    careOf(e: WechatMiniprogram.TouchEvent) {
      go(`/pages/care/visits?${qs({ seniorId: e.currentTarget.dataset.id, name: e.currentTarget.dataset.name })}`);
    },
    openVolunteer() {
      go('/pages/care/volunteer');
    },
    linkParent() {
      go('/pages/family/link');
    },
    openNotices() {
      go('/pages/notices/list');
    },
    openWorkbench() {
      go('/pages/staff/workbench');
    },
    openVisits() {
      go('/pages/staff/visits');
    },
    openVisitCode() {
      go(`/pages/care/code?${qs({ seniorId: this.data.seniorId })}`);
    },
    /** 助急: one confirmation, then the alert goes to the family and the centre at once. */
    async askHelp() {
      if (!(await confirmModal(T.helpConfirm, T.helpYes, T.helpNo))) return;
      try {
        const r = await api.post<RaisedAlertAnswer>('/emergencies', { seniorId: this.data.seniorId }, { quiet: true });
        wx.showModal({ title: T.help, content: T.helpSent(r.notified), showCancel: false, confirmText: '知道了' });
      } catch (err) {
        showError(err);
      }
    },
  },
});
