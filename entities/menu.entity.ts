import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';

/** Diet tags a canteen puts on a dish (what it suits). */
export const DIET_FLAGS = ['soft', 'low_sugar', 'low_salt', 'diabetic', 'low_fat', 'minced', 'vegetarian', 'halal'] as const;
export type DietFlag = (typeof DIET_FLAGS)[number];
export const DIET_FLAG_LABELS: Record<DietFlag, string> = {
  soft: '软食',
  low_sugar: '低糖',
  low_salt: '少盐',
  diabetic: '糖尿病餐',
  low_fat: '低脂',
  minced: '碎食',
  vegetarian: '素食',
  halal: '清真',
};

/** Allergens a dish contains (the major food allergens of GB 7718). */
export const ALLERGENS = ['peanut', 'tree_nut', 'milk', 'egg', 'fish', 'shellfish', 'soy', 'wheat', 'sesame'] as const;
export type Allergen = (typeof ALLERGENS)[number];
export const ALLERGEN_LABELS: Record<Allergen, string> = {
  peanut: '花生',
  tree_nut: '坚果',
  milk: '奶',
  egg: '蛋',
  fish: '鱼',
  shellfish: '虾蟹贝',
  soy: '大豆',
  wheat: '麦麸',
  sesame: '芝麻',
};

export interface Dish {
  name: string;
  flags: DietFlag[];
  /** Absent on menus written before allergens were recorded: read as none. */
  allergens?: Allergen[];
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

/**
 * A centre's published menu for one week (Monday to Sunday): the record a week's menus are edited as, one request
 * for the whole week, with the `version` that keeps two editors from overwriting each other. The dishes themselves
 * stay on each meal slot's `menu` row, which is what the bot, the slot listings and the mini-program read.
 */
@Entity('menu_week')
@Unique('uq_menu_week_centre', ['centreId', 'weekStart'])
export class MenuWeek {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  centreId!: number;

  /** The Monday the week starts on (Shanghai). */
  @DayColumn()
  weekStart!: string;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ type: 'int', nullable: true })
  updatedByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
