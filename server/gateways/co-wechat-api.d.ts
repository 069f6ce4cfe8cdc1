/**
 * The parts of co-wechat-api 3.11 that WechatMessenger uses (the package ships no types). Source:
 * node_modules/co-wechat-api/lib/api_common.js and the api_*.js mixins named on each method.
 */
declare module 'co-wechat-api' {
  namespace WechatAPI {
    /** What the getToken/saveToken hooks exchange; `expireTime` is epoch milliseconds. */
    interface TokenData {
      accessToken: string;
      expireTime: number;
    }

    /** httpx options; `request` merges them over `setOpts` defaults. */
    interface RequestOptions {
      method?: string;
      data?: string | Buffer;
      dataType?: string;
      headers?: Record<string, string>;
      timeout?: number;
    }

    /**
     * Thrown by `request` for a non-2xx status or unparsable JSON (no `code`) and for a reply with a non-zero
     * `errcode` (`code` = errcode). Transport failures come straight from httpx (its `code` is a string such as
     * 'ECONNREFUSED').
     */
    interface ApiError extends Error {
      code?: number | string;
    }

    /** A large WeChat number as json-bigint parses it (a bignumber.js instance). */
    interface BigNumberLike {
      toFixed(): string;
    }

    interface MiniprogramLink {
      appid: string;
      pagepath: string;
    }
  }

  class WechatAPI {
    constructor(
      appid: string,
      appsecret: string,
      getToken?: () => Promise<WechatAPI.TokenData | null | undefined>,
      saveToken?: (token: WechatAPI.TokenData | null) => Promise<void>,
      tokenFromCustom?: boolean,
    );
    appid: string;
    appsecret: string;
    prefix: string;
    snsPrefix: string;
    getToken: () => Promise<WechatAPI.TokenData | null | undefined>;
    saveToken: (token: WechatAPI.TokenData | null) => Promise<void>;
    setOpts(opts: WechatAPI.RequestOptions): void;
    /** `retry` (default 3): how often a 40001/42001 reply makes it drop the token, fetch another and retry. */
    request(url: string, opts?: WechatAPI.RequestOptions, retry?: number): Promise<unknown>;
    getAccessToken(): Promise<WechatAPI.TokenData>;
    ensureAccessToken(): Promise<WechatAPI.TokenData>;

    /** api_miniprogram_login.js */
    code2Session(jsCode: string): Promise<unknown>;
    /** api_template.js */
    sendTemplate(
      openid: string,
      templateId: string,
      url: string | undefined,
      topColor: string | undefined,
      data: Record<string, { value: string; color?: string }>,
      miniprogram?: WechatAPI.MiniprogramLink,
    ): Promise<unknown>;
    /** api_subscribe_message.js */
    sendSubscribeMessage(openid: string, templateId: string, page: string, data: Record<string, { value: string }>): Promise<unknown>;
    /** api_message.js (customer-service message) */
    sendText(openid: string, text: string): Promise<unknown>;
    /** api_menu.js */
    createMenu(menu: unknown): Promise<unknown>;
  }

  export = WechatAPI;
}
