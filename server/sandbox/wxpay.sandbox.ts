import { randomBytes, randomInt, randomUUID, verify as verifySignature } from 'node:crypto';
import { MAX_SKEW_SECONDS, wechatpayTime } from '../gateways/wechat-pay-notify';
import type { Clock } from '../lib/clock';
import type { SandboxCredentials } from '../wechat-settings';
import { WxpayNotifier, type NotificationAttempt, type NotifyOptions } from './wxpay-notifier';

export type { NotificationAttempt, NotifyOptions } from './wxpay-notifier';

/**
 * An imitation of WeChat Pay v3 (api.mch.weixin.qq.com) for sandbox mode and tests: JSAPI orders, query, close,
 * refunds, with WeChat's checks (request signatures, field rules, duplicate order numbers) and WeChat's
 * behaviour towards the merchant (signed responses; signed, encrypted notifications, redelivered on failure:
 * wxpay-notifier.ts).
 * Everything lives in memory: a restart forgets every order.
 *
 * Mount `wxpaySandboxRoutes(sandbox)` (wxpay.routes.ts) at `/sandbox/wxpay`; Mulin's `payApiBase` is then `<origin>/sandbox/wxpay`.
 */

export type SandboxTradeState = 'SUCCESS' | 'NOTPAY' | 'CLOSED' | 'REFUND';
/** How WeChat Pay ends a refund it accepted (the REFUND.* notification says which). */
export type SandboxRefundOutcome = 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
export type SandboxRefundStatus = 'PROCESSING' | SandboxRefundOutcome;

/** How the sandbox treats refund requests; see `setRefundKnobs`. */
export interface RefundKnobs {
  /** Refuse this many of the next refunds that would be accepted, with 403 NOT_ENOUGH (counts down). */
  failRefunds: number;
  /** How accepted refunds end. */
  refundOutcome: SandboxRefundOutcome;
  /** Accepted refunds stay PROCESSING, without notification, until `releaseHeldRefunds()`. */
  holdRefunds: boolean;
}

export interface WxpaySandboxOptions {
  creds: SandboxCredentials;
  clock: Clock;
  /**
   * Wait before each delivery attempt. WeChat's real schedule is 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/
   * 3h/6h/6h (about 24 h); this compresses it.
   */
  retryDelaysMs?: number[];
  fetchImpl?: typeof fetch;
}

interface Order {
  appid: string;
  mchid: string;
  outTradeNo: string;
  description: string;
  attach?: string;
  notifyUrl: string;
  totalFen: number;
  payerOpenid: string;
  timeExpire?: string;
  prepayId: string;
  /** The request's content, to tell a retry (same prepay_id) from a clash (INVALID_REQUEST). */
  digest: string;
  state: SandboxTradeState;
  createdAt: Date;
  transactionId?: string;
  successTime?: Date;
  refundedFen: number;
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

export interface SandboxOrderView {
  outTradeNo: string;
  appId: string;
  description: string;
  amountFen: number;
  payerOpenid: string;
  state: SandboxTradeState;
  prepayId: string;
  /** As the merchant sent it (RFC 3339). */
  timeExpire?: string;
  transactionId?: string;
  createdAt: Date;
  successTime?: Date;
  refundedFen: number;
  refunds: { outRefundNo: string; refundId: string; refundFen: number; status: SandboxRefundStatus }[];
}

/** A WeChat-shaped answer: status and (unless 204) a JSON body. */
export interface ApiAnswer {
  status: number;
  body?: Record<string, unknown>;
}

/** Refusal of a sandbox action (not a WeChat API answer). */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:\d{2}|Z)$/;

export const fail = (status: number, code: string, message: string): ApiAnswer => ({ status, body: { code, message } });
export const paramError = (field: string, message: string): ApiAnswer => ({
  status: 400,
  body: { code: 'PARAM_ERROR', message: `${field}: ${message}`, detail: { location: 'body', field } },
});

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number, min = 1): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const compact = (d: Date) => wechatpayTime(d).slice(0, 19).replace(/\D/g, '');

export class WxpaySandbox {
  private readonly creds: SandboxCredentials;
  private readonly clock: Clock;
  private readonly notifier: WxpayNotifier;
  private readonly orders = new Map<string, Order>();
  private readonly refunds = new Map<string, Refund>();
  private knobs: RefundKnobs = { failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false };
  private failingCloses = 0;
  private readonly heldRefunds: Refund[] = [];

  constructor(opts: WxpaySandboxOptions) {
    this.creds = opts.creds;
    this.clock = opts.clock;
    this.notifier = new WxpayNotifier({
      creds: opts.creds,
      clock: opts.clock,
      retryDelaysMs: opts.retryDelaysMs?.length ? [...opts.retryDelaysMs] : [0, 200, 1000, 3000, 10000],
      fetchImpl: opts.fetchImpl ?? fetch,
    });
  }

