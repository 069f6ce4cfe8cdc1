import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WechatPayError, WechatPayGateway } from '../../server/gateways/wechat-pay.gateway';
import { FakeClock } from '../../server/lib/clock';
import { sandboxSettings, type WechatSettings } from '../../server/wechat-settings';
import { authorization, rsaVerifies, startNotifyReceiver, startWxpaySandbox, T0, type NotifyReceiver, type RunningSandbox } from '../helpers/wxpay';

// Mulin's WeChat Pay gateway against the sandbox over real HTTP, and the sandbox's notifications received by a
// merchant endpoint that verifies them as Mulin does.

let sb: RunningSandbox;
let receiver: NotifyReceiver;
let settings: WechatSettings;
let gateway: WechatPayGateway;
let seq = 0;

const OPENID = 'oSBXfamily0001';
const RUN = randomBytes(4).toString('hex').toUpperCase();
const nextTradeNo = () => `MLN${RUN}${String(++seq).padStart(4, '0')}`;

beforeAll(async () => {
  sb = await startWxpaySandbox([0, 10, 10]);
  receiver = await startNotifyReceiver(sb.creds, sb.clock);
  settings = sandboxSettings(sb.creds, sb.sandboxBase, receiver.url);
  gateway = new WechatPayGateway(settings, sb.clock);
});

afterAll(async () => {
  await sb?.close();
  await receiver?.close();
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.failNext = 0;
});

async function prepay(amountFen = 1250, outTradeNo = nextTradeNo()) {
  const res = await gateway.jsapiPrepay({
    appId: settings.mini.appId,
    outTradeNo,
    description: '睦邻助餐-午餐',
    amountFen,
    payerOpenid: OPENID,
  });
  return { outTradeNo, ...res };
}

