import type {
  Allergen,
  BookingStatus,
  CentreKind,
  DeliveryMode,
  DietFlag,
  PolicyStatus,
  Role,
  SeniorCategory,
  ServiceCategory,
  ServiceKind,
} from '../api/types';

/** The same words as server/words/texts.ts (BOOKING_STATUS_LABELS), for filters; answers carry their own labels. */
export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  pending_payment: '待付款',
  pending_confirmation: '待站点确认',
  confirmed: '已确认',
  served: '已服务',
  rated: '已评价',
  expired: '已过期（未付款）',
  cancelled: '已取消',
  rejected: '站点未接单',
  no_show: '未到场',
};

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';
export const BOOKING_STATUS_TAG: Record<BookingStatus, TagType> = {
  pending_payment: 'warning',
  pending_confirmation: 'danger',
  confirmed: 'primary',
  served: 'success',
  rated: 'success',
  expired: 'info',
  cancelled: 'info',
  rejected: 'info',
  no_show: 'warning',
};

export const ROLE_LABELS: Record<Role, string> = { senior: '老人', family: '家属', staff: '工作人员', admin: '管理员' };

export const SENIOR_CATEGORY_LABELS: Record<SeniorCategory, string> = {
  hardship: '特困',
  minimum_living: '低保',
  low_income: '低收入',
  living_alone: '独居',
  empty_nest: '空巢',
  family_planning_special: '计生特殊家庭',
  disabled: '失能',
  very_old: '高龄',
};

export const NOTICE_STATUS_LABELS: Record<string, string> = { draft: '草稿', scheduled: '待发送', sending: '发送中', sent: '已发送', cancelled: '已取消' };

/** The same words as entities/*.entity.ts (CENTRE_KIND_LABELS, SERVICE_KIND_LABELS, DIET_FLAG_LABELS, ALLERGEN_LABELS). */
export const CENTRE_KIND_LABELS: Record<CentreKind, string> = {
  street_centre: '街道综合养老服务中心',
  care_centre: '居家养老服务照料中心',
  neighbour_point: '养老睦邻点',
  canteen: '老年食堂',
  rural_point: '村级互助养老点',
};
export const SERVICE_CATEGORY_LABELS: Record<ServiceCategory, string> = { meal: '助餐', bath: '助浴', home_visit: '上门服务' };
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
export const KINDS_OF: Record<ServiceCategory, ServiceKind[]> = {
  meal: ['breakfast', 'lunch', 'dinner'],
  bath: ['bath'],
  home_visit: ['cleaning', 'escort', 'nursing', 'haircut'],
};
export const DELIVERY_MODE_LABELS: Record<DeliveryMode, string> = {
  dine_in: '堂食',
  pick_up: '自己来拿',
  delivery: '送到家',
  at_centre: '到站点',
  at_home: '上门服务',
};
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
export const POLICY_STATUS_LABELS: Record<PolicyStatus, string> = {
  scheduled: '未生效',
  current: '执行中',
  ended: '已到期',
  superseded: '已被新版本替代',
  retired: '已停止',
};
export const POLICY_STATUS_TAG: Record<PolicyStatus, TagType> = {
  scheduled: 'warning',
  current: 'success',
  ended: 'info',
  superseded: 'info',
  retired: 'info',
};
export const WEEKDAY_LABELS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
export const ALERT_STATUS_LABELS: Record<string, string> = { open: '待处理', acknowledged: '已响应', resolved: '已解决', joined: '已合并' };
