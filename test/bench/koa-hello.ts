/**
 * The baseline for bench:bot — a bare Koa app on the same Node that reads the posted XML and answers a passive
 * text reply, with no signature check, no database and no bot. Started as a child process by bot.bench.ts.
 */
import Koa from 'koa';
import getRawBody from 'raw-body';

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path === '/healthz') {
    ctx.body = 'ok';
    return;
  }
  const xml = await getRawBody(ctx.req, { limit: '64kb', encoding: 'utf-8' });
  ctx.type = 'application/xml';
  ctx.body = `<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello ${xml.length}]]></Content></xml>`;
});
app.listen(Number(process.env.PORT ?? 3918), '127.0.0.1');
