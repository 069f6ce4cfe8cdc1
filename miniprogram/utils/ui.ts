import { currentAccount } from './api';
import { KEYS, read, write } from './storage';

/**
 * Large-text mode: the default for seniors, a switch for everyone. Every page puts `large` on its root view;
 * styles/common.wxss does the rest (body ≥ 20 px, headings larger, tap targets ≥ 48 px, black on white).
 */
export function largeText(): boolean {
  const chosen = read<boolean>(KEYS.largeText);
  if (typeof chosen === 'boolean') return chosen;
  return currentAccount()?.roles.includes('senior') ?? false;
}

export function setLargeText(on: boolean): void {
  write(KEYS.largeText, on);
}

export function toast(title: string): void {
  wx.showToast({ title, icon: 'none', duration: 3000 });
}

export function confirmModal(content: string, confirmText = '确定', cancelText = '取消'): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ title: '请确认', content, confirmText, cancelText, success: (r) => resolve(!!r.confirm), fail: () => resolve(false) });
  });
}

/** A modal with a text box (staff writing a reason): the text, or null when cancelled. */
export function promptModal(title: string, placeholderText: string): Promise<string | null> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      editable: true,
      placeholderText,
      confirmText: '提交',
      cancelText: '取消',
      success: (r) => resolve(r.confirm ? (r.content ?? '').trim() : null),
      fail: () => resolve(null),
    });
  });
}

export type PayOutcome = 'paid' | 'cancelled' | 'failed';

export function requestPayment(p: { timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string }): Promise<PayOutcome> {
  return new Promise((resolve) => {
    wx.requestPayment({
      ...p,
      success: () => resolve('paid'),
      fail: (e) => resolve(/cancel/.test(e.errMsg) ? 'cancelled' : 'failed'),
    });
  });
}

export function scanCode(): Promise<string | null> {
  return new Promise((resolve) => {
    wx.scanCode({ onlyFromCamera: false, scanType: ['qrCode', 'barCode'], success: (r) => resolve(r.result), fail: () => resolve(null) });
  });
}

/** Asks for reminder consent; returns WeChat's answer per template ({} when the dialog could not open). */
export function requestSubscribe(tmplIds: string[]): Promise<Record<string, string>> {
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (r) => {
        const out: Record<string, string> = {};
        for (const id of tmplIds) if (typeof (r as Record<string, unknown>)[id] === 'string') out[id] = (r as Record<string, string>)[id];
        resolve(out);
      },
      fail: () => resolve({}),
    });
  });
}

export function go(url: string): void {
  wx.navigateTo({ url });
}

export function replace(url: string): void {
  wx.redirectTo({ url });
}

export function qs(q: Record<string, string | number | undefined>): string {
  return Object.entries(q)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
}
