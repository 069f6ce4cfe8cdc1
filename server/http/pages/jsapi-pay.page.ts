import { PAY_PAGE_TEXTS } from '../../words/texts';

/**
 * The page a chat pay link opens in WeChat's browser: it shows what is being paid, large and plain, and hands the
 * signed parameters to WeChat Pay (`WeixinJSBridge.invoke('getBrandWCPayRequest')`). In sandbox mode, where there is
 * no WeixinJSBridge, it sends the senior to the sandbox's cashier instead. Self-contained: no external resources.
 * Its words are PAY_PAGE_TEXTS (plain text without markup, so they go into the HTML as they are).
 */
const T = PAY_PAGE_TEXTS;
const js = (text: string) => JSON.stringify(text);

export const JSAPI_PAY_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${T.title}</title>
<style>
  body { margin: 0; font: 22px/1.6 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; background: #f7f7f7; color: #111; }
  main { max-width: 560px; margin: 0 auto; padding: 32px 20px; text-align: center; }
  h1 { font-size: 28px; margin: 0 0 24px; }
  .amount { font-size: 48px; font-weight: 700; margin: 12px 0 4px; font-variant-numeric: tabular-nums; }
  .hint { color: #555; margin: 0 0 28px; }
  button { font: inherit; font-size: 26px; width: 100%; padding: 18px; border: 0; border-radius: 12px; background: #07c160; color: #fff; }
  button[disabled] { background: #9ed9b6; }
  #status { margin-top: 24px; min-height: 2em; }
  .error { color: #c0392b; }
  .ok { color: #07c160; font-weight: 700; }
</style>
</head>
<body>
<main>
  <h1>${T.heading}</h1>
  <p class="amount" id="amount">……</p>
  <p class="hint" id="hint">${T.preparing}</p>
  <button id="pay" disabled>${T.button}</button>
  <p id="status" role="status"></p>
</main>
<script>
const token = new URLSearchParams(location.search).get('t') || '';
const $ = (id) => document.getElementById(id);
const say = (text, cls) => { $('status').textContent = text; $('status').className = cls || ''; };
let prepared = null;
async function prepare() {
  const res = await fetch('/pay/jsapi', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ t: token }) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { $('hint').textContent = ''; $('amount').textContent = ''; say((body.error && body.error.message) || ${js(T.notPrepared)}, 'error'); return; }
  prepared = body;
  $('amount').textContent = '¥' + (body.payment.amountFen / 100).toFixed(2);
  const due = new Date(body.payment.expiresAt);
  $('hint').textContent = ${js(T.payBy)}.replace('{time}', due.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' }));
  $('pay').disabled = false;
}
function pay() {
  if (!prepared) return;
  if (prepared.sandboxCashier) { location.href = prepared.sandboxCashier; return; }
  if (typeof WeixinJSBridge === 'undefined') { say(${js(T.openInWechat)}, 'error'); return; }
  WeixinJSBridge.invoke('getBrandWCPayRequest', prepared.requestPayment, (res) => {
    if (res.err_msg === 'get_brand_wcpay_request:ok') say(${js(T.paid)}, 'ok');
    else if (res.err_msg === 'get_brand_wcpay_request:cancel') say(${js(T.cancelled)});
    else say(${js(T.failed)}, 'error');
  });
}
$('pay').addEventListener('click', pay);
prepare().catch(() => say(${js(T.network)}, 'error'));
</script>
</body>
</html>
`;
