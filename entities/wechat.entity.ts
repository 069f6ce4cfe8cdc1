import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/**
 * WeChat access tokens, one row per appid, shared by every server instance: whoever refreshes writes it here and
 * the others read it, so instances never fetch over each other (refreshes go through `stable_token`).
 */
@Entity('wechat_access_token')
export class WechatAccessToken {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  appId!: string;

  @TextColumn(512)
  token!: string;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}

/**
 * A message or event pushed to `/wechat`, claimed by its dedupe key (MsgId, or FromUserName + CreateTime for
 * events) before it is handled, so that WeChat's retries, on whichever instance they land, are not handled twice:
 * the primary key decides which delivery is the first. The exchange itself is written once, when answered, to
 * `wechat_inbound`. Two narrow inserts cost MariaDB half of what one wide insert and an update of the same row
 * did (the update grew the row and moved it in two indexes): 57 against 120 µs a message, measured batched by 40.
 */
@Entity('wechat_push_claim')
export class WechatPushClaim {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  dedupeKey!: string;

  @InstantColumn()
  claimedAt!: Date;
}

/**
 * A message or event pushed to `/wechat` and what the bot answered, written once when it is answered (see
 * WechatPushClaim for who answers). The passive reply is kept so that a retry after a lost answer gets the same
 * one. It is also the conversation log staff read: who said what, what the bot understood, and what it answered.
 */
@Entity('wechat_inbound')
@Index('idx_wechat_inbound_senior', ['seniorId', 'id'])
@Index('idx_wechat_inbound_openid', ['openid', 'id'])
export class WechatInbound {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_wechat_inbound_key', { unique: true })
  @TextColumn(128)
  dedupeKey!: string;

  @TextColumn(64)
  openid!: string;

  @TextColumn(32)
  msgType!: string;

  @InstantColumn()
  receivedAt!: Date;

  /** What the person said (text, or the voice recognition), or what they did ("[位置] …", "[菜单] SOS"). */
  @TextColumn(600, { default: '' })
  said!: string;

  /** Set once handled: what the bot took it to mean (`book_meal`, `emergency`, …). */
  @TextColumn(32, { default: '' })
  intent!: string;

  /** Set once handled: the account that spoke (null while unbound) and the senior the exchange was about. */
  @Column({ type: 'int', nullable: true })
  accountId!: number | null;

  @Column({ type: 'int', nullable: true })
  seniorId!: number | null;

  /** Set once handled: the passive reply sent (may be '' when the answer went out by customer-service message). */
  @Column({ type: 'text', nullable: true })
  reply!: string | null;

  @InstantColumn({ nullable: true })
  handledAt!: Date | null;
}

/** A mini-program user refused (or has not renewed) consent for a subscribe-message template (errcode 43101). */
@Entity('wechat_subscribe_refusal')
@Unique('uq_subscribe_refusal', ['openid', 'templateId'])
export class WechatSubscribeRefusal {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(64)
  openid!: string;

  @TextColumn(64)
  templateId!: string;

  @InstantColumn()
  refusedAt!: Date;
}
