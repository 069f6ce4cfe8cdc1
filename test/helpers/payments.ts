import { randomBytes } from 'node:crypto';
import { ACTIVE_BOOKING_STATUSES } from '../../entities';
import type { NotifyOptions } from '../../server/sandbox/wxpay.sandbox';
import { JIAXIN, loginConsole, loginWechat, seen, seniorNamed, slotOf } from './actors';
import { T0, type Harness } from './harness';
import { gcmEncrypt, rsaSign } from './wxpay';

/*
 * The co-payment suites' shared setting (test/api/payments-*.test.ts): 刘敏 (o_family_01) books lunches for her
 * mother 张桂英 (80+: 3 元 off each meal) and pays at the WeChat Pay sandbox (real RSA signatures, real
 * AES-256-GCM notifications, delivered over HTTP with retries); staff of 嘉新 and 嘉新东园 and the district
 * administrator look on. Money and states are read as these people see them, through the API.
 */

export const MINUTE = 60_000;
export const TOMORROW = '2026-12-02';

export interface Booked {
  id: number;
  copayFen: number;
  priceFen: number;
  subsidyFen: number;
  status: string;
  paymentDueAt: string;
  slot: { id: number };
}

export interface PaymentsSetting {
  daughter: string;
  jiaxinStaff: string;
  dongyuanStaff: string;
  admin: string;
  motherId: number;
}

/**
 * Registers the suite's hooks and returns its vocabulary. Each test starts at T0 with the sandbox's knobs reset
 * and 张桂英 holding nothing (so the day's subsidy is hers again): afterwards an administrator cancels what is left.
 */
export function usePayments(h: () => Harness) {
  const who = {} as PaymentsSetting;
  beforeAll(async () => {
    who.daughter = await loginWechat(h(), 'o_family_01');
    who.jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    who.dongyuanStaff = await loginConsole(h(), 'staff-dongyuan');
    who.admin = await loginConsole(h(), 'admin');
    who.motherId = (await seniorNamed(h(), '张桂英')).id;
  });
  beforeEach(async () => {
    h().clock.set(T0);
    await h().sandbox.wxpay.settled();
    h().sandbox.wxpay.setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
    h().sandbox.wxpay.failNextCloses(0);
  });
  afterEach(async () => {
    h().clock.set(T0);
    const active = ACTIVE_BOOKING_STATUSES.filter((s) => s !== 'no_show').join(',');
    const left = await seen(h(), who.admin, `/bookings?seniorId=${who.motherId}&status=${active}&limit=200`);
    for (const b of left.items as Array<{ id: number }>) {
      await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', who.admin).send({ reason: '测试结束' }).expect(200);
    }
    await h().sandbox.wxpay.settled();
  });

  const wxpay = () => h().sandbox.wxpay;

  /** The daughter books one of tomorrow's lunches for her mother. */
  async function book(opts: { centre?: string; quantity?: number } = {}): Promise<Booked> {
    const slot = await slotOf(h(), opts.centre ?? JIAXIN, 'lunch', TOMORROW);
    const res = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', who.daughter)
      .send({ seniorId: who.motherId, slotId: slot.id, quantity: opts.quantity ?? 1 });
    expect(res.status).toBe(201);
    return res.body as Booked;
  }

  function prepay(bookingId: number, auth = who.daughter) {
    return h().http.post(`/api/v1/bookings/${bookingId}/pay`).set('authorization', auth).send({ via: 'miniprogram' });
  }

  /** The payer pays at the sandbox; resolves once WeChat Pay's notification (and its retries) are done. */
  async function sandboxPays(outTradeNo: string, opts: NotifyOptions = {}) {
    const paid = wxpay().pay(outTradeNo, opts);
    await wxpay().settled();
    return paid;
  }

  /** The booking as the daughter sees it in the mini-program. */
  const booking = (id: number) => seen(h(), who.daughter, `/bookings/${id}`);
  /** The booking's money: payments and refunds (the daughter's view unless another user is named). */
  const ledger = (id: number, auth = who.daughter) => seen(h(), auth, `/bookings/${id}/payments`);
  /** Seats taken in a slot, as the catalogue shows it. */
  const seats = async (slotId: number): Promise<number> => (await seen(h(), who.daughter, `/slots/${slotId}`)).booked;
  const order = (outTradeNo: string) =>
    wxpay()
      .listOrders()
      .find((o) => o.outTradeNo === outTradeNo)!;
  const notificationsFor = (outTradeNo: string) =>
    wxpay()
      .notificationLog()
      .filter((a) => a.outTradeNo === outTradeNo);
  /** What staff (or the administrator) are asked to look at. */
  const problems = (auth: string) => seen(h(), auth, '/payments/problems');

  /** paid − refunded equals the co-payment while the booking is kept, 0 once it is not; price = subsidy + copay. */
  async function expectMoneySettled(id: number) {
    const b = await seen(h(), who.admin, `/bookings/${id}`);
    expect(b.priceFen).toBe(b.subsidyFen + b.copayFen);
    const l = await ledger(id, who.admin);
    const kept = ['pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'].includes(b.status);
    expect(l.refundingFen).toBe(0);
    expect(l.paidFen - l.refundedFen).toBe(kept ? b.copayFen : 0);
  }

  return { who, wxpay, book, prepay, sandboxPays, booking, ledger, seats, order, notificationsFor, problems, expectMoneySettled };
}

/** A notification signed with WeChat Pay's (the sandbox's) platform key, written out by hand as WeChat Pay would. */
export async function postNotification(h: Harness, path: string, eventType: string, originalType: string, resource: Record<string, unknown>) {
  const creds = h.sandbox.creds.pay;
  const nonce = randomBytes(6).toString('hex');
  const body = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: '2026-12-01T08:30:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: '支付成功',
    resource: {
      original_type: originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: gcmEncrypt(creds.apiV3Key, nonce, originalType, JSON.stringify(resource)),
      associated_data: originalType,
      nonce,
    },
  });
  const timestamp = String(Math.floor(h.clock.now().getTime() / 1000));
  const headerNonce = randomBytes(16).toString('hex');
  return h.http
    .post(path)
    .set('content-type', 'application/json')
    .set('Wechatpay-Serial', creds.platformPublicKeyId)
    .set('Wechatpay-Timestamp', timestamp)
    .set('Wechatpay-Nonce', headerNonce)
    .set('Wechatpay-Signature', rsaSign(creds.platformPrivateKeyPem, `${timestamp}\n${headerNonce}\n${body}\n`))
    .send(body);
}