  // ---- Signatures, both ways ----

  /**
   * Checks a merchant request's `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,timestamp=…,
   * serial_no=…,signature=…`: the signature is RSA-SHA256 by the merchant key over
   * `METHOD\nURL(path+query)\nTIMESTAMP\nNONCE\nBODY\n` (BODY empty for GET). Returns why it fails, or undefined.
   */
  checkAuthorization(method: string, url: string, body: string, authorization: string | undefined): string | undefined {
    if (!authorization) return '缺少 Authorization 请求头';
    const m = /^WECHATPAY2-SHA256-RSA2048\s+(.+)$/.exec(authorization);
    if (!m) return 'Authorization 的认证类型不是 WECHATPAY2-SHA256-RSA2048';
    const f: Record<string, string> = {};
    for (const [, key, value] of m[1].matchAll(/(\w+)="([^"]*)"/g)) f[key] = value;
    if (!f.mchid || !f.nonce_str || !f.timestamp || !f.serial_no || !f.signature) return 'Authorization 缺少字段';
    if (f.mchid !== this.creds.pay.mchId) return '商户号与 Authorization 不符';
    if (f.serial_no !== this.creds.pay.serialNo) return '商户证书序列号有误';
    const skew = /^\d{1,12}$/.test(f.timestamp) ? Math.abs(this.unixNow() - Number(f.timestamp)) : Infinity;
    if (skew > MAX_SKEW_SECONDS) return '请求时间戳与当前时间相差过大';
    const message = Buffer.from(`${method}\n${url}\n${f.timestamp}\n${f.nonce_str}\n${body}\n`);
    const ok = verifySignature('sha256', message, this.creds.pay.merchantPublicKeyPem, Buffer.from(f.signature, 'base64'));
    return ok ? undefined : '签名错误，请检查签名串与私钥';
  }

  /** The headers WeChat Pay signs a response (or notification) body with. */
  signedHeaders(body: string, at: Date = this.clock.now()): Record<string, string> {
    return this.notifier.signedHeaders(body, at);
  }

  // ---- The WeChat Pay API ----

  createJsapiOrder(body: unknown): ApiAnswer {
    if (!isObject(body)) return paramError('body', '请求体必须是 JSON 对象');
    const { appid, mchid, description, out_trade_no, notify_url, amount, payer, time_expire, attach } = body;
    if (!isText(appid, 32)) return paramError('appid', '必填，长度 1-32');
    if (!isText(mchid, 32)) return paramError('mchid', '必填，长度 1-32');
    if (!isText(description, 127)) return paramError('description', '必填，长度 1-127');
    if (typeof out_trade_no !== 'string' || !OUT_TRADE_NO.test(out_trade_no)) {
      return paramError('out_trade_no', '6-32 位数字、大小写字母、_-|*');
    }
    if (!isText(notify_url, 256) || !/^https?:\/\/[^?#\s]+$/.test(notify_url)) {
      return paramError('notify_url', '必须是不带参数的 http(s) 地址');
    }
    if (!isObject(amount) || !Number.isSafeInteger(amount.total) || (amount.total as number) <= 0) {
      return paramError('amount.total', '必须是正整数（单位：分）');
    }
    if (amount.currency !== undefined && amount.currency !== 'CNY') return paramError('amount.currency', '只支持 CNY');
    if (!isObject(payer) || !isText(payer.openid, 128)) return paramError('payer.openid', '必填');
    if (time_expire !== undefined && (typeof time_expire !== 'string' || !RFC3339.test(time_expire))) {
      return paramError('time_expire', '必须是 RFC 3339 时间');
    }
    if (attach !== undefined && !isText(attach, 128, 0)) return paramError('attach', '长度不超过 128');
    if (mchid !== this.creds.pay.mchId) return fail(400, 'INVALID_REQUEST', 'mchid 与请求的商户号不一致');
    if (appid !== this.creds.mini.appId && appid !== this.creds.mp.appId) {
      return fail(400, 'APPID_MCHID_NOT_MATCH', 'appid 和 mchid 不匹配');
    }
    const totalFen = amount.total as number;
    const digest = JSON.stringify([appid, description, totalFen, payer.openid, attach ?? null, time_expire ?? null, notify_url]);
    const existing = this.orders.get(out_trade_no);
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return fail(400, 'ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') return fail(400, 'ORDERCLOSED', '订单已关闭');
      if (existing.digest !== digest) return fail(400, 'INVALID_REQUEST', '商户订单号重复，且参数与原订单不一致');
      return { status: 200, body: { prepay_id: existing.prepayId } };
    }
    const now = this.clock.now();
    const order: Order = {
      appid,
      mchid,
      outTradeNo: out_trade_no,
      description,
      attach: attach as string | undefined,
      notifyUrl: notify_url,
      totalFen,
      payerOpenid: payer.openid as string,
      timeExpire: time_expire as string | undefined,
      prepayId: `wx${compact(now)}${randomBytes(12).toString('hex').slice(0, 20)}`,
      digest,
      state: 'NOTPAY',
      createdAt: now,
      refundedFen: 0,
    };
    this.orders.set(out_trade_no, order);
    return { status: 200, body: { prepay_id: order.prepayId } };
  }

