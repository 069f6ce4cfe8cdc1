/**
 * The sandbox's cashier (收银台): every WeChat Pay order Mulin has placed with the sandbox, and a button that pays
 * it the way the senior's family member would in WeChat — the sandbox then sends Mulin the signed, encrypted
 * TRANSACTION.SUCCESS notification (retrying as WeChat Pay does). Self-contained, like the chat page.
 */
export const PAY_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>睦邻 · 微信支付沙箱</title>
<style>
  body { margin: 0; font: 18px/1.6 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; background: #f7f7f7; color: #111; }
  header { background: #2e2e2e; color: #fff; padding: 12px 20px; display: flex; gap: 20px; align-items: center; }
  header h1 { font-size: 20px; margin: 0; }
  header a { color: #9fe8b8; }
  main { max-width: 1100px; margin: 16px auto; padding: 0 16px; }
  table { width: 100%; border-collapse: collapse; background: #fff; border-radius: 10px; overflow: hidden; }
  th, td { padding: 10px 12px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
  th { background: #fafafa; font-weight: 600; }
  .amount { font-variant-numeric: tabular-nums; white-space: nowrap; }
  button { font: inherit; padding: 6px 16px; border: 0; border-radius: 6px; background: #07c160; color: #fff; cursor: pointer; }
  .state-SUCCESS { color: #07c160; font-weight: 600; }
  .empty { color: #666; padding: 24px; text-align: center; background: #fff; border-radius: 10px; }
  #status { margin: 12px 0; color: #666; min-height: 1.6em; }
</style>
</head>
<body>
<header><h1>睦邻 · 微信支付沙箱</h1><a href="/sandbox/chat">对话页</a></header>
<main>
  <p id="status" role="status"></p>
  <div id="orders"></div>
</main>
<script>
const STATES = { NOTPAY: '待支付', SUCCESS: '已支付', CLOSED: '已关闭', REFUND: '已退款', PAYERROR: '支付失败' };
const yuan = (fen) => '¥' + (fen / 100).toFixed(2);
async function load() {
  const res = await fetch('/sandbox/wxpay/sandbox/orders');
  const { orders } = await res.json();
  const box = document.getElementById('orders');
  if (orders.length === 0) { box.innerHTML = '<p class="empty">还没有订单。家属在小程序里付款时，订单会出现在这里。</p>'; return; }
  const table = document.createElement('table');
  table.innerHTML = '<thead><tr><th>商户订单号</th><th>内容</th><th>金额</th><th>状态</th><th></th></tr></thead>';
  const body = document.createElement('tbody');
  for (const o of orders.slice().reverse()) {
    const tr = document.createElement('tr');
    const cells = [o.outTradeNo, o.description, yuan(o.amountFen), STATES[o.state] || o.state];
    cells.forEach((text, i) => { const td = document.createElement('td'); td.textContent = text; if (i === 2) td.className = 'amount'; if (i === 3) td.className = 'state-' + o.state; tr.appendChild(td); });
    const action = document.createElement('td');
    if (o.state === 'NOTPAY') {
      const b = document.createElement('button');
      b.textContent = '支付';
      b.addEventListener('click', () => pay(o.outTradeNo));
      action.appendChild(b);
    }
    tr.appendChild(action);
    body.appendChild(tr);
  }
  table.appendChild(body);
  box.innerHTML = '';
  box.appendChild(table);
}
async function pay(no) {
  const res = await fetch('/sandbox/wxpay/sandbox/orders/' + encodeURIComponent(no) + '/pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const out = await res.json();
  document.getElementById('status').textContent = res.ok ? '已支付 ' + no + '，支付通知已发给睦邻' : '支付失败：' + out.message;
  load();
}
load();
setInterval(load, 3000);
</script>
</body>
</html>
`;
