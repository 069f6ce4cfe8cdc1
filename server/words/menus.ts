import { ALLERGEN_LABELS, DIET_FLAG_LABELS, SERVICE_KIND_LABELS, type Dish, type ServiceKind } from '../../entities';

/** A dish's words: its diet tags (软食, 少盐), its allergens (花生), and both as printed beside its name (软食, 含花生). */
export function dishLabels(d: Dish): { flagLabels: string[]; allergenLabels: string[]; tagLabels: string[] } {
  const flagLabels = d.flags.map((f) => DIET_FLAG_LABELS[f]);
  const allergenLabels = (d.allergens ?? []).map((a) => ALLERGEN_LABELS[a]);
  return { flagLabels, allergenLabels, tagLabels: [...flagLabels, ...allergenLabels.map((a) => `含${a}`)] };
}

/** "清蒸鲈鱼（软食、少盐、含鱼）": a dish as the bot says it. */
export function dishForChat(d: Dish): string {
  const { tagLabels } = dishLabels(d);
  return tagLabels.length > 0 ? `${d.name}（${tagLabels.join('、')}）` : d.name;
}

export const mealLabel = (kind: ServiceKind): string => SERVICE_KIND_LABELS[kind];

/** What the week's menu form says about a field it refuses (zod messages at the route). */
export const MENU_FIELDS = {
  week: '周（week）要写成这一周星期一的日期，例如 2026-12-07',
  version: '版本号（version）要写上读取菜单时的 version，新的一周写 0',
  copyFrom: '复制来源（copyFrom）要写成那一周星期一的日期',
  date: '日期（date）要写成 YYYY-MM-DD',
  kind: '餐次（kind）只能是 breakfast、lunch 或 dinner',
  dishes: '菜品（dishes）最多 20 道',
  dishName: '菜名（name）不能为空，最多 40 个字',
  flags: '饮食标签（flags）不认识',
  allergens: '过敏原（allergens）不认识',
  note: '备注（note）最多 200 个字',
  days: '每周最多填 21 餐（days）',
} as const;