  queryOrder(outTradeNo: string, mchid: string | undefined): ApiAnswer {
    if (!mchid) return paramError('mchid', '必填（查询参数）');
    if (mchid !== this.creds.pay.mchId) return fail(400, 'INVALID_REQUEST', 'mchid 与请求的商户号不一致');
    const order = this.orders.get(outTradeNo);
    if (!order) return fail(404, 'ORDERNOTEXIST', '订单不存在');
    return { status: 200, body: this.transactionJson(order) };
  }

  closeOrder(outTradeNo: string, body: unknown): ApiAnswer {
    if (this.failingCloses > 0) {
      this.failingCloses--;
      return fail(500, 'SYSTEM_ERROR', '系统错误');
    }
    if (!isObject(body) || !isText(body.mchid, 32)) return paramError('mchid', '必填');
    if (body.mchid !== this.creds.pay.mchId) return fail(400, 'INVALID_REQUEST', 'mchid 与请求的商户号不一致');
    const order = this.orders.get(outTradeNo);
    if (!order) return fail(404, 'ORDERNOTEXIST', '订单不存在');
    if (order.state === 'SUCCESS' || order.state === 'REFUND') return fail(400, 'ORDERPAID', '订单已支付，不能关闭');
    order.state = 'CLOSED';
    return { status: 204 };
  }

