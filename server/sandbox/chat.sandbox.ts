import { randomBytes } from 'node:crypto';
import { Router } from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { z } from 'zod';
import type { Clock } from '../lib/clock';
import type { AccountRepository } from '../repositories/account.repository';
import { ROLE_LABELS } from '../words/texts';
import { cdata, plainSignature, WechatMessageCrypto } from '../lib/wechat-message-crypto';
import { parseWechatXml, type XmlElement, type XmlValue } from '../lib/wechat-xml';
import type { SandboxCredentials } from '../wechat-settings';
import { CHAT_PAGE } from './chat-page';

/** A public-account user the chat page can speak as. */
export interface ChatUser {
  openid: string;
  name: string;
  role: string;
}

/** The demo accounts that follow the public account, as the chat page lists them. */
export async function chatUsers(accounts: AccountRepository): Promise<ChatUser[]> {
  return (await accounts.followers()).map((a) => ({
    openid: a.mpOpenid!,
    name: a.displayName,
    role: a.roles.map((r) => ROLE_LABELS[r as keyof typeof ROLE_LABELS] ?? r).join('、'),
  }));
}

/** What the page shows beside the conversation: messages Mulin sent that user through the WeChat API. */
export interface OutboxReader {
  outboxFor(openid: string): unknown[];
}

const sendSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), content: z.string().min(1).max(600) }),
  z.object({ kind: z.literal('voice'), recognition: z.string().max(600) }),
  z.object({ kind: z.literal('location'), lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180), label: z.string().max(100).default('') }),
  z.object({ kind: z.literal('click'), key: z.string().min(1).max(128) }),
  z.object({ kind: z.literal('subscribe'), scene: z.string().max(64).optional() }),
  z.object({ kind: z.literal('unsubscribe') }),
  z.object({ kind: z.literal('scan'), scene: z.string().min(1).max(64) }),
]);
export type ChatInput = z.infer<typeof sendSchema>;

const requestSchema = z.object({ openid: z.string().min(1).max(64), safeMode: z.boolean().default(false), message: sendSchema });

export interface ChatResult {
  /** HTTP status of Mulin's /wechat. */
  status: number;
  /** The passive reply, decoded: text, news, or nothing. */
  reply:
    | { type: 'text'; content: string }
    | { type: 'news'; articles: Array<{ title: string; description: string; url: string }> }
    | { type: 'none' }
    | { type: 'other'; raw: string };
  /** The XML that was posted (after encryption in safe mode) — what WeChat would have sent. */
  sentXml: string;
}

/**
 * The sandbox's WeChat client: builds the exact XML WeChat pushes for a user's text, voice, location, menu click,
 * follow/unfollow or QR scan, signs it (and encrypts it in safe mode) with the public account's token and AES key,
 * posts it to Mulin's `/wechat` over HTTP, and decodes the passive reply — verifying the reply's signature in
 * safe mode as WeChat would.
 */
export class ChatSandbox {
  private readonly crypto: WechatMessageCrypto;
  /** The public account's original id (gh_…), the ToUserName of every pushed message. */
  readonly accountId = 'gh_mulin_sandbox';

  constructor(
    private readonly creds: SandboxCredentials,
    private readonly clock: Clock,
    /** Where Mulin listens, e.g. http://127.0.0.1:3000 */
    private readonly mulinBase: () => string,
    private readonly users: () => Promise<ChatUser[]>,
    private readonly outbox: OutboxReader | null,
  ) {
    this.crypto = new WechatMessageCrypto(creds.mp.token, creds.mp.aesKey, creds.mp.appId);
  }

  listUsers(): Promise<ChatUser[]> {
    return this.users();
  }

  outboxFor(openid: string): unknown[] {
    return this.outbox?.outboxFor(openid) ?? [];
  }

