import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';

export const SERVICE_CATEGORIES = ['meal', 'bath', 'home_visit'] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

/** What exactly is served: a meal kind, a bath, or one home-visit service. */
export const SERVICE_KINDS = ['breakfast', 'lunch', 'dinner', 'bath', 'cleaning', 'escort', 'nursing', 'haircut'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const SERVICE_KIND_LABELS: Record<ServiceKind, string> = {
  breakfast: '早餐',
  lunch: '午餐',
  dinner: '晚餐',
  bath: '助浴',
  cleaning: '上门保洁',
  escort: '陪同就医',
  nursing: '上门护理',
  haircut: '上门理发',
};

export const DELIVERY_MODES = ['dine_in', 'pick_up', 'delivery', 'at_centre', 'at_home'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** 服务项目 offered by one centre, priced in fen. */
@Entity('service_item')
@Index('idx_service_item_centre', ['centreId', 'category'])
export class ServiceItem {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  centreId!: number;

  @Column({ type: 'simple-enum', enum: SERVICE_CATEGORIES })
  category!: ServiceCategory;

  @Column({ type: 'simple-enum', enum: SERVICE_KINDS })
  kind!: ServiceKind;

  @TextColumn(100)
  name!: string;

  @TextColumn(500, { default: '' })
  description!: string;

  /**
   * The price it was created with: what it costs on any day before its first dated price (ServicePrice). The price
   * on a given day is the latest ServicePrice from on or before that day, else this.
   */
  @Column({ type: 'int' })
  priceFen!: number;

  /** Delivery modes this item can be had in; the first is the default. */
  @Column({ type: 'simple-array' })
  deliveryModes!: DeliveryMode[];

  /** Most portions (or visits) one booking may ask for. */
  @Column({ type: 'int', default: 1 })
  maxQuantity!: number;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Optimistic concurrency: an edit or a new price sends the version it read. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;
}

/**
 * A dated price of a service item (调价): from `validFrom` (a Shanghai day) on, until a later one. Bookings keep the
 * price they were made at, so a new price never reprices a booking already made.
 */
@Entity('service_price')
@Unique('uq_service_price_item_from', ['serviceItemId', 'validFrom'])
export class ServicePrice {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  serviceItemId!: number;

  @Column({ type: 'int' })
  priceFen!: number;

  @DayColumn()
  validFrom!: string;

  @Column({ type: 'int', nullable: true })
  createdByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;
}
