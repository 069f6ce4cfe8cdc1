import { randomUUID } from 'node:crypto';
import { wechatpayTime } from '../gateways/wechat-pay-notify';
import type { Clock } from '../lib/clock';
import { digits, fail, isNotifyUrl, isObject, isText, paramError, type ApiAnswer, type SandboxOrder, type SandboxRefundOutcome } from './wxpay-answers';

export type { SandboxRefundOutcome } from './wxpay-answers';
import type { WxpayNotifier } from './wxpay-notifier';

/** How WeChat Pay ends a refund it accepted (the REFUND.* notification says which). */
export type SandboxRefundStatus = 'PROCESSING' | SandboxRefundOutcome;

/** How the sandbox treats refund requests; see `setKnobs`. */
export interface RefundKnobs {
  /** Refuse this many of the next refunds that would be accepted, with 403 NOT_ENOUGH (counts down). */
  failRefunds: number;
  /** How accepted refunds end. */
  refundOutcome: SandboxRefundOutcome;
  /** Accepted refunds stay PROCESSING, without notification, until `releaseHeld()`. */
  holdRefunds: boolean;
}

interface Refund {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  reason?: string;
  notifyUrl?: string;
  refundFen: number;
  totalFen: number;
  status: SandboxRefundStatus;
  createdAt: Date;
  successTime?: Date;
  digest: string;
}

const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

/**
 * The sandbox's refunds (WeChat Pay v3 `/v3/refund/domestic/refunds`) against its paid orders: WeChat's field
 * rules, duplicate refund numbers told apart by content, never more than the order's refundable balance, and a
 * REFUND.* notification when each ends. The knobs make WeChat Pay refuse, hold or fail refunds for tests.
 */
export class SandboxRefunds {
  private readonly refunds = new Map<string, Refund>();
  private knobs: RefundKnobs = { failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false };
  private readonly held: Refund[] = [];

  constructor(
    private readonly mchId: string,
    private readonly clock: Clock,
    private readonly notifier: WxpayNotifier,
    private readonly orders: ReadonlyMap<string, SandboxOrder>,
  ) {}

