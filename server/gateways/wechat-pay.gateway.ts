import { randomBytes } from 'node:crypto';
import Pay from 'wechatpay-node-v3';
import type { RequestPaymentParams } from '../contracts/api-types';
import type { Clock } from '../lib/clock';
import type { WechatSettings } from '../wechat-settings';
import { PayNotificationRejected, verifyWechatpaySignature, wechatpayTime } from './wechat-pay-notify';

/**
 * WeChat Pay v3 for Mulin: JSAPI (mini-program) prepay, order query and close, refunds. The only module that
 * imports wechatpay-node-v3. The library builds the requests and signs them (Authorization
 * `WECHATPAY2-SHA256-RSA2048`); everything around it is ours:
 *
 * - transport: the library hard-codes `https://api.mch.weixin.qq.com` in every URL; its `createHttp` hook lets
 *   us replace the HTTP service, which rewrites the origin to `settings.payApiBase` (the sandbox in sandbox mode)
 *   and verifies WeChat Pay's signature on every successful response, which the library never does;
 * - errors: the library *returns* failures as `{status, error}`; we throw WechatPayError instead;
 * - time and nonces: the library reads `new Date()` and `Math.random()` (index.js:355-357, 539-542); we sign
 *   with the injected Clock and crypto-random nonces (see ClockedPay).
 * Amounts are integer fen throughout.
 */

export type TradeState = 'SUCCESS' | 'NOTPAY' | 'CLOSED' | 'REFUND' | 'USERPAYING' | 'PAYERROR' | 'REVOKED';
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export class WechatPayError extends Error {
  constructor(
    /** HTTP status WeChat Pay answered with; 0 when no answer came (network failure). */
    readonly status: number,
    /** WeChat Pay's error code (`ORDERNOTEXIST`, `SIGN_ERROR`, …) or ours: NETWORK, BAD_RESPONSE, BAD_RESPONSE_SIGNATURE. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WechatPayError';
  }
}

export interface JsapiPrepayInput {
  appId: string;
  outTradeNo: string;
  description: string;
  amountFen: number;
  payerOpenid: string;
  timeExpire?: Date;
  attach?: string;
}

export type { RequestPaymentParams };

export interface PayOrderStatus {
  tradeState: TradeState;
  tradeStateDesc?: string;
  transactionId?: string;
  amountFen: number;
  payerOpenid?: string;
  successTime?: Date;
}

export interface RefundInput {
  outTradeNo: string;
  outRefundNo: string;
  reason: string;
  refundFen: number;
  totalFen: number;
}

export interface RefundResult {
  refundId: string;
  outRefundNo: string;
  status: RefundStatus;
  successTime?: Date;
}

export interface WechatPayGatewayOptions {
  fetchImpl?: typeof fetch;
  /** Per request; WeChat Pay answers in well under a second when healthy. */
  timeoutMs?: number;
}

const WECHAT_PAY_ORIGIN = 'https://api.mch.weixin.qq.com';
// WeChat's rules for merchant order and refund numbers; anything else would also change the signed URL path.
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

type PayHttpService = Parameters<Pay['createHttp']>[0];
type PayOutput = Awaited<ReturnType<PayHttpService['get']>>;

const unixSeconds = (d: Date) => String(Math.floor(d.getTime() / 1000));
const nonce = () => randomBytes(16).toString('hex').toUpperCase();

/** The library's Pay with request signing on Mulin's clock and a crypto-random nonce. */
class ClockedPay extends Pay {
  private readonly clock: Clock;

  constructor(settings: WechatSettings, clock: Clock) {
    super({
      appid: settings.mini.appId,
      mchid: settings.pay.mchId,
      // Passing serial_no keeps the constructor from parsing `publicKey` as an X.509 certificate (index.js:86-87);
      // `publicKey` is otherwise used only for that, but must not be empty (index.js:83-84).
      serial_no: settings.pay.serialNo,
      publicKey: Buffer.from(settings.pay.merchantPublicKeyPem ?? settings.pay.platformPublicKeyPem),
      privateKey: Buffer.from(settings.pay.privateKeyPem),
      key: settings.pay.apiV3Key,
      userAgent: 'Mulin (wechatpay-node-v3)',
    });
    this.clock = clock;
  }

  // Same message and header as the library's (getSignature/getAuthorization), with our time and nonce.
  protected override buildAuthorization(method: string, url: string, params?: Record<string, unknown>): string {
    const nonceStr = nonce();
    const timestamp = unixSeconds(this.clock.now());
    const signature = this.getSignature(method, nonceStr, timestamp, url.replace(WECHAT_PAY_ORIGIN, ''), params);
    return this.getAuthorization(nonceStr, timestamp, signature);
  }

  /** RSA-SHA256 by the merchant key, base64 (the library's protected `sign`). */
  signWithMerchantKey(message: string): string {
    return this.sign(message);
  }
}

/** The HTTP service handed to the library: WeChat Pay's origin rewritten to `payApiBase`, responses verified. */
class RebasedHttp implements PayHttpService {
  constructor(
    private readonly settings: WechatSettings,
    private readonly clock: Clock,
    private readonly fetchImpl: typeof fetch,
    private readonly timeoutMs: number,
  ) {}

  get(url: string, headers: Record<string, string>): Promise<PayOutput> {
    return this.send('GET', url, headers, undefined);
  }

  post(url: string, params: Record<string, unknown>, headers: Record<string, string>): Promise<PayOutput> {
    // The library signed JSON.stringify(params) (index.js:259-260); send exactly that string.
    return this.send('POST', url, headers, JSON.stringify(params));
  }

  upload(): Promise<PayOutput> {
    return Promise.reject(new Error('WechatPayGateway does not upload files'));
  }

  private async send(method: string, url: string, headers: Record<string, string>, body: string | undefined): Promise<PayOutput> {
    if (!url.startsWith(WECHAT_PAY_ORIGIN)) throw new Error(`unexpected WeChat Pay URL ${url}`);
    const target = this.settings.payApiBase.replace(/\/+$/, '') + url.slice(WECHAT_PAY_ORIGIN.length);
    // fetch negotiates its own compression; the library's Accept-Encoding would only get in the way.
    const sendHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'accept-encoding'));
    let status: number;
    let text: string;
    let responseHeaders: Headers;
    try {
      const res = await this.fetchImpl(target, { method, headers: sendHeaders, body, signal: AbortSignal.timeout(this.timeoutMs) });
      status = res.status;
      responseHeaders = res.headers;
      text = await res.text();
    } catch (err) {
      throw new WechatPayError(0, 'NETWORK', `WeChat Pay ${method} ${url.slice(WECHAT_PAY_ORIGIN.length)} failed: ${(err as Error).message}`);
    }
    if (status < 200 || status >= 300) return { status, error: text };
    this.verify(status, responseHeaders, text);
    if (!text) return { status };
    try {
      return { status, data: JSON.parse(text) };
    } catch {
      throw new WechatPayError(status, 'BAD_RESPONSE', 'WeChat Pay answered with something that is not JSON');
    }
  }

  // A response we act on must come from WeChat Pay: same signature scheme as notifications.
  private verify(status: number, headers: Headers, text: string): void {
    try {
      verifyWechatpaySignature({
        headers: Object.fromEntries(headers.entries()),
        rawBody: text,
        now: this.clock.now(),
        platformPublicKeyPem: this.settings.pay.platformPublicKeyPem,
        platformPublicKeyId: this.settings.pay.platformPublicKeyId,
      });
    } catch (err) {
      if (!(err instanceof PayNotificationRejected)) throw err;
      throw new WechatPayError(status, 'BAD_RESPONSE_SIGNATURE', `WeChat Pay response not verified (${err.reason}): ${err.message}`);
    }
  }
}

