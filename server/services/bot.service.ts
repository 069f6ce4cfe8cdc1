import { BOT_TEXTS } from '../texts';
import type { BotReply, Conversation, InboundMessage } from './wechat-inbox.service';

/**
 * The public account's first words: a welcome on follow and the menu of what can be asked. The conversation
 * that books meals, baths and visits from text and voice is built on this seam (the bot issue).
 */
export class GreetingBot implements Conversation {
  async reply(m: InboundMessage): Promise<BotReply> {
    if (m.MsgType === 'event') {
      if (m.Event === 'subscribe' || m.Event === 'SCAN') return BOT_TEXTS.welcome;
      if (m.Event === 'CLICK') return BOT_TEXTS.help;
      return '';
    }
    const said = m.MsgType === 'voice' ? m.Recognition : m.MsgType === 'text' ? m.Content : undefined;
    if (said !== undefined && said.trim() !== '') return `收到：“${said.trim().slice(0, 50)}”\n${BOT_TEXTS.help}`;
    return BOT_TEXTS.help;
  }
}
