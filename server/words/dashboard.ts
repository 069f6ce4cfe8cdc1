import { SENIOR_CATEGORY_LABELS } from '../../entities';

/** The seniors-by-category buckets as the dashboards name them: the registry's categories, then 高龄 and 失能. */
export const SENIOR_BUCKET_LABELS = {
  ...SENIOR_CATEGORY_LABELS,
  oldest_old: '高龄',
  disabled: '失能',
} as const;

/** What the dashboards' query fields say when refused (zod messages at the route). */
export const DASHBOARD_FIELDS = {
  from: '开始日期（from）要写成 YYYY-MM-DD',
  to: '结束日期（to）要写成 YYYY-MM-DD',
  month: '月份（month）要写成 YYYY-MM',
  fromMonth: '开始月份（from）要写成 YYYY-MM',
  toMonth: '结束月份（to）要写成 YYYY-MM',
  interval: '统计间隔（interval）只能是 day、week 或 month',
  regionId: '地区（regionId）要写地区编号',
  centreId: '站点（centreId）要写站点编号',
} as const;
