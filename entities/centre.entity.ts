import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const CENTRE_KINDS = ['street_centre', 'care_centre', 'neighbour_point', 'canteen', 'rural_point'] as const;
export type CentreKind = (typeof CENTRE_KINDS)[number];

export const CENTRE_KIND_LABELS: Record<CentreKind, string> = {
  street_centre: '街道综合养老服务中心',
  care_centre: '居家养老服务照料中心',
  neighbour_point: '养老睦邻点',
  canteen: '老年食堂',
  rural_point: '村级互助养老点',
};

/** 服务站点. A neighbour point belongs to a care centre ("1+X") through `parentId`. */
@Entity('centre')
export class Centre {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(100)
  name!: string;

  @Column({ type: 'simple-enum', enum: CENTRE_KINDS })
  kind!: CentreKind;

  @Index('idx_centre_region')
  @Column({ type: 'int' })
  regionId!: number;

  /** Region path copied from the region, so scope checks need no join. */
  @TextColumn(255)
  regionPath!: string;

  @Column({ type: 'int', nullable: true })
  parentId!: number | null;

  @TextColumn(200)
  address!: string;

  @Column({ type: 'double' })
  latitude!: number;

  @Column({ type: 'double' })
  longitude!: number;

  /** Opening hours, Shanghai wall-clock "HH:mm". */
  @TextColumn(5)
  opensAt!: string;

  @TextColumn(5)
  closesAt!: string;

  @TextColumn(32)
  phone!: string;

  /** When true, a booking that needs no payment (or has been paid) is confirmed without staff action. */
  @Column({ type: 'boolean', default: false })
  autoConfirm!: boolean;

  /**
   * 现场付: the centre takes co-payments at the counter (cash, a senior card, a payment code staff scan). A booking
   * made to pay there is booked without paying online and never expires for it; staff record what they collected
   * at check-in.
   */
  @Column({ type: 'boolean', default: false })
  counterPayment!: boolean;

  /**
   * The area it delivers meals to: the communities listed (region ids), and/or everyone within `deliveryRadiusMetres`
   * of the centre (straight line). Neither set: no limit is recorded (see services/catalogue/delivery-area.ts).
   */
  @Column({ type: 'simple-array', default: '' })
  deliveryCommunityIds!: string[];

  @Column({ type: 'int', nullable: true })
  deliveryRadiusMetres!: number | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Optimistic concurrency: an edit sends the version it read. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;
}
