import type { BookingStatus, Role, SeniorCategory } from '../api/types';

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
