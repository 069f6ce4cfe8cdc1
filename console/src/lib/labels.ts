import type {
  AlertOutcome,
  CounterPaymentView,
  RefundView,
  Allergen,
  BookingStatus,
  CentreKind,
  DeactivationReason,
  DeliveryMode,
  DietFlag,
  Gender,
  PolicyStatus,
  Role,
  SeniorCategory,
  SeniorImportAction,
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

export const SENIOR_CATEGORIES = Object.keys(SENIOR_CATEGORY_LABELS) as SeniorCategory[];

/** The same words as server/words/people.ts (DEACTIVATION_REASON_LABELS). */
export const DEACTIVATION_REASON_LABELS: Record<DeactivationReason, string> = { moved_away: '迁出', deceased: '去世' };
export const GENDER_LABELS: Record<Gender, string> = { female: '女', male: '男' };

/** GB/T 42195-2022 ability levels, the same words as server/words/people.ts (answers carry their own labels). */
export const ABILITY_LEVEL_LABELS: Record<number, string> = {
  0: '能力完好',
  1: '能力轻度受损（轻度失能）',
  2: '能力中度受损（中度失能）',
  3: '能力重度受损（重度失能）',
  4: '能力完全丧失（完全失能）',
};

export const IMPORT_ACTION_LABELS: Record<SeniorImportAction, string> = {
  create: '新增',
  update: '更新',
  unchanged: '无变化',
  error: '有错误',
  duplicate: '重复行',
};
export const IMPORT_ACTION_TAG: Record<SeniorImportAction, TagType> = {
  create: 'success',
  update: 'primary',
  unchanged: 'info',
  error: 'danger',
  duplicate: 'warning',
};

/** The names an import's `changes` uses (SeniorView fields), as a clerk reads them. */
export const SENIOR_FIELD_LABELS: Record<string, string> = {
  name: '姓名',
  gender: '性别',
  birthDate: '出生日期',
  idNumber: '身份证号',
  phone: '联系电话',
  address: '住址',
  latitude: '纬度',
  longitude: '经度',
  regionId: '所属社区',
  homeCentreId: '服务站点',
  categories: '人员类别',
  emergencyContacts: '紧急联系人',
  dietNotes: '饮食备注',
};

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
export const ALERT_STATUS_LABELS: Record<string, string> = { open: '待处理', acknowledged: '已响应', resolved: '已处理完毕', joined: '已合并' };

/** 处理完毕: how an alert ended (the API's enum; the words as server/words/texts.ts ALERT_OUTCOME_LABELS). */
export const ALERT_OUTCOME_LABELS: Record<AlertOutcome, string> = {
  on_site: '已到场处理',
  hospital: '已送医',
  false_alarm: '误报',
  family_handled: '家属已处理',
};

/**
 * 现场付 methods and the ways a refund is paid back by hand: the keys are the API's enums (the contracts' types, so a
 * method added on the server fails the console's type check until it is named here); the words as server/words/texts.ts.
 */
export const COUNTER_METHOD_LABELS: Record<CounterPaymentView['method'], string> = {
  cash: '现金',
  senior_card: '老人卡',
  scanned_code: '扫码',
};
export const OFFLINE_REFUND_METHOD_LABELS: Record<NonNullable<RefundView['offline']>['method'], string> = {
  cash: '现金',
  bank_transfer: '银行转账',
  merchant_platform: '微信支付商户平台处理',
  other: '其他方式',
};
