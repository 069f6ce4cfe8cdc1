import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const REGION_LEVELS = ['district', 'street', 'community'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = { district: '区', street: '街道', community: '社区' };

/** 区 / 街道·镇 / 社区·村: a tree. `path` ("/1/4/9/") makes "inside this region" one indexed prefix match. */
@Entity('region')
@Unique('uq_region_parent_name', ['parentId', 'name'])
export class Region {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(64)
  name!: string;

  @Column({ type: 'simple-enum', enum: REGION_LEVELS })
  level!: RegionLevel;

  @Column({ type: 'int', nullable: true })
  parentId!: number | null;

  @Index('idx_region_path')
  @TextColumn(255)
  path!: string;

  /** Optimistic concurrency: a rename sends the version it read. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;
}
