/**
 * The page a chat pay link opens in WeChat's browser: it shows what is being paid, large and plain, and hands the
 * signed parameters to WeChat Pay (`WeixinJSBridge.invoke('getBrandWCPayRequest')`). In sandbox mode, where there is
 * no WeixinJSBridge, it sends the senior to the sandbox's cashier instead. Self-contained: no external resources.
 */
export const JSAPI_PAY_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>睦邻 · 付款</title>
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
  <h1>付款</h1>
  <p class="amount" id="amount">……</p>
  <p class="hint" id="hint">正在准备付款</p>
  <button id="pay" disabled>用微信付款</button>
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
  if (!res.ok) { $('hint').textContent = ''; $('amount').textContent = ''; say((body.error && body.error.message) || '付款没有准备好，请回到对话里再试', 'error'); return; }
  prepared = body;
  $('amount').textContent = '¥' + (body.payment.amountFen / 100).toFixed(2);
  const due = new Date(body.payment.expiresAt);
  $('hint').textContent = '请在 ' + due.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' }) + ' 前付款';
  $('pay').disabled = false;
}
function pay() {
  if (!prepared) return;
  if (prepared.sandboxCashier) { location.href = prepared.sandboxCashier; return; }
  if (typeof WeixinJSBridge === 'undefined') { say('请在微信里打开这个页面', 'error'); return; }
  WeixinJSBridge.invoke('getBrandWCPayRequest', prepared.requestPayment, (res) => {
    if (res.err_msg === 'get_brand_wcpay_request:ok') say('付款成功，可以回到对话了', 'ok');
    else if (res.err_msg === 'get_brand_wcpay_request:cancel') say('没有付款。想付的时候再点上面的按钮');
    else say('付款没有成功，请稍后再试', 'error');
  });
}
$('pay').addEventListener('click', pay);
prepare().catch(() => say('网络不好，请稍后再试', 'error'));
</script>
</body>
</html>
`;
