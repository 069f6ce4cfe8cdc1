/**
 * The one place the mini-program's settings live. For WeChat DevTools against a local server keep `apiBase`
 * at http://127.0.0.1:3000 (and tick "不校验合法域名" in DevTools); a release build points it at the HTTPS
 * domain registered in the mini-program console. Tests set it to the in-process server (`setApiBase`).
 */
export const CONFIG = {
  apiBase: 'http://127.0.0.1:3000',
  /**
   * Subscribe-message templates the family is asked to allow after booking: the service reminder (the day before
   * and the hour before) and the rating request. They must match the `mini` ids the server sends with
   * (`WECHAT_TEMPLATES` on the server; these are the sandbox's defaults, see server/wechat-templates.ts).
   */
  reminderTemplateIds: ['mulin_sub_service_reminder', 'mulin_sub_rating_request'],
  /**
   * Sandbox mode only (a local `npm start` without WeChat credentials): sign in as this demo openid instead of
   * with wx.login's code, e.g. 'o_family_01'. WeChat DevTools' own login codes mean nothing to the sandbox; a
   * server with real credentials refuses `demo:` codes, so leaving this set can never sign anyone in there.
   */
  sandboxLoginAs: '',
  /** Network failures are retried this many times (only for requests that are safe to repeat). */
  networkRetries: 2,
  /** Shown in place of any error the server did not explain in Chinese. */
  supportPhone: '12349',
};

export function setApiBase(base: string): void {
  CONFIG.apiBase = base.replace(/\/+$/, '');
}
