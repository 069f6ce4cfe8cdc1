import { loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import type { Harness } from '../helpers/harness';

/** A booking made and paid the way a family does it, through the API and the WeChat Pay sandbox. */
export async function bookAndPay(
  h: Harness,
  familyOpenid: string,
  seniorName: string,
  centre: string,
  kind: 'lunch' | 'dinner',
  date: string,
): Promise<{ id: number; code: string; status: string }> {
  const auth = await loginWechat(h, familyOpenid);
  const senior = await seniorNamed(h, seniorName);
  const slot = await slotOf(h, centre, kind, date);
  const res = await h.http.post('/api/v1/bookings').set('authorization', auth).send({ seniorId: senior.id, slotId: slot.id });
  if (res.status !== 201) throw new Error(`booking failed: ${JSON.stringify(res.body)}`);
  if (res.body.status === 'pending_payment') {
    const pay = await h.http.post(`/api/v1/bookings/${res.body.id}/pay`).set('authorization', auth).send({ via: 'miniprogram' }).expect(200);
    h.sandbox.wxpay.pay(pay.body.payment.outTradeNo);
    await h.sandbox.wxpay.settled();
  }
  const b = await h.http.get(`/api/v1/bookings/${res.body.id}`).set('authorization', auth).expect(200);
  return { id: b.body.id, code: b.body.code, status: b.body.status };
}
