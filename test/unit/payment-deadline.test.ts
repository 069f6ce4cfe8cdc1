import { paymentDeadline } from '../../server/services/booking/booking-writer';
import { shanghaiInstant } from '../../server/lib/time';

// How long an unpaid booking is held (issue 19): the mini-program pays at once; chat holds until the slot's
// cut-off for about a day, and never asks anyone to pay in the night.
const at = (date: string, time: string) => shanghaiInstant(date, time);
const slot = (date: string, time: string) => ({ bookingCutoffAt: at(date, time) });

describe('paymentDeadline', () => {
  test('the mini-program: 15 minutes, whatever the cut-off', () => {
    expect(paymentDeadline('miniprogram', slot('2026-12-09', '09:30'), at('2026-12-06', '10:00'))).toEqual(at('2026-12-06', '10:15'));
  });

  test('chat: the cut-off when it comes within the day', () => {
    expect(paymentDeadline('mp_chat', slot('2026-12-02', '09:30'), at('2026-12-01', '14:00'))).toEqual(at('2026-12-02', '09:30'));
  });

  test('chat, a far cut-off: a day, in the daytime', () => {
    expect(paymentDeadline('mp_chat', slot('2026-12-09', '09:30'), at('2026-12-06', '10:00'))).toEqual(at('2026-12-07', '10:00'));
  });

  test('chat, booked in the small hours or late at night: held to 08:00, not to the same hour a day later', () => {
    expect(paymentDeadline('mp_chat', slot('2026-12-09', '09:30'), at('2026-12-06', '04:10'))).toEqual(at('2026-12-07', '08:00'));
    expect(paymentDeadline('mp_chat', slot('2026-12-09', '09:30'), at('2026-12-06', '22:30'))).toEqual(at('2026-12-08', '08:00'));
    // …but never past the cut-off.
    expect(paymentDeadline('mp_chat', slot('2026-12-07', '07:00'), at('2026-12-06', '04:10'))).toEqual(at('2026-12-07', '07:00'));
  });

  test('chat, a cut-off already close: still at least 15 minutes', () => {
    expect(paymentDeadline('mp_chat', slot('2026-12-06', '10:05'), at('2026-12-06', '10:00'))).toEqual(at('2026-12-06', '10:15'));
  });
});
