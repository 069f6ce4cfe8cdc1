import { Router } from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors';
import { PayNotificationRejected } from '../../gateways/wechat-pay-notify';
import { PAY_NOTIFY_ANSWERS } from '../../words/texts';
import type { PaymentService } from '../../services/payment/payment.service';
import { JSAPI_PAY_PAGE } from '../pages/jsapi-pay.page';
import { parse } from '../validate';

/** WeChat Pay's notifications are a few kilobytes; anything near this is not WeChat Pay. */
const MAX_BODY = '64kb';
const linkBody = z.object({ t: z.string().min(10).max(400) });

/**
 * WeChat Pay's side of Mulin (fixed paths): `POST /pay/notify` and `POST /pay/refund-notify`, and the JSAPI pay
 * page a chat link opens. Notifications are answered as WeChat Pay v3 asks: 204 when handled (or handled before),
 * 401 with `{"code":"FAIL"}` when it cannot be WeChat Pay's (it is not retried into success), 500 when we could not
 * process it now (WeChat Pay sends it again, for up to 24 hours).
 */
export function payRoutes(payments: PaymentService, logger: Logger, sandbox: boolean): Router {
  const r = new Router();
  const notify = (receive: (headers: Context['headers'], raw: string) => Promise<string>) => async (ctx: Context) => {
    let raw: string;
    try {
      raw = await getRawBody(ctx.req, { length: ctx.request.length, limit: MAX_BODY, encoding: 'utf-8' });
    } catch (err) {
      const tooLarge = (err as { type?: string }).type === 'entity.too.large';
      return answer(ctx, tooLarge ? 413 : 400, tooLarge ? PAY_NOTIFY_ANSWERS.tooLarge : PAY_NOTIFY_ANSWERS.unreadable);
    }
    try {
      const outcome = await receive(ctx.headers, raw);
      logger.info({ path: ctx.path, outcome }, 'WeChat Pay notification handled');
      ctx.status = 204;
    } catch (err) {
      if (err instanceof PayNotificationRejected) {
        logger.warn({ path: ctx.path, reason: err.reason, err: err.message }, 'WeChat Pay notification rejected');
        return answer(ctx, err.reason === 'MALFORMED' ? 400 : 401, PAY_NOTIFY_ANSWERS.badSignature(err.reason));
      }
      logger.error({ path: ctx.path, err }, 'WeChat Pay notification could not be processed; WeChat Pay will retry');
      return answer(ctx, 500, PAY_NOTIFY_ANSWERS.failed);
    }
  };
  r.post(
    '/pay/notify',
    notify((headers, raw) => payments.receiveTransaction(headers, raw)),
  );
  r.post(
    '/pay/refund-notify',
    notify((headers, raw) => payments.receiveRefund(headers, raw)),
  );

  r.get('/pay/jsapi', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.body = JSAPI_PAY_PAGE;
  });
  // The page asks for the payment parameters with the link's token (JSON in, JSON out, errors as the API's).
  r.post('/pay/jsapi', async (ctx) => {
    let body: unknown;
    try {
      body = JSON.parse(await getRawBody(ctx.req, { length: ctx.request.length, limit: '4kb', encoding: 'utf-8' }));
    } catch {
      throw new AppError('BAD_JSON');
    }
    const { payment, requestPayment } = await payments.prepayByLink(parse(linkBody, body).t);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      payment: { outTradeNo: payment.outTradeNo, amountFen: payment.amountFen, expiresAt: payment.expiresAt },
      requestPayment,
      // Without real WeChat there is no WeixinJSBridge: the sandbox's cashier pays the order instead.
      ...(sandbox ? { sandboxCashier: `/sandbox/pay?outTradeNo=${encodeURIComponent(payment.outTradeNo)}` } : {}),
    };
  });
  return r;
}

function answer(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.body = { code: 'FAIL', message };
}
