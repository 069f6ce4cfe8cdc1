import { pageState } from '../../behaviors/page-state';
import { api, errorText } from '../../utils/api';
import { T } from '../../utils/texts';
import type { FamilyLinkView } from '../../utils/types';
import { toast } from '../../utils/ui';

/** A family member redeems the 6-digit code their parent (or the centre) got. */
Component({
  behaviors: [pageState],
  data: { code: '', relation: '女儿', relations: ['女儿', '儿子', '儿媳', '女婿', '孙辈', '其他亲属'], busy: false, error: '' },
  methods: {
    onCode(e: WechatMiniprogram.Input) {
      this.setData({ code: String(e.detail.value).replace(/\D/g, '').slice(0, 6), error: '' });
    },
    pickRelation(e: WechatMiniprogram.TouchEvent) {
      this.setData({ relation: String(e.currentTarget.dataset.value) });
    },
    async submit() {
      if (this.data.busy) return;
      if (!/^\d{6}$/.test(this.data.code)) return this.setData({ error: T.linkCodeInvalid });
      this.setData({ busy: true, error: '' });
      try {
        const link = await api.post<FamilyLinkView>('/family-links', { code: this.data.code, relation: this.data.relation }, { quiet: true });
        toast(T.linked(link.senior.name));
        wx.navigateBack({ delta: 1 });
      } catch (err) {
        this.setData({ error: errorText(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
