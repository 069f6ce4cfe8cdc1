/**
 * The sandbox chat page: talk to Mulin's public account the way a senior or a family member would in WeChat.
 * Self-contained (no build step, no outside resources): the page calls /sandbox/chat/* on the same server.
 */
export const CHAT_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>睦邻 · 微信沙箱对话</title>
<style>
  :root { --green: #07c160; --bg: #ededed; --ink: #111; --muted: #666; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 18px/1.6 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: #f7f7f7; }
  header { background: #2e2e2e; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 20px; margin: 0 12px 0 0; }
  header label { display: flex; gap: 8px; align-items: center; }
  select, input, button { font: inherit; }
  select, input[type=text] { padding: 6px 10px; border-radius: 6px; border: 1px solid #ccc; }
  main { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 16px; padding: 16px; max-width: 1200px; margin: 0 auto; }
  @media (max-width: 800px) { main { grid-template-columns: 1fr; } }
  .panel { background: #fff; border-radius: 10px; box-shadow: 0 1px 3px rgba(0,0,0,.08); display: flex; flex-direction: column; min-height: 70vh; }
  .panel h2 { font-size: 18px; margin: 0; padding: 12px 16px; border-bottom: 1px solid #eee; }
  #log { flex: 1; overflow-y: auto; padding: 16px; background: var(--bg); }
  .msg { max-width: 80%; padding: 10px 14px; border-radius: 8px; margin: 8px 0; white-space: pre-wrap; word-break: break-word; }
  .me { background: #95ec69; margin-left: auto; }
  .bot { background: #fff; }
  .sys { color: var(--muted); font-size: 15px; text-align: center; max-width: 100%; }
  .news a { display: block; margin: 4px 0; }
  form { display: flex; gap: 8px; padding: 12px; border-top: 1px solid #eee; flex-wrap: wrap; }
  form input[type=text] { flex: 1; min-width: 12em; }
  button { padding: 8px 16px; border: 0; border-radius: 6px; background: var(--green); color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: var(--ink); border: 1px solid #ccc; }
  .actions { display: flex; gap: 8px; padding: 0 12px 12px; flex-wrap: wrap; }
  #outbox { flex: 1; overflow-y: auto; padding: 12px 16px; font-size: 16px; }
  #outbox .item { border-bottom: 1px solid #eee; padding: 8px 0; white-space: pre-wrap; word-break: break-word; }
  #outbox .kind { color: var(--muted); font-size: 14px; }
</style>
</head>
<body>
<header>
  <h1>睦邻 · 微信沙箱</h1>
  <a href="/sandbox/pay" style="color:#9fe8b8">微信支付收银台</a>
  <label>我是 <select id="user" aria-label="微信用户"></select></label>
  <label><input type="checkbox" id="safe"> 安全模式（加密）</label>
</header>
<main>
  <section class="panel" aria-label="对话">
    <h2>和“睦邻社区养老”公众号对话</h2>
    <div id="log" role="log" aria-live="polite"></div>
    <form id="send">
      <input type="text" id="text" placeholder="输入文字，例如：明天中午吃饭" aria-label="消息" autocomplete="off">
      <button type="submit" id="send-text">发送</button>
      <button type="button" class="secondary" id="speak" title="把输入框里的话当作语音发送（带语音识别结果）">🎤 说话</button>
    </form>
    <div class="actions">
      <button type="button" class="secondary" data-send="location">📍 发送位置</button>
      <select id="menu" aria-label="菜单"><option value="BOOK_MEAL">菜单：订饭</option><option value="MY_BOOKINGS">菜单：我的预约</option><option value="HELP">菜单：使用帮助</option><option value="SOS">菜单：紧急求助</option></select>
      <button type="button" class="secondary" data-send="click">点菜单</button>
      <button type="button" class="secondary" data-send="subscribe">关注</button>
      <button type="button" class="secondary" data-send="unsubscribe">取消关注</button>
      <input type="text" id="scene" placeholder="绑定二维码场景 bind_…" aria-label="二维码场景" style="width: 12em">
      <button type="button" class="secondary" data-send="scan">扫码</button>
    </div>
  </section>
  <section class="panel" aria-label="服务通知">
    <h2>公众号 / 小程序发给这个用户的通知</h2>
    <div id="outbox"><p class="sys">还没有通知</p></div>
  </section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const log = $('log');
function say(cls, text) {
  const div = document.createElement('div');
  div.className = 'msg ' + cls;
  div.textContent = text;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
  return div;
}
// WeChat shows <a href="…">…</a> in a text reply as a link; everything else stays plain text.
function sayWithLinks(cls, text) {
  const div = say(cls, '');
  const link = new RegExp('<a href="([^"]*)">([^<]*)</a>', 'g');
  let at = 0;
  for (const m of text.matchAll(link)) {
    div.appendChild(document.createTextNode(text.slice(at, m.index)));
    const a = document.createElement('a');
    if (/^https?:/.test(m[1])) a.href = m[1];
    a.textContent = m[2];
    a.target = '_blank';
    div.appendChild(a);
    at = m.index + m[0].length;
  }
  div.appendChild(document.createTextNode(text.slice(at)));
  return div;
}
async function loadUsers() {
  const res = await fetch('/sandbox/chat/users');
  const { users } = await res.json();
  const sel = $('user');
  sel.innerHTML = '';
  for (const u of users) {
    const o = document.createElement('option');
    o.value = u.openid;
    o.textContent = u.name + '（' + u.role + '）';
    sel.appendChild(o);
  }
  // Someone who has not bound yet: try scanning a binding QR scene or sending a 6-digit code as them.
  const fresh = document.createElement('option');
  fresh.value = 'o_sandbox_new_' + Math.random().toString(36).slice(2, 10);
  fresh.textContent = '新关注的微信用户（未绑定）';
  sel.appendChild(fresh);
  refreshOutbox();
}
async function send(message, shown) {
  say('me', shown);
  const res = await fetch('/sandbox/chat/send', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid: $('user').value, safeMode: $('safe').checked, message }),
  });
  const out = await res.json();
  if (!res.ok) { say('sys', '发送失败：' + (out.error ? out.error.message : res.status)); return; }
  const r = out.reply;
  if (out.status !== 200) say('sys', '公众号服务器返回 ' + out.status);
  else if (r.type === 'text') sayWithLinks('bot', r.content);
  else if (r.type === 'news') {
    const div = say('bot news', '');
    for (const a of r.articles) { const l = document.createElement('a'); l.href = a.url; l.textContent = a.title; l.target = '_blank'; div.appendChild(l); }
  } else if (r.type === 'none') say('sys', '（公众号没有立即回复）');
  else say('sys', r.raw);
  setTimeout(refreshOutbox, 300);
}
async function refreshOutbox() {
  const openid = $('user').value;
  if (!openid) return;
  const res = await fetch('/sandbox/chat/outbox?openid=' + encodeURIComponent(openid));
  const { messages } = await res.json();
  const box = $('outbox');
  box.innerHTML = '';
  if (messages.length === 0) { box.innerHTML = '<p class="sys">还没有通知</p>'; return; }
  for (const m of messages.slice().reverse()) {
    const div = document.createElement('div');
    div.className = 'item';
    const kind = document.createElement('div');
    kind.className = 'kind';
    kind.textContent = (m.kind || '') + (m.at ? ' · ' + new Date(m.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '');
    div.appendChild(kind);
    const body = document.createElement('div');
    body.textContent = JSON.stringify(m.payload || m, null, 1);
    div.appendChild(body);
    box.appendChild(div);
  }
}
$('send').addEventListener('submit', (e) => {
  e.preventDefault();
  const content = $('text').value.trim();
  if (!content) return;
  $('text').value = '';
  send({ kind: 'text', content }, content);
});
$('speak').addEventListener('click', () => {
  const recognition = $('text').value.trim() || '明天中午我要吃饭';
  $('text').value = '';
  send({ kind: 'voice', recognition }, '🎤 ' + recognition);
});
document.querySelectorAll('[data-send]').forEach((b) => b.addEventListener('click', () => {
  const kind = b.getAttribute('data-send');
  if (kind === 'location') send({ kind, lat: 30.2905, lng: 120.1512, label: '杭州市拱墅区米市巷街道' }, '📍 我的位置');
  if (kind === 'click') send({ kind, key: $('menu').value }, '点了菜单 ' + $('menu').selectedOptions[0].textContent);
  if (kind === 'subscribe') send({ kind }, '关注了公众号');
  if (kind === 'unsubscribe') send({ kind }, '取消关注');
  if (kind === 'scan') { const scene = $('scene').value.trim(); if (scene) send({ kind: 'subscribe', scene }, '扫码关注 ' + scene); }
}));
$('user').addEventListener('change', () => { log.innerHTML = ''; refreshOutbox(); });
setInterval(refreshOutbox, 3000);
loadUsers();
</script>
</body>
</html>
`;
