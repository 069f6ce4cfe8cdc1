import { randomBytes } from 'node:crypto';
import { WechatPayError, WechatPayGateway } from '../../server/gateways/wechat-pay.gateway';
import { sandboxSettings, type WechatSettings } from '../../server/wechat-settings';
import { startNotifyReceiver, startWxpaySandbox, type NotifyReceiver, type RunningSandbox } from '../helpers/wxpay';

// The WeChat Pay sandbox's test knobs, driven over its unsigned HTTP actions as other tests will drive them, with
// Mulin's gateway as the merchant and notifications verified by a receiver that checks them as Mulin does.

let sb: RunningSandbox;
let receiver: NotifyReceiver;
let settings: WechatSettings;
let gateway: WechatPayGateway;
let seq = 0;

const OPENID = 'oSBXfamily0002';
const RUN = randomBytes(4).toString('hex').toUpperCase();
const nextTradeNo = () => `KNB${RUN}${String(++seq).padStart(4, '0')}`;

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

beforeEach(async () => {
  sb.sandbox.setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
  sb.sandbox.releaseHeldRefunds();
  await sb.sandbox.settled();
  receiver.received.length = 0;
  receiver.failNext = 0;
});

/** An unsigned sandbox action; waits for every notification it set off. */
async function action(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${sb.sandboxBase}/wxpay/sandbox${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  await sb.sandbox.settled();
  return { status: res.status, body: json };
}

async function paidOrder(amountFen: number, payOpts: Record<string, unknown> = {}) {
  const outTradeNo = nextTradeNo();
  await gateway.jsapiPrepay({ appId: settings.mini.appId, outTradeNo, description: '睦邻助餐-晚餐', amountFen, payerOpenid: OPENID });
  const paid = await action('POST', `/orders/${outTradeNo}/pay`, payOpts);
  expect(paid.status).toBe(200);
  return { outTradeNo, transactionId: paid.body.transactionId as string, notificationId: paid.body.notificationId as string | undefined };
}

const refundOf = (outTradeNo: string, outRefundNo: string, refundFen: number, totalFen: number) =>
  gateway.refund({ outTradeNo, outRefundNo, reason: '取消服务', refundFen, totalFen });

/** The notifications the receiver accepted, opened; a rejected one fails the test. */
function opened() {
  return receiver.received.map((r) => {
    if (!r.outcome.ok) throw new Error(`notification rejected: ${r.outcome.reason}`);
    return r.outcome.notification;
  });
}

const orderView = (outTradeNo: string) => sb.sandbox.listOrders().find((o) => o.outTradeNo === outTradeNo)!;

describe('payment notification knobs', () => {
  it('silent: the order is paid but no notification goes out, so only a query finds it', async () => {
    const { outTradeNo, transactionId, notificationId } = await paidOrder(1800, { silent: true });
    expect(notificationId).toBeUndefined();
    expect(receiver.received).toHaveLength(0);
    expect(sb.sandbox.notificationLog().filter((a) => a.outTradeNo === outTradeNo)).toHaveLength(0);
    expect(await gateway.queryByOutTradeNo(outTradeNo)).toMatchObject({ tradeState: 'SUCCESS', transactionId, amountFen: 1800 });
  });

  it('amountFen: a validly signed notification reports another amount; the order keeps its own', async () => {
    const { outTradeNo, notificationId } = await paidOrder(2100, { amountFen: 1 });
    const [n] = opened();
    expect(n).toMatchObject({
      id: notificationId,
      eventType: 'TRANSACTION.SUCCESS',
      resource: { out_trade_no: outTradeNo, mchid: settings.pay.mchId, appid: settings.mini.appId, amount: { total: 1, payer_total: 1, currency: 'CNY' } },
    });
    expect((await gateway.queryByOutTradeNo(outTradeNo)).amountFen).toBe(2100);
  });

  it('mchid and appid: the notification names another merchant and app; nothing else changes', async () => {
    const { outTradeNo } = await paidOrder(900, { mchid: '1900000109', appid: 'wx8888888888888888' });
    const [n] = opened();
    expect(n.resource).toMatchObject({
      mchid: '1900000109',
      appid: 'wx8888888888888888',
      out_trade_no: outTradeNo,
      trade_state: 'SUCCESS',
      amount: { total: 900, payer_total: 900 },
    });
    expect(orderView(outTradeNo).appId).toBe(settings.mini.appId);
  });
});

describe('refund knobs', () => {
  it('failRefunds: the next refunds are refused 403 NOT_ENOUGH and not stored; the same number succeeds later', async () => {
    const { outTradeNo } = await paidOrder(3000);
    expect(await action('POST', '/refund-knobs', { failRefunds: 2 })).toMatchObject({ status: 200, body: { failRefunds: 2 } });
    const outRefundNo = `R${outTradeNo}`;
    for (let i = 0; i < 2; i++) {
      const err = await refundOf(outTradeNo, outRefundNo, 1000, 3000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WechatPayError);
      expect(err).toMatchObject({ status: 403, code: 'NOT_ENOUGH', message: '基本账户余额不足，请充值后重新发起' });
      await expect(gateway.queryRefund(outRefundNo)).rejects.toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
    }
    expect((await action('GET', '/refund-knobs')).body).toEqual({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
    await expect(refundOf(outTradeNo, outRefundNo, 1000, 3000)).resolves.toMatchObject({ outRefundNo, status: 'PROCESSING' });
    await sb.sandbox.settled();
    expect((await gateway.queryRefund(outRefundNo)).status).toBe('SUCCESS');
    expect(orderView(outTradeNo).refundedFen).toBe(1000);
  });

  it.each([['CLOSED'], ['ABNORMAL']])('refundOutcome %s: the refund ends so, is notified as such, and its amount can be refunded again', async (outcome) => {
    const { outTradeNo, transactionId } = await paidOrder(3000);
    receiver.received.length = 0;
    await action('POST', '/refund-knobs', { refundOutcome: outcome });
    const first = await refundOf(outTradeNo, `A${outTradeNo}`, 3000, 3000);
    await sb.sandbox.settled();

    const refund = await gateway.queryRefund(`A${outTradeNo}`);
    expect(refund).toMatchObject({ refundId: first.refundId, status: outcome });
    expect(refund.successTime).toBeUndefined();
    const [n] = opened();
    expect(receiver.received[0].path).toBe('/pay/refund-notify');
    expect(n).toMatchObject({
      eventType: `REFUND.${outcome}`,
      resource: {
        out_trade_no: outTradeNo,
        transaction_id: transactionId,
        out_refund_no: `A${outTradeNo}`,
        refund_id: first.refundId,
        refund_status: outcome,
        amount: { total: 3000, refund: 3000 },
      },
    });
    expect(n.resource).not.toHaveProperty('success_time');
    expect(orderView(outTradeNo).refundedFen).toBe(0);

    await action('POST', '/refund-knobs', { refundOutcome: 'SUCCESS' });
    await refundOf(outTradeNo, `B${outTradeNo}`, 3000, 3000);
    await sb.sandbox.settled();
    expect((await gateway.queryRefund(`B${outTradeNo}`)).status).toBe('SUCCESS');
    expect(orderView(outTradeNo).refundedFen).toBe(3000);
  });

  it('holdRefunds: accepted refunds stay PROCESSING without notification until released with the outcome of that moment', async () => {
    const { outTradeNo } = await paidOrder(3000);
    receiver.received.length = 0;
    await action('POST', '/refund-knobs', { holdRefunds: true });
    await refundOf(outTradeNo, `H1${outTradeNo}`, 1000, 3000);
    await refundOf(outTradeNo, `H2${outTradeNo}`, 500, 3000);
    await sb.sandbox.settled();
    expect((await gateway.queryRefund(`H1${outTradeNo}`)).status).toBe('PROCESSING');
    expect(receiver.received).toHaveLength(0);

    await action('POST', '/refund-knobs', { holdRefunds: false, refundOutcome: 'CLOSED' });
    expect(await action('POST', '/refunds/release')).toEqual({ status: 200, body: { released: [`H1${outTradeNo}`, `H2${outTradeNo}`] } });
    expect((await gateway.queryRefund(`H1${outTradeNo}`)).status).toBe('CLOSED');
    expect((await gateway.queryRefund(`H2${outTradeNo}`)).status).toBe('CLOSED');
    expect(opened().map((n) => [n.eventType, n.resource.out_refund_no])).toEqual([
      ['REFUND.CLOSED', `H1${outTradeNo}`],
      ['REFUND.CLOSED', `H2${outTradeNo}`],
    ]);
    expect(await action('POST', '/refunds/release')).toEqual({ status: 200, body: { released: [] } });
  });
});

describe('redeliver', () => {
  it('sends a delivered notification again, after a later one: same id and body, fresh signature, logged as duplicate', async () => {
    const { outTradeNo, notificationId } = await paidOrder(2500);
    await refundOf(outTradeNo, `R${outTradeNo}`, 2500, 2500);
    await sb.sandbox.settled();

    expect(await action('POST', `/notifications/${notificationId}/redeliver`)).toEqual({ status: 200, body: { notificationId } });
    expect(opened().map((n) => [n.id === notificationId, n.eventType])).toEqual([
      [true, 'TRANSACTION.SUCCESS'],
      [false, 'REFUND.SUCCESS'],
      [true, 'TRANSACTION.SUCCESS'],
    ]);
    const [original, , again] = receiver.received;
    expect(again.path).toBe(original.path);
    expect(again.rawBody).toBe(original.rawBody);
    expect(again.headers['wechatpay-nonce']).not.toBe(original.headers['wechatpay-nonce']);
    expect(again.headers['wechatpay-signature']).not.toBe(original.headers['wechatpay-signature']);
    const log = sb.sandbox.notificationLog().filter((a) => a.notificationId === notificationId);
    expect(log.map((a) => [a.attempt, a.duplicate, a.accepted])).toEqual([
      [1, false, true],
      [2, true, true],
    ]);
  });

  it('answers 404 for a notification it never sent', async () => {
    expect(await action('POST', '/notifications/no-such-id/redeliver')).toMatchObject({
      status: 404,
      body: { code: 'NOTIFICATION_NOT_FOUND' },
    });
    expect(() => sb.sandbox.redeliver('no-such-id')).toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe('knob input', () => {
  it.each<[string, unknown]>([
    ['amountFen 0', { amountFen: 0 }],
    ['amountFen as text', { amountFen: '100' }],
    ['a non-boolean flag', { silent: 'yes' }],
    ['an empty mchid', { mchid: '' }],
    ['too many duplicates', { duplicates: 21 }],
    ['a misspelt knob', { amount: 1 }],
    ['an array', [{ silent: true }]],
    ['broken JSON', '{"silent":'],
  ])('the pay action refuses %s with 400 and leaves the order unpaid', async (_what, body) => {
    const outTradeNo = nextTradeNo();
    await gateway.jsapiPrepay({ appId: settings.mini.appId, outTradeNo, description: '助浴', amountFen: 100, payerOpenid: OPENID });
    const res = await action('POST', `/orders/${outTradeNo}/pay`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'PARAM_ERROR', message: expect.any(String) });
    expect(orderView(outTradeNo).state).toBe('NOTPAY');
  });

  it.each<[string, unknown]>([
    ['a negative failRefunds', { failRefunds: -1 }],
    ['a fractional failRefunds', { failRefunds: 1.5 }],
    ['an unknown refundOutcome', { refundOutcome: 'FAILED' }],
    ['a non-boolean holdRefunds', { holdRefunds: 1 }],
    ['a misspelt knob beside a good one', { failRefunds: 2, holdRefund: true }],
  ])('the refund-knobs action refuses %s with 400 and changes nothing', async (_what, body) => {
    const res = await action('POST', '/refund-knobs', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'PARAM_ERROR', message: expect.any(String) });
    expect(sb.sandbox.refundKnobs()).toEqual({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
  });
});
