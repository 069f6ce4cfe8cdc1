import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const REGION_LEVELS = ['district', 'street', 'community'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** 区 / 街道·镇 / 社区·村: a tree. `path` ("/1/4/9/") makes "inside this region" one indexed prefix match. */
@Entity('region')
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

  @InstantColumn()
  createdAt!: Date;
}
