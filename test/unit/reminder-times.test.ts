import { shanghaiInstant } from '../../server/lib/time';
import { outOfQuietHours, ratingRequestTime, serviceReminderTimes } from '../../server/services/reminders/reminder-times';

const sh = (date: string, time: string) => shanghaiInstant(date, time);

describe('reminder times (Shanghai, quiet hours 21:00–07:00)', () => {
  test('quiet hours hold until 07:00, the same morning or the next', () => {
    expect(outOfQuietHours(sh('2026-12-02', '06:30'))).toEqual(sh('2026-12-02', '07:00'));
    expect(outOfQuietHours(sh('2026-12-01', '21:00'))).toEqual(sh('2026-12-02', '07:00'));
    expect(outOfQuietHours(sh('2026-12-31', '23:59'))).toEqual(sh('2027-01-01', '07:00'));
    expect(outOfQuietHours(sh('2026-12-02', '00:00'))).toEqual(sh('2026-12-02', '07:00'));
    expect(outOfQuietHours(sh('2026-12-02', '07:00'))).toEqual(sh('2026-12-02', '07:00'));
    expect(outOfQuietHours(sh('2026-12-02', '20:59'))).toEqual(sh('2026-12-02', '20:59'));
  });

  test('day-before at 18:00 on the eve, hour-before one hour ahead; passed or pointless ones are skipped', () => {
    const now = sh('2026-12-01', '08:30');
    expect(serviceReminderTimes('2026-12-02', sh('2026-12-02', '11:00'), now)).toEqual({
      day_before: sh('2026-12-01', '18:00'),
      hour_before: sh('2026-12-02', '10:00'),
    });
    // Booked 30 minutes before: neither.
    expect(serviceReminderTimes('2026-12-01', sh('2026-12-01', '09:00'), now)).toEqual({ day_before: null, hour_before: null });
    // A 07:30 breakfast: 06:30 waits until 07:00; a 07:00 one would be held until it has begun, so it has none.
    expect(serviceReminderTimes('2026-12-03', sh('2026-12-03', '07:30'), now).hour_before).toEqual(sh('2026-12-03', '07:00'));
    expect(serviceReminderTimes('2026-12-03', sh('2026-12-03', '07:00'), now).hour_before).toBeNull();
    // Booked at 20:50 for tomorrow's breakfast: the eve's 18:00 has gone; the 07:00 one remains.
    expect(serviceReminderTimes('2026-12-04', sh('2026-12-04', '07:30'), sh('2026-12-03', '20:50'))).toEqual({
      day_before: null,
      hour_before: sh('2026-12-04', '07:00'),
    });
  });

  test('the rating request two hours after service, out of quiet hours', () => {
    expect(ratingRequestTime(sh('2026-12-01', '11:10'))).toEqual(sh('2026-12-01', '13:10'));
    expect(ratingRequestTime(sh('2026-12-01', '19:30'))).toEqual(sh('2026-12-02', '07:00'));
  });
});