/** Turns the library's `{status, data | error}` into data or a thrown WechatPayError. */
function unwrap(output: PayOutput): unknown {
  const status = Number(output.status) || 0;
  if (status >= 200 && status < 300) return output.data;
  if (!status) throw new WechatPayError(0, 'NETWORK', 'WeChat Pay did not answer');
  let code = `HTTP_${status}`;
  let message = typeof output.error === 'string' && output.error ? output.error : `WeChat Pay answered ${status}`;
  try {
    const parsed = JSON.parse(String(output.error)) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'string') code = parsed.code;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON (a proxy's error page): keep the HTTP status as the code
  }
  throw new WechatPayError(status, code, message);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WechatPayError(200, 'BAD_RESPONSE', `WeChat Pay ${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

const optString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const optTime = (v: unknown): Date | undefined => {
  const s = optString(v);
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

const TRADE_STATES: readonly TradeState[] = ['SUCCESS', 'NOTPAY', 'CLOSED', 'REFUND', 'USERPAYING', 'PAYERROR', 'REVOKED'];
const REFUND_STATUSES: readonly RefundStatus[] = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'];

function fen(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${what} must be a positive whole number of fen`);
  return value;
}

function check(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new RangeError(`${what} ${JSON.stringify(value)} is not a valid WeChat Pay number`);
  return value;
}

export class WechatPayGateway {
  private readonly pay: ClockedPay;

  constructor(
    private readonly settings: WechatSettings,
    private readonly clock: Clock,
    options: WechatPayGatewayOptions = {},
  ) {
    this.pay = new ClockedPay(settings, clock);
    this.pay.createHttp(new RebasedHttp(settings, clock, options.fetchImpl ?? fetch, options.timeoutMs ?? 10_000));
  }

