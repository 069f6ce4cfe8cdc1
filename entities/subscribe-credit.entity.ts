import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/**
 * 订阅消息额度: how many subscribe messages of one mini-program template an account may still be sent. Each
 * `accept` of wx.requestSubscribeMessage grants exactly one message (WeChat's one-time subscription), so every
 * accept recorded adds one and every message sent spends one; a 43101 refusal sets it back to 0.
 */
@Entity('subscribe_credit')
@Unique('uq_subscribe_credit', ['accountId', 'templateId'])
export class SubscribeCredit {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @TextColumn(64)
  templateId!: string;

  @Column({ type: 'int', default: 0 })
  credits!: number;

  @InstantColumn()
  updatedAt!: Date;
}
