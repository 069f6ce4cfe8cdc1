export interface WechatSession {
  openid: string;
  unionid?: string;
  sessionKey: string;
}

export class WechatLoginError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message);
    this.name = 'WechatLoginError';
  }
}

/** Exchanges a mini-program `wx.login` code for the user's openid (WeChat's `jscode2session`). */
export interface WechatLoginGateway {
  code2Session(code: string): Promise<WechatSession>;
}
