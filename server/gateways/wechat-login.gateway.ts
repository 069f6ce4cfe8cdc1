import { createHash } from 'node:crypto';

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

/**
 * Stands in for jscode2session until the WeChat sandbox gateway lands: every well-formed code maps to a stable
 * openid, and `demo:<openid>` logs in as that openid, which is how the demo family accounts are reached.
 */
export class StandInWechatLogin implements WechatLoginGateway {
  async code2Session(code: string): Promise<WechatSession> {
    if (!/^[\x21-\x7e]{1,128}$/.test(code)) throw new WechatLoginError(40029, 'invalid code');
    const openid = code.startsWith('demo:')
      ? code.slice(5)
      : `oSBX${createHash('sha256').update(code).digest('base64url').slice(0, 24)}`;
    return { openid, sessionKey: createHash('sha256').update(`session:${code}`).digest('base64') };
  }
}
