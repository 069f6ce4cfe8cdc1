import { addDays, HOUR, shanghaiDate, shanghaiInstant, shanghaiTime } from '../../lib/time';

/** Quiet hours, Shanghai time: nothing but emergencies between 21:00 and 07:00 (reminders wait until 07:00). */
export const QUIET_FROM = '21:00';
export const QUIET_UNTIL = '07:00';
/** The day-before reminder goes out at 18:00 on the eve of the service day. */
export const DAY_BEFORE_AT = '18:00';
export const HOUR_BEFORE_MS = HOUR;
/** The rating request waits until the meal or visit is over and the senior is home again. */
export const RATING_AFTER_MS = 2 * HOUR;

/** `t`, or 07:00 Shanghai after it when `t` falls in quiet hours. (Shanghai has no DST, so HH:mm compares exactly.) */
export function outOfQuietHours(t: Date): Date {
  const hm = shanghaiTime(t);
  if (hm >= QUIET_FROM) return shanghaiInstant(addDays(shanghaiDate(t), 1), QUIET_UNTIL);
  if (hm < QUIET_UNTIL) return shanghaiInstant(shanghaiDate(t), QUIET_UNTIL);
  return t;
}

/**
 * When a booking's reminders are due, or null for one not worth sending: its moment already passed when the
 * booking was confirmed (booked half an hour before, or in the evening for tomorrow), or quiet hours would hold
 * it until the service has begun (a 07:00 breakfast's 06:00 reminder).
 */
export function serviceReminderTimes(serviceDate: string, startsAt: Date, now: Date): { day_before: Date | null; hour_before: Date | null } {
  const keep = (t: Date) => (t > now && t < startsAt ? t : null);
  return {
    day_before: keep(outOfQuietHours(shanghaiInstant(addDays(serviceDate, -1), DAY_BEFORE_AT))),
    hour_before: keep(outOfQuietHours(new Date(startsAt.getTime() - HOUR_BEFORE_MS))),
  };
}

export function ratingRequestTime(servedAt: Date): Date {
  return outOfQuietHours(new Date(servedAt.getTime() + RATING_AFTER_MS));
}

/** How long before an unpaid chat booking's deadline the senior is reminded to pay. */
export const PAYMENT_REMINDER_BEFORE_MS = HOUR;

/**
 * When to remind a senior to pay a chat booking held until `due`: an hour before (out of quiet hours), or null when
 * that is not worth it — too soon after booking (they have just been given the link) or too late to still pay.
 */
export function paymentReminderTime(due: Date, now: Date): Date | null {
  const at = outOfQuietHours(new Date(due.getTime() - PAYMENT_REMINDER_BEFORE_MS));
  return at.getTime() - now.getTime() >= HOUR && at < due ? at : null;
}