/** Pays through the sandbox's HTTP action, as the sandbox page does, and waits for every delivery. */
async function payOverHttp(outTradeNo: string, opts: Record<string, unknown> = {}) {
  const res = await fetch(`${sb.sandboxBase}/wxpay/sandbox/orders/${outTradeNo}/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(opts),
  });
  const body = (await res.json()) as { transactionId?: string; notificationId?: string; code?: string };
  await sb.sandbox.settled();
  return { status: res.status, body };
}

async function expectPayError(p: Promise<unknown>, status: number, code: string): Promise<WechatPayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WechatPayError);
  expect(err).toMatchObject({ status, code });
  return err as WechatPayError;
}

describe('JSAPI prepay', () => {
  it('returns wx.requestPayment parameters signed by the merchant key', async () => {
    const { prepayId, requestPayment: rp } = await prepay();
    expect(prepayId).toMatch(/^wx\d{14}/);
    expect(rp).toMatchObject({
      appId: settings.mini.appId,
      package: `prepay_id=${prepayId}`,
      signType: 'RSA',
      timeStamp: String(Math.floor(sb.clock.now().getTime() / 1000)),
    });
    expect(rp.nonceStr).toMatch(/^[0-9A-Za-z]{16,32}$/);
    const message = `${rp.appId}\n${rp.timeStamp}\n${rp.nonceStr}\n${rp.package}\n`;
    expect(rsaVerifies(sb.creds.pay.merchantPublicKeyPem, message, rp.paySign)).toBe(true);
    expect(rsaVerifies(sb.creds.pay.merchantPublicKeyPem, message.replace(rp.timeStamp, '1'), rp.paySign)).toBe(false);
  });

  it('gives the same prepay_id for a repeated identical order and refuses a clashing one', async () => {
    const first = await prepay(800);
    const again = await prepay(800, first.outTradeNo);
    expect(again.prepayId).toBe(first.prepayId);
    await expectPayError(prepay(900, first.outTradeNo), 400, 'INVALID_REQUEST');
  });

  it('sends time_expire in Beijing time; the sandbox takes payment until then and refuses it after', async () => {
    const expiring = async () => {
      const outTradeNo = nextTradeNo();
      const timeExpire = new Date(sb.clock.now().getTime() + 15 * 60_000);
      await gateway.jsapiPrepay({ appId: settings.mini.appId, outTradeNo, description: '助浴', amountFen: 3000, payerOpenid: OPENID, timeExpire });
      return outTradeNo;
    };
    const early = await expiring();
    expect(sb.sandbox.listOrders().find((o) => o.outTradeNo === early)?.timeExpire).toBe('2026-12-01T08:45:00+08:00');
    const late = await expiring();
    sb.clock.advance(14 * 60_000);
    try {
      expect(await payOverHttp(early)).toMatchObject({ status: 200 });
      sb.clock.advance(2 * 60_000);
      expect(await payOverHttp(late)).toMatchObject({ status: 409, body: { code: 'ORDER_EXPIRED' } });
    } finally {
      sb.clock.set(T0);
    }
  });

  it('refuses amounts that are not whole positive fen before calling WeChat', async () => {
    await expect(prepay(12.5)).rejects.toThrow(RangeError);
    await expect(prepay(0)).rejects.toThrow(RangeError);
  });
});

describe('query, pay notification, close', () => {
  it('reports NOTPAY before payment and SUCCESS with the transaction after it', async () => {
    const { outTradeNo } = await prepay(1250);
    expect(await gateway.queryByOutTradeNo(outTradeNo)).toEqual({
      tradeState: 'NOTPAY',
      tradeStateDesc: '订单未支付',
      amountFen: 1250,
      transactionId: undefined,
      payerOpenid: undefined,
      successTime: undefined,
    });

    const paid = await payOverHttp(outTradeNo);
    expect(paid.status).toBe(200);
    const status = await gateway.queryByOutTradeNo(outTradeNo);
    expect(status).toMatchObject({ tradeState: 'SUCCESS', amountFen: 1250, payerOpenid: OPENID, transactionId: paid.body.transactionId });
    expect(status.transactionId).toMatch(/^4200\d{24}$/);
    expect(status.successTime?.getTime()).toBe(Math.floor(sb.clock.now().getTime() / 1000) * 1000);
  });

  it('delivers a TRANSACTION.SUCCESS notification that verifies, and redelivers after a failure', async () => {
    const { outTradeNo } = await prepay(2100);
    receiver.failNext = 1;
    const paid = await payOverHttp(outTradeNo);

    expect(receiver.received.map((r) => r.answered)).toEqual([500, 204]);
    expect(receiver.received.every((r) => r.path === '/pay/notify')).toBe(true);
    expect(receiver.received[1].rawBody).toBe(receiver.received[0].rawBody);
    const outcome = receiver.received[1].outcome;
    if (!outcome.ok) throw new Error(`notification rejected: ${outcome.reason}`);
    expect(outcome.notification).toMatchObject({
      id: paid.body.notificationId,
      eventType: 'TRANSACTION.SUCCESS',
      resourceType: 'encrypt-resource',
      resource: {
        mchid: settings.pay.mchId,
        appid: settings.mini.appId,
        out_trade_no: outTradeNo,
        transaction_id: paid.body.transactionId,
        trade_state: 'SUCCESS',
        payer: { openid: OPENID },
        amount: { total: 2100, payer_total: 2100, currency: 'CNY' },
      },
    });
    const log = sb.sandbox.notificationLog().filter((a) => a.notificationId === paid.body.notificationId);
    expect(log.map((a) => [a.attempt, a.status, a.accepted])).toEqual([
      [1, 500, false],
      [2, 204, true],
    ]);
    expect(log[0].url).toBe(settings.pay.notifyUrl);
  });

  it('sends the same notification id again when asked for duplicates', async () => {
    const { outTradeNo } = await prepay(600);
    const paid = await payOverHttp(outTradeNo, { duplicates: 2 });
    expect(receiver.received).toHaveLength(3);
    const ids = receiver.received.map((r) => (r.outcome.ok ? r.outcome.notification.id : r.outcome.reason));
    expect(ids).toEqual([paid.body.notificationId, paid.body.notificationId, paid.body.notificationId]);
    expect(sb.sandbox.notificationLog().filter((a) => a.notificationId === paid.body.notificationId && a.duplicate)).toHaveLength(2);
  });

  it.each([
    ['tamperBody', 'BAD_SIGNATURE'],
    ['tamperTag', 'BAD_CIPHERTEXT'],
    ['staleTimestamp', 'STALE_TIMESTAMP'],
    ['signtest', 'SIGNTEST'],
    ['wrongSerial', 'UNKNOWN_SERIAL'],
  ])('a notification sent with %s is rejected as %s and retried until WeChat gives up', async (knob, reason) => {
    const { outTradeNo } = await prepay(500);
    await payOverHttp(outTradeNo, { [knob]: true });
    expect(receiver.received.map((r) => [r.answered, r.outcome.ok ? 'OK' : r.outcome.reason])).toEqual([
      [400, reason],
      [400, reason],
      [400, reason],
    ]);
    // The payment itself happened: a merchant that missed the notification finds it by querying.
    expect((await gateway.queryByOutTradeNo(outTradeNo)).tradeState).toBe('SUCCESS');
  });

  it('closes an unpaid order (which then cannot be paid) and refuses to close a paid one', async () => {
    const unpaid = await prepay(700);
    await expect(gateway.close(unpaid.outTradeNo)).resolves.toBeUndefined();
    expect((await gateway.queryByOutTradeNo(unpaid.outTradeNo)).tradeState).toBe('CLOSED');
    expect(await payOverHttp(unpaid.outTradeNo)).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_PAYABLE' } });

    const paid = await prepay(700);
    await payOverHttp(paid.outTradeNo);
    await expectPayError(gateway.close(paid.outTradeNo), 400, 'ORDERPAID');
  });

  it('lists orders with their state for the sandbox page', async () => {
    const { outTradeNo } = await prepay(990);
    const res = await fetch(`${sb.sandboxBase}/wxpay/sandbox/orders`);
    const { orders } = (await res.json()) as { orders: { outTradeNo: string; state: string; amountFen: number }[] };
    expect(orders.find((o) => o.outTradeNo === outTradeNo)).toMatchObject({ state: 'NOTPAY', amountFen: 990 });
  });
});

describe('refunds', () => {
  it('refunds part of a paid order, settles it and notifies REFUND.SUCCESS', async () => {
    const { outTradeNo } = await prepay(3000);
    await payOverHttp(outTradeNo);
    receiver.received.length = 0;

    const refund = await gateway.refund({ outTradeNo, outRefundNo: `R${outTradeNo}`, reason: '取消预约', refundFen: 1000, totalFen: 3000 });
    expect(refund).toMatchObject({ outRefundNo: `R${outTradeNo}`, status: 'PROCESSING' });
    expect(refund.refundId).toMatch(/^50\d{27}$/);
    await sb.sandbox.settled();

    expect(await gateway.queryRefund(`R${outTradeNo}`)).toMatchObject({ refundId: refund.refundId, status: 'SUCCESS' });
    expect((await gateway.queryByOutTradeNo(outTradeNo)).tradeState).toBe('REFUND');
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].path).toBe('/pay/refund-notify');
    const outcome = receiver.received[0].outcome;
    if (!outcome.ok) throw new Error(`refund notification rejected: ${outcome.reason}`);
    expect(outcome.notification).toMatchObject({
      eventType: 'REFUND.SUCCESS',
      resource: {
        out_trade_no: outTradeNo,
        out_refund_no: `R${outTradeNo}`,
        refund_id: refund.refundId,
        refund_status: 'SUCCESS',
        amount: { total: 3000, refund: 1000 },
      },
    });
  });

  it('refuses to refund more than is left, and a clashing duplicate refund number', async () => {
    const { outTradeNo } = await prepay(3000);
    await payOverHttp(outTradeNo);
    await gateway.refund({ outTradeNo, outRefundNo: `A${outTradeNo}`, reason: '部分退款', refundFen: 2000, totalFen: 3000 });
    await expectPayError(
      gateway.refund({ outTradeNo, outRefundNo: `B${outTradeNo}`, reason: '超额', refundFen: 1001, totalFen: 3000 }),
      400,
      'INVALID_REQUEST',
    );
    await expectPayError(
      gateway.refund({ outTradeNo, outRefundNo: `A${outTradeNo}`, reason: '部分退款', refundFen: 500, totalFen: 3000 }),
      400,
      'INVALID_REQUEST',
    );
    await expect(gateway.refund({ outTradeNo, outRefundNo: `C${outTradeNo}`, reason: '余额', refundFen: 1000, totalFen: 3000 })).resolves.toMatchObject({
      status: 'PROCESSING',
    });
    await sb.sandbox.settled();
  });

  it('refuses to refund an unpaid order', async () => {
    const { outTradeNo } = await prepay(3000);
    await expectPayError(
      gateway.refund({ outTradeNo, outRefundNo: `R${outTradeNo}`, reason: '未支付', refundFen: 100, totalFen: 3000 }),
      400,
      'INVALID_REQUEST',
    );
  });
});

describe('errors', () => {
  it('maps an unknown order to ORDERNOTEXIST (404) and an unknown refund to RESOURCE_NOT_EXISTS (404)', async () => {
    const err = await expectPayError(gateway.queryByOutTradeNo('NOSUCHORDER01'), 404, 'ORDERNOTEXIST');
    expect(err.message).toBe('订单不存在');
    await expectPayError(gateway.queryRefund('NOSUCHREFUND01'), 404, 'RESOURCE_NOT_EXISTS');
  });

  it('is refused with 401 SIGN_ERROR when it signs with another private key', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const impostor = new WechatPayGateway({ ...settings, pay: { ...settings.pay, privateKeyPem: other.privateKey } }, sb.clock);
    await expectPayError(impostor.queryByOutTradeNo('NOSUCHORDER01'), 401, 'SIGN_ERROR');
  });

  it("signs requests on the injected clock (a clock ten minutes off is refused by WeChat's time check)", async () => {
    const skewed = new FakeClock(new Date(sb.clock.now().getTime() + 10 * 60_000));
    await expectPayError(new WechatPayGateway(settings, skewed).queryByOutTradeNo('NOSUCHORDER01'), 401, 'SIGN_ERROR');
  });

  it('refuses a response that does not verify with the platform public key', async () => {
    const { outTradeNo } = await prepay(100);
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const fooled = new WechatPayGateway({ ...settings, pay: { ...settings.pay, platformPublicKeyPem: other.publicKey } }, sb.clock);
    await expectPayError(fooled.queryByOutTradeNo(outTradeNo), 200, 'BAD_RESPONSE_SIGNATURE');
  });

  it('reports an unreachable WeChat Pay as NETWORK', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const offline = new WechatPayGateway({ ...settings, payApiBase: `http://127.0.0.1:${port}/sandbox/wxpay` }, sb.clock);
    await expectPayError(offline.queryByOutTradeNo('NOSUCHORDER01'), 0, 'NETWORK');
  });
});