  create(body: unknown): ApiAnswer {
    if (!isObject(body)) return paramError('body', '请求体必须是 JSON 对象');
    const { out_trade_no, transaction_id, out_refund_no, reason, notify_url, amount } = body;
    if (typeof out_refund_no !== 'string' || !OUT_REFUND_NO.test(out_refund_no)) {
      return paramError('out_refund_no', '1-64 位数字、大小写字母、_-|*@');
    }
    if (reason !== undefined && !isText(reason, 80, 0)) return paramError('reason', '长度不超过 80');
    if (notify_url !== undefined && !isNotifyUrl(notify_url)) return paramError('notify_url', '必须是不带参数的 http(s) 地址');
    if (!isObject(amount)) return paramError('amount', '必填');
    for (const field of ['refund', 'total'] as const) {
      if (!Number.isSafeInteger(amount[field]) || (amount[field] as number) <= 0) {
        return paramError(`amount.${field}`, '必须是正整数（单位：分）');
      }
    }
    if (amount.currency !== 'CNY') return paramError('amount.currency', '必填，只支持 CNY');
    let order: SandboxOrder | undefined;
    if (typeof out_trade_no === 'string') order = this.orders.get(out_trade_no);
    else if (typeof transaction_id === 'string') order = [...this.orders.values()].find((o) => o.transactionId === transaction_id);
    else return paramError('out_trade_no', 'out_trade_no 与 transaction_id 必填其一');
    if (!order) return fail(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (order.state !== 'SUCCESS' && order.state !== 'REFUND') return fail(400, 'INVALID_REQUEST', '订单未支付，不能退款');
    const refundFen = amount.refund as number;
    const totalFen = amount.total as number;
    const digest = JSON.stringify([order.outTradeNo, refundFen, totalFen, reason ?? null, notify_url ?? null]);
    const existing = this.refunds.get(out_refund_no);
    if (existing) {
      if (existing.digest !== digest) return fail(400, 'INVALID_REQUEST', '退款单号重复，且参数与原退款不一致');
      return { status: 200, body: refundJson(existing) };
    }
    if (totalFen !== order.totalFen) return fail(400, 'INVALID_REQUEST', '订单金额与原订单不一致');
    if (order.refundedFen + refundFen > order.totalFen) return fail(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    if (this.knobs.failRefunds > 0) {
      this.knobs.failRefunds--;
      return fail(403, 'NOT_ENOUGH', '基本账户余额不足，请充值后重新发起');
    }
    const refund: Refund = {
      refundId: `50${digits(27)}`,
      outRefundNo: out_refund_no,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId!,
      reason: reason as string | undefined,
      notifyUrl: notify_url as string | undefined,
      refundFen,
      totalFen,
      status: 'PROCESSING',
      createdAt: this.clock.now(),
      digest,
    };
    this.refunds.set(out_refund_no, refund);
    order.refundedFen += refundFen;
    order.state = 'REFUND';
    const answer: ApiAnswer = { status: 200, body: refundJson(refund) };
    if (this.knobs.holdRefunds) this.held.push(refund);
    else this.notifier.track(this.complete(refund, this.knobs.refundOutcome));
    return answer;
  }

  query(outRefundNo: string): ApiAnswer {
    const refund = this.refunds.get(outRefundNo);
    if (!refund) return fail(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, body: refundJson(refund) };
  }

  /** An order's refunds, as the sandbox page lists them. */
  ofOrder(outTradeNo: string): { outRefundNo: string; refundId: string; refundFen: number; status: SandboxRefundStatus }[] {
    return [...this.refunds.values()]
      .filter((r) => r.outTradeNo === outTradeNo)
      .map((r) => ({ outRefundNo: r.outRefundNo, refundId: r.refundId, refundFen: r.refundFen, status: r.status }));
  }

  currentKnobs(): RefundKnobs {
    return { ...this.knobs };
  }

  /** Changes the given knobs (the others stay) and returns them all. */
  setKnobs(knobs: Partial<RefundKnobs>): RefundKnobs {
    this.knobs = { ...this.knobs, ...knobs };
    return this.currentKnobs();
  }

  /** Ends every refund held by `holdRefunds` with the current `refundOutcome`; returns their out_refund_no. */
  releaseHeld(): string[] {
    const released = this.held.splice(0);
    for (const refund of released) this.notifier.track(this.complete(refund, this.knobs.refundOutcome));
    return released.map((r) => r.outRefundNo);
  }

  /**
   * Refunds end right after they are accepted (or released); then REFUND.<outcome> goes to the refund's
   * notify_url. A refund that did not succeed hands its amount back to the order's refundable balance.
   */
  private async complete(refund: Refund, outcome: SandboxRefundOutcome): Promise<void> {
    await this.notifier.sleep(0);
    if (this.notifier.isStopped) return;
    refund.status = outcome;
    if (outcome === 'SUCCESS') refund.successTime = this.clock.now();
    else this.orders.get(refund.outTradeNo)!.refundedFen -= refund.refundFen;
    if (!refund.notifyUrl) return;
    const resource = {
      mchid: this.mchId,
      out_trade_no: refund.outTradeNo,
      transaction_id: refund.transactionId,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_status: outcome,
      // WeChat gives success_time only for a refund that succeeded.
      ...(refund.successTime ? { success_time: wechatpayTime(refund.successTime) } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: refund.totalFen, refund: refund.refundFen, payer_total: refund.totalFen, payer_refund: refund.refundFen },
    };
    const summary: Record<SandboxRefundOutcome, string> = { SUCCESS: '退款成功', ABNORMAL: '退款异常', CLOSED: '退款关闭' };
    await this.notifier.send(
      {
        id: randomUUID(),
        eventType: `REFUND.${outcome}`,
        summary: summary[outcome],
        originalType: 'refund',
        outTradeNo: refund.outTradeNo,
        outRefundNo: refund.outRefundNo,
      },
      refund.notifyUrl,
      resource,
      {},
    );
  }
}

function refundJson(r: Refund): Record<string, unknown> {
  return {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: r.transactionId,
    out_trade_no: r.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(r.successTime ? { success_time: wechatpayTime(r.successTime) } : {}),
    create_time: wechatpayTime(r.createdAt),
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: r.totalFen,
      refund: r.refundFen,
      payer_total: r.totalFen,
      payer_refund: r.refundFen,
      settlement_total: r.totalFen,
      settlement_refund: r.refundFen,
      discount_refund: 0,
      currency: 'CNY',
    },
  };
}