  /** Creates (or, for the same content, re-fetches) a JSAPI order and signs the mini-program's payment call. */
  async jsapiPrepay(input: JsapiPrepayInput): Promise<{ prepayId: string; requestPayment: RequestPaymentParams }> {
    const out = unwrap(
      await this.pay.transactions_jsapi({
        appid: input.appId,
        mchid: this.settings.pay.mchId,
        description: input.description,
        out_trade_no: check(input.outTradeNo, OUT_TRADE_NO, 'outTradeNo'),
        notify_url: this.settings.pay.notifyUrl,
        amount: { total: fen(input.amountFen, 'amountFen'), currency: 'CNY' },
        payer: { openid: input.payerOpenid },
        ...(input.timeExpire ? { time_expire: wechatpayTime(input.timeExpire) } : {}),
        ...(input.attach !== undefined ? { attach: input.attach } : {}),
      }),
    );
    // On 200 the library replaces the body with its own wx.requestPayment parameters (index.js:536-549), stamped
    // with new Date() and Math.random(); we keep only the prepay_id and sign our own.
    const pkg = optString(object(out, 'prepay').package);
    if (!pkg?.startsWith('prepay_id=')) throw new WechatPayError(200, 'BAD_RESPONSE', 'WeChat Pay prepay: no prepay_id');
    const prepayId = pkg.slice('prepay_id='.length);
    return { prepayId, requestPayment: this.requestPayment(input.appId, prepayId) };
  }

  /**
   * Signs the parameters of `wx.requestPayment` / `getBrandWCPayRequest` for an order already open at WeChat Pay
   * (`appId\ntimeStamp\nnonceStr\npackage\n`, RSA-SHA256 by the merchant key), so asking to pay again needs no
   * new order.
   */
  requestPayment(appId: string, prepayId: string): RequestPaymentParams {
    const pkg = `prepay_id=${prepayId}`;
    const timeStamp = unixSeconds(this.clock.now());
    const nonceStr = nonce();
    const paySign = this.pay.signWithMerchantKey(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  async queryByOutTradeNo(outTradeNo: string): Promise<PayOrderStatus> {
    const o = object(unwrap(await this.pay.query({ out_trade_no: check(outTradeNo, OUT_TRADE_NO, 'outTradeNo') })), 'query');
    const tradeState = o.trade_state as TradeState;
    if (!TRADE_STATES.includes(tradeState)) throw new WechatPayError(200, 'BAD_RESPONSE', `unknown trade_state ${String(o.trade_state)}`);
    const amount = (o.amount ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(amount.total)) throw new WechatPayError(200, 'BAD_RESPONSE', 'WeChat Pay query: no amount.total');
    return {
      tradeState,
      tradeStateDesc: optString(o.trade_state_desc),
      transactionId: optString(o.transaction_id),
      amountFen: amount.total as number,
      payerOpenid: optString((o.payer as Record<string, unknown> | undefined)?.openid),
      successTime: optTime(o.success_time),
    };
  }

  /** Closes an unpaid order (WeChat answers 204; closing a paid one is 400 ORDERPAID). */
  async close(outTradeNo: string): Promise<void> {
    unwrap(await this.pay.close(check(outTradeNo, OUT_TRADE_NO, 'outTradeNo')));
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    const out = unwrap(
      await this.pay.refunds({
        out_trade_no: check(input.outTradeNo, OUT_TRADE_NO, 'outTradeNo'),
        out_refund_no: check(input.outRefundNo, OUT_REFUND_NO, 'outRefundNo'),
        reason: input.reason,
        notify_url: this.settings.pay.refundNotifyUrl,
        amount: { refund: fen(input.refundFen, 'refundFen'), total: fen(input.totalFen, 'totalFen'), currency: 'CNY' },
      }),
    );
    return refundResult(out);
  }

  async queryRefund(outRefundNo: string): Promise<RefundResult> {
    return refundResult(unwrap(await this.pay.find_refunds(check(outRefundNo, OUT_REFUND_NO, 'outRefundNo'))));
  }
}

function refundResult(value: unknown): RefundResult {
  const r = object(value, 'refund');
  const status = r.status as RefundStatus;
  const refundId = optString(r.refund_id);
  const outRefundNo = optString(r.out_refund_no);
  if (!refundId || !outRefundNo || !REFUND_STATUSES.includes(status)) {
    throw new WechatPayError(200, 'BAD_RESPONSE', 'WeChat Pay refund: missing refund_id, out_refund_no or status');
  }
  return { refundId, outRefundNo, status, successTime: optTime(r.success_time) };
}
