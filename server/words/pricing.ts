import { SENIOR_CATEGORY_LABELS, type SeniorCategory } from '../../entities';

/** "15 元", "12.50 元": money as the bot and the quotes say it. */
export function yuan(fen: number): string {
  return fen % 100 === 0 ? `${fen / 100} 元` : `${(fen / 100).toFixed(2)} 元`;
}

const categories = (held: readonly SeniorCategory[]) => held.map((c) => SENIOR_CATEGORY_LABELS[c]).join('、');

/**
 * What a quote says about subsidy (server/services/booking/pricing.ts): why a policy does or does not apply, the
 * caps that cut it, and the one-sentence reason. Families read these in the mini-program, the bot quotes them.
 */
export const PRICING_TEXTS = {
  // ---- why a policy does not apply ----
  policyInactive: '政策已停用',
  otherCategory: '不适用于这类服务',
  otherKind: '不适用于这项服务',
  outsideDates: '不在政策有效期内',
  outsideRegion: '不在政策覆盖的地区',
  underAge: (minAge: number) => `未满 ${minAge} 周岁`,
  notInCategories: (wanted: readonly SeniorCategory[]) => `不属于${categories(wanted)}`,
  abilityTooLow: '能力评估等级不符合',

  // ---- why it does ----
  ofAge: (minAge: number) => `年满 ${minAge} 周岁`,
  inCategories: (held: readonly SeniorCategory[]) => `属于${categories(held)}`,
  abilityLevel: (level: number) => `能力评估 ${level} 级`,
  qualifies: '符合条件',

  // ---- caps ----
  dayUsedUp: (maxPerDay: number) => `当天已享受过 ${maxPerDay} 份补贴`,
  dayLeft: (portions: number) => `当天只剩 ${portions} 份补贴`,
  monthUsedUp: (monthlyCapFen: number) => `本月补贴已用完（每月最多 ${yuan(monthlyCapFen)}）`,
  monthLeft: (fen: number) => `本月补贴只剩 ${yuan(fen)}`,

  // ---- the quote's reason ----
  noSubsidyBecause: (why: string) => `本次没有补贴：${why}`,
  noPolicy: '本次服务没有适用的补贴政策',
  /** A walk-in quote at a centre that is not the senior's: the price, without the senior's circumstances. */
  reasonWithheld: '补贴已按老人的资格计算；依据只向老人所在站点和管理员显示',
} as const;
