import type { BookingStatus } from '../../entities';
import { yuan } from './pricing';
import { BOOKING_ACTION_LABELS, BOOKING_STATUS_LABELS, type BookingAction } from './texts';

/**
 * Error messages with a variable part, each under the code it goes with (server/errors.ts holds every code, its
 * HTTP status and its fixed message). Thrown as `new AppError('SLOT_FULL', ERROR_MESSAGES.SLOT_FULL(remaining))`.
 */
export const ERROR_MESSAGES = {
  SLOT_FULL: (remaining: number) => (remaining > 0 ? `这个时段只剩 ${remaining} 个名额了` : '这个时段已经约满了，请换一个时段'),
  QUANTITY_NOT_ALLOWED: (maxQuantity: number) => `每次最多预约 ${maxQuantity} 份`,
  QUANTITY_NOT_REDUCED: (quantity: number) => `只能减少份数：现在是 ${quantity} 份`,
  EXPORT_TOO_LARGE: (total: number, max: number) => `符合条件的预约有 ${total} 条，一次最多导出 ${max} 条：请缩小日期范围，或按站点、状态筛选后再导出`,
  WRONG_DAY: (date: string) => `这是 ${date} 的预约，只能在当天核销`,
  /** Also for ALREADY_RATED, which is the same refusal when the action is rating. */
  INVALID_STATE: (status: BookingStatus, action: BookingAction) => `这个预约${BOOKING_STATUS_LABELS[status]}，不能${BOOKING_ACTION_LABELS[action]}`,
  COUNTER_AMOUNT_TOO_HIGH: (copayFen: number) => `收的钱比应付的多：这个预约应付 ${yuan(copayFen)}`,
  BOOKING_NOT_PAYABLE: (status: BookingStatus) => `这个预约${BOOKING_STATUS_LABELS[status]}，不用再付款`,
  DATE_RANGE_TOO_LONG: (maxDays: number) => `一次最多查询 ${maxDays} 天`,
  CAPACITY_BELOW_BOOKED: (booked: number) => `已经有 ${booked} 人预约，名额不能少于 ${booked}`,
  CENTRE_HAS_BOOKINGS: (count: number) => `这个站点还有 ${count} 个未完成的预约，请先关闭那些日子`,
  SERVICE_ITEM_HAS_BOOKINGS: (count: number) => `这个服务项目还有 ${count} 个未完成的预约，请先关闭那些时段`,
  MENU_NO_SLOT: (date: string, meal: string) => `${date} 没有${meal}时段，请先排好时段再填菜单`,
  LOGIN_TOO_MANY_TRIES: (waitSeconds: number) => `登录失败次数太多，请${waitWords(waitSeconds)}后再试`,
  PASSWORD_TOO_MANY_TRIES: (waitSeconds: number) => `原密码输错次数太多，请${waitWords(waitSeconds)}后再试`,
  LINK_CODE_TOO_MANY_TRIES: (waitSeconds: number) => `绑定码输错次数太多，请${waitWords(waitSeconds)}后再试`,
  VISIT_CODE_TOO_MANY_TRIES: (waitSeconds: number) => `探访码输错次数太多，请${waitWords(waitSeconds)}后再试，或在老人家里用手机定位`,
} as const;

/** " 30 秒", " 15 分钟", " 1 小时" (rounded up: nobody is told to come back too early). */
function waitWords(seconds: number): string {
  if (seconds < 60) return ` ${seconds} 秒`;
  if (seconds < 3600) return ` ${Math.ceil(seconds / 60)} 分钟`;
  return ` ${Math.ceil(seconds / 3600)} 小时`;
}
