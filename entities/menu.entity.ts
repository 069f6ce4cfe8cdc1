import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const DIET_FLAGS = ['soft', 'low_sugar', 'low_salt'] as const;
export type DietFlag = (typeof DIET_FLAGS)[number];
export const DIET_FLAG_LABELS: Record<DietFlag, string> = { soft: '软食', low_sugar: '低糖', low_salt: '低盐' };

export interface Dish {
  name: string;
  flags: DietFlag[];
}

/** 菜单: the dishes of one meal slot. */
@Entity('menu')
@Unique('uq_menu_slot', ['slotId'])
export class Menu {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  slotId!: number;

  @Column({ type: 'simple-json' })
  dishes!: Dish[];

  @TextColumn(200, { default: '' })
  note!: string;

  @InstantColumn()
  createdAt!: Date;
}