  /** The XML WeChat pushes for this user action (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html). */
  messageXml(openid: string, m: ChatInput, createTime: number, msgId: string): string {
    const head = `<ToUserName>${cdata(this.accountId)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${createTime}</CreateTime>`;
    const event = (name: string, extra = '') => `<xml>${head}<MsgType>${cdata('event')}</MsgType><Event>${cdata(name)}</Event>${extra}</xml>`;
    switch (m.kind) {
      case 'text':
        return `<xml>${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(m.content)}</Content><MsgId>${msgId}</MsgId></xml>`;
      case 'voice':
        return `<xml>${head}<MsgType>${cdata('voice')}</MsgType><MediaId>${cdata(`sandbox-media-${msgId}`)}</MediaId><Format>${cdata('amr')}</Format><Recognition>${cdata(m.recognition)}</Recognition><MsgId>${msgId}</MsgId></xml>`;
      case 'location':
        return `<xml>${head}<MsgType>${cdata('location')}</MsgType><Location_X>${m.lat}</Location_X><Location_Y>${m.lng}</Location_Y><Scale>15</Scale><Label>${cdata(m.label)}</Label><MsgId>${msgId}</MsgId></xml>`;
      case 'click':
        return event('CLICK', `<EventKey>${cdata(m.key)}</EventKey>`);
      case 'subscribe':
        return m.scene
          ? event('subscribe', `<EventKey>${cdata(`qrscene_${m.scene}`)}</EventKey><Ticket>${cdata(`sandbox-ticket-${m.scene}`)}</Ticket>`)
          : event('subscribe');
      case 'unsubscribe':
        return event('unsubscribe');
      case 'scan':
        return event('SCAN', `<EventKey>${cdata(m.scene)}</EventKey><Ticket>${cdata(`sandbox-ticket-${m.scene}`)}</Ticket>`);
    }
  }

  async send(openid: string, message: ChatInput, safeMode: boolean): Promise<ChatResult> {
    const now = this.clock.now();
    const createTime = Math.floor(now.getTime() / 1000);
    const xml = this.messageXml(openid, message, createTime, String(BigInt(`0x${randomBytes(7).toString('hex')}`)));
    const timestamp = String(createTime);
    const nonce = String(randomBytes(4).readUInt32BE());
    const query = new URLSearchParams({ signature: plainSignature(this.creds.mp.token, timestamp, nonce), timestamp, nonce, openid });
    let body = xml;
    if (safeMode) {
      const encrypt = this.crypto.encrypt(xml);
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', this.crypto.envelopeSignature(timestamp, nonce, encrypt));
      body = `<xml><ToUserName>${cdata(this.accountId)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
    }
    const res = await fetch(`${this.mulinBase()}/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const text = await res.text();
    return { status: res.status, reply: res.ok ? await this.decodeReply(text, safeMode) : { type: 'other', raw: text }, sentXml: body };
  }

  private async decodeReply(text: string, safeMode: boolean): Promise<ChatResult['reply']> {
    if (text.trim() === '' || text === 'success') return { type: 'none' };
    let outer: XmlElement;
    try {
      outer = parseWechatXml(text);
    } catch {
      return { type: 'other', raw: text };
    }
    let r = outer;
    if (safeMode) {
      const encrypt = textOf(outer.Encrypt);
      if (!encrypt || textOf(outer.MsgSignature) !== this.crypto.envelopeSignature(textOf(outer.TimeStamp), textOf(outer.Nonce), encrypt)) {
        return { type: 'other', raw: `reply signature does not verify: ${text}` };
      }
      r = parseWechatXml(this.crypto.decrypt(encrypt));
    }
    const type = textOf(r.MsgType);
    if (type === 'text') return { type: 'text', content: textOf(r.Content) };
    if (type === 'news') {
      const articles = r.Articles && typeof r.Articles === 'object' && !Array.isArray(r.Articles) ? r.Articles.item : undefined;
      const items = (Array.isArray(articles) ? articles : articles ? [articles] : []).map((i) => {
        const item = typeof i === 'object' && !Array.isArray(i) ? i : {};
        return { title: textOf(item.Title), description: textOf(item.Description), url: textOf(item.Url) };
      });
      return { type: 'news', articles: items };
    }
    return { type: 'other', raw: text };
  }
}

function textOf(v: XmlValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** `/chat` (the page), `/chat/users`, `/chat/send`, `/chat/outbox` — mounted under /sandbox. */
export function chatSandboxRoutes(chat: ChatSandbox): Router {
  const r = new Router();
  r.get('/chat', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = CHAT_PAGE;
  });
  r.get('/chat/users', async (ctx) => {
    ctx.body = { users: await chat.listUsers() };
  });
  r.get('/chat/outbox', (ctx) => {
    const openid = String(ctx.query.openid ?? '');
    ctx.body = { messages: openid ? chat.outboxFor(openid) : [] };
  });
  r.post('/chat/send', bodyParser({ enableTypes: ['json'], jsonLimit: '16kb' }), async (ctx) => {
    const parsed = requestSchema.safeParse(ctx.request.body);
    if (!parsed.success) {
      ctx.status = 422;
      ctx.body = {
        error: { code: 'VALIDATION_FAILED', message: '消息格式不对', details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } },
      };
      return;
    }
    ctx.body = await chat.send(parsed.data.openid, parsed.data.message, parsed.data.safeMode);
  });
  return r;
}
