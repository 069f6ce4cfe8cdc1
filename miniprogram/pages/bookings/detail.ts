import { pageState } from '../../behaviors/page-state';
import { api } from '../../utils/api';
import { dayLabel, shanghaiDateTime, yuan } from '../../utils/format';
import { qrMatrix } from '../../utils/qrcode';
import { T } from '../../utils/texts';
import type { BookingView, LedgerView, PrepayAnswer } from '../../utils/types';
import { confirmModal, requestPayment, toast } from '../../utils/ui';

const CANCELLABLE = ['pending_payment', 'pending_confirmation', 'confirmed'];
const SHOW_CODE = ['pending_confirmation', 'confirmed'];

/** One booking: status, price breakdown, payments and refunds, its check-in code; pay, cancel, rate. */
Component({
  behaviors: [pageState],
  data: {
    id: 0,
    b: null as BookingView | null,
    dayText: '',
    priceText: '',
    subsidyText: '',
    copayText: '',
    payments: [] as Array<{ id: number; amountText: string; statusLabel: string }>,
    refunds: [] as Array<{ id: number; text: string }>,
    showCode: false,
    /** The check-in code as QR modules, 1 dark / 0 light (what the centre's wx.scanCode reads). */
    qr: [] as number[][],
    canCancel: false,
    cutoffText: '',
    canRate: false,
    stars: T.stars.map((label, i) => ({ score: i + 1, label: `${i + 1} 星 ${label}` })),
    score: 0,
    comment: '',
    busy: false,
  },
  methods: {
    onLoad(q: Record<string, string | undefined>) {
      this.setData({ id: Number(q.id) });
      this.load();
    },
    load() {
      // A reload (after paying, cancelling, rating) keeps the booking on screen instead of a loading line.
      return this.loading(
        async () => {
          const [b, ledger] = await Promise.all([
            api.get<BookingView>(`/bookings/${this.data.id}`, { quiet: true }),
            api.get<LedgerView>(`/bookings/${this.data.id}/payments`, { quiet: true }),
          ]);
          const beforeCutoff = Date.now() < new Date(b.cancelCutoffAt).getTime();
          const active = CANCELLABLE.includes(b.status);
          this.setData({
            b,
            state: '',
            dayText: dayLabel(b.serviceDate),
            priceText: yuan(b.priceFen),
            subsidyText: b.subsidyFen ? `− ${yuan(b.subsidyFen)}` : '0 元',
            copayText: yuan(b.copayFen),
            // What the family needs to see is money that moved; an open order only while it can still be paid.
            payments: ledger.payments
              .filter((p) => p.status === 'paid' || (p.status === 'created' && b.status === 'pending_payment'))
              .map((p) => ({ id: p.id, amountText: yuan(p.amountFen), statusLabel: p.statusLabel })),
            refunds: ledger.refunds.map((r) => ({ id: r.id, text: T.refundOf(yuan(r.amountFen), r.statusLabel) })),
            showCode: SHOW_CODE.includes(b.status),
            qr: SHOW_CODE.includes(b.status) ? qrMatrix(b.code).map((row) => row.map((dark) => (dark ? 1 : 0))) : [],
            canCancel: active && beforeCutoff,
            cutoffText: active ? (beforeCutoff ? `${shanghaiDateTime(b.cancelCutoffAt)} 前可以取消` : T.cutoffPassed) : '',
            canRate: b.status === 'served',
          });
        },
        this.data.b ? null : 'loading',
      );
    },
    async pay() {
      try {
        const p = await api.post<PrepayAnswer>(`/bookings/${this.data.id}/pay`, { via: 'miniprogram' });
        const outcome = await requestPayment(p.requestPayment);
        toast(outcome === 'paid' ? T.paid : outcome === 'cancelled' ? T.payCancelled : T.payFailed);
        for (let i = 0; i < 5; i++) {
          await this.load();
          if (this.data.b?.status !== 'pending_payment' || outcome !== 'paid') break;
          await new Promise((r) => setTimeout(r, 400));
        }
      } catch {
        // the client showed the error
      }
    },
    async cancel() {
      const b = this.data.b;
      if (!b || this.data.busy) return;
      const ledger = await api.get<LedgerView>(`/bookings/${b.id}/payments`).catch(() => null);
      if (!ledger) return;
      const refundFen = ledger.paidFen - ledger.refundedFen - ledger.refundingFen;
      if (!(await confirmModal(T.cancelConfirm(refundFen > 0 ? yuan(refundFen) : ''), '确定取消', '不取消'))) return;
      this.setData({ busy: true });
      try {
        await api.post(`/bookings/${b.id}/cancel`, { reason: '在小程序取消' });
        toast(refundFen > 0 ? `${T.cancelled}，退回 ${yuan(refundFen)}` : T.cancelled);
        await this.load();
      } catch {
        await this.load();
      } finally {
        this.setData({ busy: false });
      }
    },
    pickScore(e: WechatMiniprogram.TouchEvent) {
      this.setData({ score: Number(e.currentTarget.dataset.score) });
    },
    onComment(e: WechatMiniprogram.Input) {
      this.setData({ comment: String(e.detail.value) });
    },
    async rate() {
      if (!this.data.score) return toast('请先选几颗星');
      try {
        await api.post(`/bookings/${this.data.id}/rating`, { score: this.data.score, comment: this.data.comment });
        toast(T.rateThanks);
        await this.load();
      } catch {
        // the client showed the error
      }
    },
    call() {
      if (this.data.b?.centre.phone) wx.makePhoneCall({ phoneNumber: this.data.b.centre.phone });
    },
  },
});
