import { randomBytes, randomUUID, verify as verifySignature } from 'node:crypto';
import { MAX_SKEW_SECONDS, wechatpayTime } from '../gateways/wechat-pay-notify';
import type { Clock } from '../lib/clock';
import type { SandboxCredentials } from '../wechat-settings';
import { compact, digits, fail, isNotifyUrl, isObject, isText, paramError, type ApiAnswer, type SandboxOrder, type SandboxTradeState } from './wxpay-answers';
import { WxpayNotifier, type NotificationAttempt, type NotifyOptions } from './wxpay-notifier';
import { SandboxRefunds, type RefundKnobs, type SandboxRefundStatus } from './wxpay-refunds';

export type { NotificationAttempt, NotifyOptions } from './wxpay-notifier';
export { fail, isObject, paramError, type ApiAnswer, type SandboxTradeState } from './wxpay-answers';
export type { RefundKnobs, SandboxRefundOutcome, SandboxRefundStatus } from './wxpay-refunds';

/**
 * An imitation of WeChat Pay v3 (api.mch.weixin.qq.com) for sandbox mode and tests: JSAPI orders, query, close,
 * refunds (wxpay-refunds.ts), with WeChat's checks (request signatures, field rules, duplicate order numbers) and WeChat's
 * behaviour towards the merchant (signed responses; signed, encrypted notifications, redelivered on failure:
 * wxpay-notifier.ts).
 * Everything lives in memory: a restart forgets every order.
 *
 * Mount `wxpaySandboxRoutes(sandbox)` (wxpay.routes.ts) at `/sandbox/wxpay`; Mulin's `payApiBase` is then `<origin>/sandbox/wxpay`.
 */

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
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:\d{2}|Z)$/;

export class WxpaySandbox {
  private readonly creds: SandboxCredentials;
  private readonly clock: Clock;
  private readonly notifier: WxpayNotifier;
  private readonly orders = new Map<string, SandboxOrder>();
  private readonly refunds: SandboxRefunds;
  private failingCloses = 0;

  constructor(opts: WxpaySandboxOptions) {
    this.creds = opts.creds;
    this.clock = opts.clock;
    this.notifier = new WxpayNotifier({
      creds: opts.creds,
      clock: opts.clock,
      retryDelaysMs: opts.retryDelaysMs?.length ? [...opts.retryDelaysMs] : [0, 200, 1000, 3000, 10000],
      fetchImpl: opts.fetchImpl ?? fetch,
    });
    this.refunds = new SandboxRefunds(opts.creds.pay.mchId, opts.clock, this.notifier, this.orders);
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
    if (!isNotifyUrl(notify_url)) return paramError('notify_url', '必须是不带参数的 http(s) 地址');
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
    const order: SandboxOrder = {
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
    return this.refunds.create(body);
  }

  queryRefund(outRefundNo: string): ApiAnswer {
    return this.refunds.query(outRefundNo);
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
    return this.refunds.currentKnobs();
  }

  /** Changes the given refund knobs (the others stay) and returns them all. */
  setRefundKnobs(knobs: Partial<RefundKnobs>): RefundKnobs {
    return this.refunds.setKnobs(knobs);
  }

  /** Ends every refund held by `holdRefunds` with the current `refundOutcome`; returns their out_refund_no. */
  releaseHeldRefunds(): string[] {
    return this.refunds.releaseHeld();
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
      refunds: this.refunds.ofOrder(o.outTradeNo),
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

  private transactionJson(o: SandboxOrder): Record<string, unknown> {
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
}
