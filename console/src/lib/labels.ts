import type { BookingStatus, DeactivationReason, Gender, Role, SeniorCategory, SeniorImportAction } from '../api/types';

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
