import { SENIOR_CATEGORY_LABELS, type SeniorCategory } from '../../entities';

/** Words of subsidy policies' previews and of the policy form's refusals (zod messages at the route). */
export const POLICY_TEXTS = {
  noCategory: '无类别',
  /** How a preview's monthly cost is estimated, said plainly for the administrator who publishes on it. */
  costBasis: (month: string, bookings: number, portions: number, seniors: number) =>
    `按 ${month} 已核销的服务估算：按现在的条件符合本政策的老人，${month} 共有 ${seniors} 人核销了 ${bookings} 单（${portions} 份）这类服务；` +
    `每一份按本政策的补贴额计算，并计入每天份数上限和每月封顶。没有来过的符合条件老人不计在内，下个月实际支出会随用餐人数变化。`,
} as const;

export const seniorCategoryLabel = (c: SeniorCategory | 'none'): string => (c === 'none' ? POLICY_TEXTS.noCategory : SENIOR_CATEGORY_LABELS[c]);

export const POLICY_FIELDS = {
  regionId: '地区（regionId）要选一个地区',
  name: '政策名称（name）不能为空，最多 100 个字',
  description: '政策说明（description）最多 200 个字',
  category: '服务类别（category）只能是 meal、bath 或 home_visit',
  serviceKinds: '服务项目（serviceKinds）要属于所选的服务类别',
  minAge: '最低年龄（minAge）要在 0 到 120 之间，不限就不填',
  seniorCategories: '老人类别（seniorCategories）不认识',
  minAbilityLevel: '能力等级（minAbilityLevel）要在 0 到 4 之间，不限就不填',
  method: '补贴方式（method）只能是 fixed（固定金额）或 percent（按比例）',
  amountFen: '补贴金额（amountFen）按分填写，固定金额方式要大于 0',
  percent: '补贴比例（percent）要在 1 到 100 之间',
  maxPerDay: '每日份数上限（maxPerDay）要在 1 到 10 之间，不限就不填',
  monthlyCapFen: '每月封顶（monthlyCapFen）按分填写，要大于 0，不限就不填',
  validFrom: '生效日期（validFrom）要写成 YYYY-MM-DD',
  validTo: '结束日期（validTo）要写成 YYYY-MM-DD，长期有效就不填',
  version: '版本号（version）要写上读取政策时的 version',
  lastDay: '最后执行日（lastDay）要写成 YYYY-MM-DD',
  replaces: '要替换的政策（replaces）要写政策编号',
  status: '状态（status）只能是 scheduled、current、ended、superseded 或 retired',
} as const;

export const BUDGET_FIELDS = {
  regionId: '地区（regionId）要选一个地区',
  month: '月份（month）要写成 YYYY-MM',
  amountFen: '预算金额（amountFen）按分填写，不能小于 0',
  note: '备注（note）最多 200 个字',
  version: '版本号（version）要写上读取预算时的 version',
} as const;