  createRefund(body: unknown): ApiAnswer {
    if (!isObject(body)) return paramError('body', '请求体必须是 JSON 对象');
    const { out_trade_no, transaction_id, out_refund_no, reason, notify_url, amount } = body;
    if (typeof out_refund_no !== 'string' || !OUT_REFUND_NO.test(out_refund_no)) {
      return paramError('out_refund_no', '1-64 位数字、大小写字母、_-|*@');
    }
    if (reason !== undefined && !isText(reason, 80, 0)) return paramError('reason', '长度不超过 80');
    if (notify_url !== undefined && (!isText(notify_url, 256) || !/^https?:\/\/[^?#\s]+$/.test(notify_url))) {
      return paramError('notify_url', '必须是不带参数的 http(s) 地址');
    }
    if (!isObject(amount)) return paramError('amount', '必填');
    for (const field of ['refund', 'total'] as const) {
      if (!Number.isSafeInteger(amount[field]) || (amount[field] as number) <= 0) {
        return paramError(`amount.${field}`, '必须是正整数（单位：分）');
      }
    }
    if (amount.currency !== 'CNY') return paramError('amount.currency', '必填，只支持 CNY');
    let order: Order | undefined;
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
      return { status: 200, body: this.refundJson(existing) };
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
    const answer: ApiAnswer = { status: 200, body: this.refundJson(refund) };
    if (this.knobs.holdRefunds) this.heldRefunds.push(refund);
    else this.notifier.track(this.completeRefund(refund, this.knobs.refundOutcome));
    return answer;
  }

  queryRefund(outRefundNo: string): ApiAnswer {
    const refund = this.refunds.get(outRefundNo);
    if (!refund) return fail(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, body: this.refundJson(refund) };
  }

  // ---- Sandbox actions (the sandbox page and tests) ----

  /**
   * The payer pays: the order becomes SUCCESS and WeChat Pay's TRANSACTION.SUCCESS notification goes out
   * (no notification, and no notificationId, with `silent`).
   */
  pay(outTradeNo: string, opts: NotifyOptions = {}): { transactionId: string; notificationId?: string } {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new SandboxError(404, 'ORDERNOTEXIST', '订单不存在');
    if (order.state !== 'NOTPAY') throw new SandboxError(409, 'ORDER_NOT_PAYABLE', `订单状态为 ${order.state}，不能支付`);
    const now = this.clock.now();
    if (order.timeExpire && new Date(order.timeExpire).getTime() <= now.getTime()) {
      throw new SandboxError(409, 'ORDER_EXPIRED', '订单已过支付截止时间');
    }
    order.state = 'SUCCESS';
    order.transactionId = `4200${digits(6)}${compact(now).slice(0, 8)}${digits(10)}`;
    order.successTime = now;
    if (opts.silent) return { transactionId: order.transactionId };
    const resource = this.transactionJson(order);
    if (opts.amountFen !== undefined) {
      resource.amount = { ...(resource.amount as Record<string, unknown>), total: opts.amountFen, payer_total: opts.amountFen };
    }
    if (opts.mchid !== undefined) resource.mchid = opts.mchid;
    if (opts.appid !== undefined) resource.appid = opts.appid;
    const notificationId = randomUUID();
    this.notifier.track(
      this.notifier.send(
        { id: notificationId, eventType: 'TRANSACTION.SUCCESS', summary: '支付成功', originalType: 'transaction', outTradeNo },
        order.notifyUrl,
        resource,
        opts,
      ),
    );
    return { transactionId: order.transactionId, notificationId };
  }

  /** The next `n` close-order requests fail with 500 SYSTEM_ERROR (WeChat Pay having a bad minute). */
  failNextCloses(n: number): void {
    this.failingCloses = Math.max(0, Math.floor(n));
  }

  refundKnobs(): RefundKnobs {
    return { ...this.knobs };
  }

  /** Changes the given refund knobs (the others stay) and returns them all. */
  setRefundKnobs(knobs: Partial<RefundKnobs>): RefundKnobs {
    this.knobs = { ...this.knobs, ...knobs };
    return this.refundKnobs();
  }

  /** Ends every refund held by `holdRefunds` with the current `refundOutcome`; returns their out_refund_no. */
  releaseHeldRefunds(): string[] {
    const released = this.heldRefunds.splice(0);
    for (const refund of released) this.notifier.track(this.completeRefund(refund, this.knobs.refundOutcome));
    return released.map((r) => r.outRefundNo);
  }

  /**
   * Sends a notification that already went out once more, as WeChat does when it believes a delivery failed:
   * same id and body, signed afresh, to the same URL, retried like the first; logged as `duplicate`.
   */
  redeliver(notificationId: string): void {
    if (!this.notifier.redeliver(notificationId)) throw new SandboxError(404, 'NOTIFICATION_NOT_FOUND', '通知不存在');
  }

  listOrders(): SandboxOrderView[] {
    return [...this.orders.values()].map((o) => ({
      outTradeNo: o.outTradeNo,
      appId: o.appid,
      description: o.description,
      amountFen: o.totalFen,
      payerOpenid: o.payerOpenid,
      state: o.state,
      prepayId: o.prepayId,
      timeExpire: o.timeExpire,
      transactionId: o.transactionId,
      createdAt: o.createdAt,
      successTime: o.successTime,
      refundedFen: o.refundedFen,
      refunds: [...this.refunds.values()]
        .filter((r) => r.outTradeNo === o.outTradeNo)
        .map((r) => ({ outRefundNo: r.outRefundNo, refundId: r.refundId, refundFen: r.refundFen, status: r.status })),
    }));
  }

  /** Every notification delivery attempt, oldest first (the last 1000). */
  notificationLog(): NotificationAttempt[] {
    return this.notifier.attempts();
  }

  /** Resolves when no notification is waiting or in flight (retries included). */
  settled(): Promise<void> {
    return this.notifier.settled();
  }

  /** Cancels every pending redelivery (the server is going away). */
  stop(): void {
    this.notifier.stop();
  }

  // ---- Internals ----

  private unixNow(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  private transactionJson(o: Order): Record<string, unknown> {
    const paid = o.state === 'SUCCESS' || o.state === 'REFUND';
    const desc: Record<SandboxTradeState, string> = { NOTPAY: '订单未支付', SUCCESS: '支付成功', CLOSED: '订单已关闭', REFUND: '转入退款' };
    return {
      appid: o.appid,
      mchid: o.mchid,
      out_trade_no: o.outTradeNo,
      ...(paid ? { transaction_id: o.transactionId, trade_type: 'JSAPI', bank_type: 'OTHERS' } : {}),
      trade_state: o.state,
      trade_state_desc: desc[o.state],
      ...(o.attach !== undefined ? { attach: o.attach } : {}),
      ...(paid ? { success_time: wechatpayTime(o.successTime!), payer: { openid: o.payerOpenid } } : {}),
      amount: paid
        ? { total: o.totalFen, payer_total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' }
        : { total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  private refundJson(r: Refund): Record<string, unknown> {
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

  /**
   * Refunds end right after they are accepted (or released); then REFUND.<outcome> goes to the refund's
   * notify_url. A refund that did not succeed hands its amount back to the order's refundable balance.
   */
  private async completeRefund(refund: Refund, outcome: SandboxRefundOutcome): Promise<void> {
    await this.notifier.sleep(0);
    if (this.notifier.isStopped) return;
    refund.status = outcome;
    if (outcome === 'SUCCESS') refund.successTime = this.clock.now();
    else this.orders.get(refund.outTradeNo)!.refundedFen -= refund.refundFen;
    if (!refund.notifyUrl) return;
    const resource = {
      mchid: this.creds.pay.mchId,
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
