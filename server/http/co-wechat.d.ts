// co-wechat ships no types; this covers the one entry point Mulin uses.
declare module 'co-wechat' {
  import type { Context, Next } from 'koa';

  interface CoWechatConfig {
    token: string;
    appid?: string;
    encodingAESKey?: string;
  }

  interface CoWechat {
    /** `handle` returns the passive reply: text, news articles, or '' for none. */
    middleware<M>(handle: (message: M, ctx: Context) => Promise<unknown>): (ctx: Context, next: Next) => Promise<void>;
  }

  function wechat(config: CoWechatConfig | string, isDebug?: boolean): CoWechat;
  export = wechat;
}
