import { randomInt } from 'node:crypto';
import { wechatpayTime } from '../gateways/wechat-pay-notify';

/** What the WeChat Pay sandbox's API answers are made of, shared by orders (wxpay.sandbox.ts) and refunds (wxpay-refunds.ts). */

export type SandboxTradeState = 'SUCCESS' | 'NOTPAY' | 'CLOSED' | 'REFUND';

/** A JSAPI order as the sandbox keeps it. */
export interface SandboxOrder {
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

/** A WeChat-shaped answer: status and (unless 204) a JSON body. */
export interface ApiAnswer {
  status: number;
  body?: Record<string, unknown>;
}

export const fail = (status: number, code: string, message: string): ApiAnswer => ({ status, body: { code, message } });
export const paramError = (field: string, message: string): ApiAnswer => ({
  status: 400,
  body: { code: 'PARAM_ERROR', message: `${field}: ${message}`, detail: { location: 'body', field } },
});

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isText = (v: unknown, max: number, min = 1): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
/** WeChat's rule for notify_url: an http(s) address without query or fragment, at most 256 characters. */
export const isNotifyUrl = (v: unknown): v is string => isText(v, 256) && /^https?:\/\/[^?#\s]+$/.test(v);
export const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
export const compact = (d: Date) => wechatpayTime(d).slice(0, 19).replace(/\D/g, '');

/** How a sandbox refund ends (the knob the tests turn). */
export type SandboxRefundOutcome = 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