describe('the sandbox API itself, called with a hand-built signature', () => {
  const path = '/v3/pay/transactions/jsapi';

  async function call(body: string, auth?: string) {
    const res = await fetch(`${sb.sandboxBase}/wxpay${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
      body,
    });
    return { res, text: await res.text() };
  }

  const order = (total: unknown) =>
    JSON.stringify({
      appid: sb.creds.mini.appId,
      mchid: sb.creds.pay.mchId,
      description: '助餐',
      out_trade_no: nextTradeNo(),
      notify_url: `${receiver.url}/pay/notify`,
      amount: { total, currency: 'CNY' },
      payer: { openid: OPENID },
    });

  it('accepts a request signed per WeChat Pay and signs its response with the platform key', async () => {
    const body = order(100);
    const { res, text } = await call(body, authorization(sb.creds, 'POST', path, body, sb.clock.now()));
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ prepay_id: expect.stringMatching(/^wx/) });
    expect(res.headers.get('wechatpay-serial')).toBe(sb.creds.pay.platformPublicKeyId);
    const message = `${res.headers.get('wechatpay-timestamp')}\n${res.headers.get('wechatpay-nonce')}\n${text}\n`;
    expect(rsaVerifies(sb.creds.pay.platformPublicKeyPem, message, res.headers.get('wechatpay-signature')!)).toBe(true);
  });

  it('answers 401 SIGN_ERROR without Authorization, or when the body differs from what was signed', async () => {
    const body = order(100);
    const missing = await call(body);
    expect(missing.res.status).toBe(401);
    expect(JSON.parse(missing.text)).toMatchObject({ code: 'SIGN_ERROR' });
    const tampered = await call(body.replace('"total":100', '"total":1'), authorization(sb.creds, 'POST', path, body, sb.clock.now()));
    expect(tampered.res.status).toBe(401);
    expect(JSON.parse(tampered.text)).toMatchObject({ code: 'SIGN_ERROR' });
  });

  it.each([[0], [-5], [1.5], ['100']])('answers 400 PARAM_ERROR for amount.total %p', async (total) => {
    const body = order(total);
    const { res, text } = await call(body, authorization(sb.creds, 'POST', path, body, sb.clock.now()));
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ code: 'PARAM_ERROR' });
  });

  it('answers 400 when the mchid in the body is not the merchant', async () => {
    const body = order(100).replace(sb.creds.pay.mchId, '1900000000');
    const { res, text } = await call(body, authorization(sb.creds, 'POST', path, body, sb.clock.now()));
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
