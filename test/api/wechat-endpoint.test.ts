import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Account, BotConversation, WechatInbound, WechatPushClaim } from '../../entities';
import { WechatInboundRepository } from '../../server/repositories/wechat-inbound.repository';
import { BOT_TEXTS } from '../../server/words/texts';
import { jobNamed } from '../../jobs';
import { DAY } from '../../server/lib/time';
import { loginConsole, seen } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';
import { withinRealTime } from '../helpers/real-time';

/**
 * /wechat as WeChat sees it. Every signature and ciphertext here is computed in the test, from WeChat's
 * published algorithm, never by the code under test.
 */
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const sign = (...parts: string[]) => sha1([...parts].sort().join(''));

function aesKeyOf(encodingAesKey: string): Buffer {
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/** WeChat's safe-mode encryption: AES-256-CBC, IV = key[0..16), PKCS#7 to 32, random16 + len + xml + appid. */
function encrypt(encodingAesKey: string, appId: string, xml: string): string {
  const key = aesKeyOf(encodingAesKey);
  const msg = Buffer.from(xml);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(appId)]);
  const pad = 32 - (plain.length % 32);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

function decrypt(encodingAesKey: string, b64: string): { xml: string; appId: string } {
  const key = aesKeyOf(encodingAesKey);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]);
  const body = plain.subarray(16, plain.length - plain[plain.length - 1]);
  const len = body.readUInt32BE(0);
  return { xml: body.subarray(4, 4 + len).toString(), appId: body.subarray(4 + len).toString() };
}

/** A bot that answers only when the test tells it to (the reply-budget suite's). */
const heldBot = {
  asked: null as (() => void) | null,
  answer: null as ((text: string) => void) | null,
  conversation: {
    reply: () =>
      new Promise<string>((resolve) => {
        heldBot.answer = resolve;
        heldBot.asked?.();
      }),
  },
};

const tag = (xml: string, name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</${name}>`).exec(xml)?.[1];

describeEachDb('the /wechat endpoint', (h) => {
  const mp = () => h().wechat.mp;
  let seq = 0;
  const textXml = (openid: string, content: string, msgId: string) =>
    `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>1764550000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

  function plainQuery(): { timestamp: string; nonce: string; signature: string } {
    const timestamp = String(Math.floor(h().clock.now().getTime() / 1000));
    const nonce = String(100000 + ++seq);
    return { timestamp, nonce, signature: sign(mp().token, timestamp, nonce) };
  }

  const post = (query: Record<string, string>, body: string) => h().http.post('/wechat').query(query).set('content-type', 'text/xml').send(body);

  /** The conversation log the centre's staff read for the senior behind this public-account openid (as the district administrator). */
  async function logOf(openid: string): Promise<Array<{ at: string; said: string; intent: string; reply: string }>> {
    const { seniorId } = await h().db.manager.findOneByOrFail(Account, { mpOpenid: openid });
    return (await seen(h(), await loginConsole(h(), 'admin'), `/seniors/${seniorId}/conversation`)).items;
  }
  const saidIn = async (openid: string, said: string) => (await logOf(openid)).filter((e) => e.said === said);

  /** Runs `f` while `table` is renamed away: a real failure of the real database, put right afterwards. */
  async function withoutTable<T>(table: string, f: () => Promise<T>): Promise<T> {
    await h().db.manager.query(`ALTER TABLE ${table} RENAME TO ${table}_away`);
    try {
      return await f();
    } finally {
      await h().db.manager.query(`ALTER TABLE ${table}_away RENAME TO ${table}`);
    }
  }

  test('GET answers the echostr when the signature is right, 401 when not', async () => {
    const q = plainQuery();
    const ok = await h()
      .http.get('/wechat')
      .query({ ...q, echostr: 'echo-123' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('echo-123');
    const bad = await h()
      .http.get('/wechat')
      .query({ ...q, signature: sign('wrong-token', q.timestamp, q.nonce), echostr: 'echo-123' });
    expect(bad.status).toBe(401);
    expect(bad.text).not.toContain('echo-123');
  });

  test('a signed plain-mode text gets a passive text reply addressed back to the sender', async () => {
    const res = await post(plainQuery(), textXml('o_senior_01', '你好', '900000000001'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('xml');
    expect(tag(res.text, 'ToUserName')).toBe('o_senior_01');
    expect(tag(res.text, 'FromUserName')).toBe('gh_test');
    expect(tag(res.text, 'MsgType')).toBe('text');
    expect(tag(res.text, 'Content')).toContain('直接说就行');
  });

  test("the reply's CreateTime is now in seconds, as WeChat's own messages carry it", async () => {
    const res = await post(plainQuery(), textXml('o_senior_01', '你好', '900000000011'));
    expect(Number(tag(res.text, 'CreateTime'))).toBe(Math.floor(h().clock.now().getTime() / 1000));
  });

  test('GET in safe mode answers the decrypted echostr, for our appid only', async () => {
    const { token, aesKey, appId } = mp();
    const q = plainQuery();
    const echo = (app: string) => {
      const echostr = encrypt(aesKey!, app, 'echo-456');
      return h()
        .http.get('/wechat')
        .query({ timestamp: q.timestamp, nonce: q.nonce, encrypt_type: 'aes', msg_signature: sign(token, q.timestamp, q.nonce, echostr), echostr });
    };
    const ok = await echo(appId);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('echo-456');
    const foreign = await echo('wx_someone_else');
    expect(foreign.status).toBe(401);
    expect(foreign.text).not.toContain('echo-456');
  });

  test('other methods are 405 with the allowed ones named', async () => {
    const res = await h().http.put('/wechat').query(plainQuery()).send('<xml></xml>');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toContain('POST');
  });

  test('a forged signature is 401 and nothing is recorded', async () => {
    const q = plainQuery();
    const res = await post({ ...q, signature: sign('not-the-token', q.timestamp, q.nonce) }, textXml('o_senior_01', '我是伪造的', '900000000002'));
    expect(res.status).toBe(401);
    expect(await saidIn('o_senior_01', '我是伪造的')).toEqual([]);
    expect(await h().db.manager.countBy(WechatPushClaim, { dedupeKey: 'msg:900000000002' })).toBe(0);
  });

  test('safe mode: an encrypted message is answered with an encrypted, signed reply for our appid', async () => {
    const { token, aesKey, appId } = mp();
    const q = plainQuery();
    const enc = encrypt(aesKey!, appId, textXml('o_senior_02', '洗澡', '900000000003'));
    const res = await post(
      { ...q, encrypt_type: 'aes', msg_signature: sign(token, q.timestamp, q.nonce, enc) },
      `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`,
    );
    expect(res.status).toBe(200);
    const replyEnc = tag(res.text, 'Encrypt')!;
    expect(tag(res.text, 'MsgSignature')).toBe(sign(token, tag(res.text, 'TimeStamp')!, tag(res.text, 'Nonce')!, replyEnc));
    const inner = decrypt(aesKey!, replyEnc);
    expect(inner.appId).toBe(appId);
    expect(tag(inner.xml, 'ToUserName')).toBe('o_senior_02');
    expect(tag(inner.xml, 'Content')).toContain('洗澡');
  });

  test('safe mode: a message encrypted for another appid, or with a wrong msg_signature, is 401', async () => {
    const { token, aesKey } = mp();
    const q = plainQuery();
    const foreign = encrypt(aesKey!, 'wx_someone_else', textXml('o_senior_02', '你好', '900000000004'));
    const wrongApp = await post(
      { ...q, encrypt_type: 'aes', msg_signature: sign(token, q.timestamp, q.nonce, foreign) },
      `<xml><Encrypt><![CDATA[${foreign}]]></Encrypt></xml>`,
    );
    expect(wrongApp.status).toBe(401);
    const mine = encrypt(aesKey!, mp().appId, textXml('o_senior_02', '你好', '900000000005'));
    const wrongSig = await post(
      { ...q, encrypt_type: 'aes', msg_signature: sign('not-the-token', q.timestamp, q.nonce, mine) },
      `<xml><Encrypt><![CDATA[${mine}]]></Encrypt></xml>`,
    );
    expect(wrongSig.status).toBe(401);
    const garbage = 'AAAA' + mine.slice(4);
    const tampered = await post(
      { ...q, encrypt_type: 'aes', msg_signature: sign(token, q.timestamp, q.nonce, garbage) },
      `<xml><Encrypt><![CDATA[${garbage}]]></Encrypt></xml>`,
    );
    expect(tampered.status).toBe(401);
  });

  test('malformed, empty and oversized bodies are 400/413, never 500, and record nothing', async () => {
    const before = [await h().db.manager.count(WechatInbound), await h().db.manager.count(WechatPushClaim)];
    expect((await post(plainQuery(), '<xml><Content>unclosed')).status).toBe(400);
    expect((await post(plainQuery(), '')).status).toBe(400);
    expect((await post(plainQuery(), 'just words')).status).toBe(400);
    expect((await post(plainQuery(), '<foo><MsgType>text</MsgType></foo>')).status).toBe(400);
    expect((await post(plainQuery(), '<xmlx></xmlx>')).status).toBe(400);
    expect((await post(plainQuery(), '<xml><Content>a & b</Content></xml>')).status).toBe(400);
    expect((await post(plainQuery(), '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>')).status).toBe(400);
    // Well-formed, but not a message: no sender.
    expect(
      (await post(plainQuery(), '<xml><ToUserName>gh_test</ToUserName><MsgType>text</MsgType><Content>hi</Content><MsgId>900000000012</MsgId></xml>')).status,
    ).toBe(400);
    expect((await post(plainQuery(), `<xml><Content><![CDATA[${'长'.repeat(40_000)}]]></Content></xml>`)).status).toBe(413);
    expect([await h().db.manager.count(WechatInbound), await h().db.manager.count(WechatPushClaim)]).toEqual(before);
  });

  test('the same MsgId delivered 3 times, one after another and at once, is handled once', async () => {
    const xml = textXml('o_senior_03', '吃饭', '900000000006');
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await post(plainQuery(), xml));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    // A retry after the answer gets the same answer (WeChat may have lost the first).
    expect(new Set(replies.map((r) => tag(r.text, 'Content'))).size).toBe(1);
    expect(await saidIn('o_senior_03', '吃饭')).toHaveLength(1); // staff read it once in the conversation log

    const calls = h().conversationCalls();
    const concurrent = await Promise.all([1, 2, 3].map(() => post(plainQuery(), textXml('o_senior_03', '洗澡', '900000000007'))));
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(h().conversationCalls() - calls).toBe(1);
    expect(await saidIn('o_senior_03', '洗澡')).toHaveLength(1);
  });

  test('events are deduplicated by sender and CreateTime', async () => {
    const event = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_senior_04]]></FromUserName><CreateTime>1764551234</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>`;
    const calls = h().conversationCalls();
    const [a, b] = [await post(plainQuery(), event), await post(plainQuery(), event)];
    expect(tag(a.text, 'Content')).toContain('您好！想订饭');
    expect(tag(b.text, 'Content')).toBe(tag(a.text, 'Content'));
    expect(h().conversationCalls() - calls).toBe(1);
    expect(await saidIn('o_senior_04', '[subscribe]')).toHaveLength(1);
  });

  test("when the bot's next step cannot be saved, the senior is told sorry rather than offered what could not be confirmed", async () => {
    const db = h().db;
    // A real failure of the real database: writes to the conversation table are refused, reads still work.
    const triggers =
      db.kind === 'sqlite'
        ? ['ins', 'upd'].map(
            (t) => `CREATE TRIGGER no_${t} BEFORE ${t === 'ins' ? 'INSERT' : 'UPDATE'} ON bot_conversation BEGIN SELECT RAISE(ABORT, 'refused'); END`,
          )
        : ['ins', 'upd'].map(
            (t) =>
              `CREATE TRIGGER no_${t} BEFORE ${t === 'ins' ? 'INSERT' : 'UPDATE'} ON bot_conversation FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'`,
          );
    for (const t of triggers) await db.manager.query(t);
    let res;
    try {
      res = await post(plainQuery(), textXml('o_senior_01', '明天中午订一份饭', '900000000088'));
    } finally {
      for (const t of ['no_ins', 'no_upd']) await db.manager.query(`DROP TRIGGER ${t}`);
    }
    expect(res.status).toBe(200);
    expect(tag(res.text, 'Content')).toBe(BOT_TEXTS.sorry);
    expect((await saidIn('o_senior_01', '明天中午订一份饭')).map((e) => [e.intent, e.reply])).toEqual([['error', BOT_TEXTS.sorry]]);
    expect((await db.manager.findOneBy(BotConversation, { openid: 'o_senior_01' }))?.pending?.kind).not.toBe('confirm_booking');
    // WeChat's retry gets the same.
    expect(tag((await post(plainQuery(), textXml('o_senior_01', '明天中午订一份饭', '900000000088'))).text, 'Content')).toBe(BOT_TEXTS.sorry);
  });

  test('when the database cannot claim a message the answer is 503, so WeChat delivers it again; the retry is answered', async () => {
    const xml = textXml('o_senior_03', '帮助', '900000000077');
    const calls = h().conversationCalls();
    // A real failure of the real database: the table the inbox claims messages in is briefly not there.
    const failed = await withoutTable('wechat_push_claim', () => post(plainQuery(), xml));
    expect(failed.status).toBe(503);
    expect(h().conversationCalls() - calls).toBe(0); // not handled: nothing done that a retry would do again
    const retry = await post(plainQuery(), xml);
    expect(retry.status).toBe(200);
    expect(tag(retry.text, 'Content')).toContain('直接说就行');
    expect(h().conversationCalls() - calls).toBe(1);
    expect(await saidIn('o_senior_03', '帮助')).toHaveLength(1);
  });

  test('when the answer cannot be written to the conversation log, the senior still gets it, and only once', async () => {
    const xml = textXml('o_senior_03', '帮助', '900000000078');
    const calls = h().conversationCalls();
    const answered = await withoutTable('wechat_inbound', () => post(plainQuery(), xml));
    expect(answered.status).toBe(200);
    expect(tag(answered.text, 'Content')).toContain('直接说就行');
    // A retry (had WeChat lost the answer) is not handled again: the claim stands.
    const retry = await post(plainQuery(), xml);
    expect(retry.status).toBe(200);
    expect(h().conversationCalls() - calls).toBe(1);
    expect(await h().db.manager.countBy(WechatPushClaim, { dedupeKey: 'msg:900000000078' })).toBe(1);
  });

  test('the daily purge drops claims older than three days; the conversation log and recent claims stay, so a retry is still known', async () => {
    const purge = jobNamed('wechat-claim-purge')!;
    const old = textXml('o_senior_04', '帮助', '900000000091');
    const recent = textXml('o_senior_04', '帮助', '900000000092');
    const claimed = (key: string) => h().db.manager.countBy(WechatPushClaim, { dedupeKey: key });
    try {
      h().clock.set(new Date(Date.parse(T0) - 3 * DAY - 60_000)); // three days and a minute before
      expect((await post(plainQuery(), old)).status).toBe(200);
      h().clock.set(new Date(Date.parse(T0) - 3 * DAY + 60_000)); // a minute short of three days
      const first = await post(plainQuery(), recent);
      expect(tag(first.text, 'Content')).toContain('直接说就行');
      h().clock.set(T0);
      const calls = h().conversationCalls();

      expect(await purge.run(h().services, h().clock.now())).toBe(1);
      expect(await claimed('msg:900000000091')).toBe(0);
      expect(await claimed('msg:900000000092')).toBe(1);
      // What staff read of the conversation is kept, for the purged message too.
      expect((await saidIn('o_senior_04', '帮助')).map((e) => e.at).sort()).toEqual([
        new Date(Date.parse(T0) - 3 * DAY - 60_000).toISOString(),
        new Date(Date.parse(T0) - 3 * DAY + 60_000).toISOString(),
      ]);
      // A late retry of the kept one is still recognised: the same answer, not handled again.
      const retry = await post(plainQuery(), recent);
      expect(tag(retry.text, 'Content')).toBe(tag(first.text, 'Content'));
      expect(h().conversationCalls() - calls).toBe(0);
      // A second run finds nothing more to drop.
      expect(await purge.run(h().services, h().clock.now())).toBe(0);
    } finally {
      h().clock.set(T0);
    }
  });

  test('the purge deletes in chunks until every old claim is gone', async () => {
    const at = new Date(Date.parse(T0) - 10 * DAY);
    const keys = Array.from({ length: 23 }, (_, i) => `msg:purge-chunk-${i}`);
    await h().db.manager.insert(
      WechatPushClaim,
      keys.map((dedupeKey) => ({ dedupeKey, claimedAt: at })),
    );
    expect(await new WechatInboundRepository(h().db).purgeClaimsBefore(new Date(Date.parse(T0) - 5 * DAY), 5)).toBe(23);
    expect(
      await h().db.manager.countBy(
        WechatPushClaim,
        keys.map((dedupeKey) => ({ dedupeKey })),
      ),
    ).toBe(0);
  });
});

describeEachDb(
  'the /wechat reply budget',
  (h) => {
    test('an answer slower than the budget: WeChat gets an empty reply at once, the answer follows by customer-service message', async () => {
      const timestamp = String(Math.floor(h().clock.now().getTime() / 1000));
      const nonce = '424242';
      const xml = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_senior_05]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[在吗]]></Content><MsgId>900000000100</MsgId></xml>`;
      const wxapi = h().sandbox.wxapi;
      const sendCustom = wxapi.sendCustom.bind(wxapi);
      let customSent!: () => void;
      const delivered = new Promise<void>((resolve) => (customSent = resolve));
      const spy = jest.spyOn(wxapi, 'sendCustom').mockImplementation((...args) => {
        const reply = sendCustom(...args);
        customSent();
        return reply;
      });
      const asked = new Promise<void>((resolve) => (heldBot.asked = resolve));
      // The budget is a timer: faked, with the sockets, the database and the batchers (setImmediate) left real.
      jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'performance', 'nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask'] });
      try {
        const response = h()
          .http.post('/wechat')
          .query({ timestamp, nonce, signature: sign(h().wechat.mp.token, timestamp, nonce) })
          .set('content-type', 'text/xml')
          .send(xml)
          .then((r) => r);
        await asked;
        await jest.advanceTimersByTimeAsync(4_999);
        const res = await withinRealTime(5_000, response);
        if (res === null) {
          heldBot.answer!('慢慢的回答'); // let the request end, so the suite does not hang on it
          await response;
          throw new Error('WeChat got no answer within its 5 seconds');
        }
        expect(res.status).toBe(200);
        expect(res.text).toBe('');
        // WeChat has been answered and the bot has not: nothing has gone to the senior yet.
        expect(wxapi.outboxFor('o_senior_05')).toEqual([]);
      } finally {
        jest.useRealTimers();
      }

      heldBot.answer!('慢慢的回答');
      await withinRealTime(5_000, delivered);
      spy.mockRestore();
      expect(wxapi.outboxFor('o_senior_05').map((m) => [m.kind, m.payload.text])).toEqual([['custom', { content: '慢慢的回答' }]]);
    });
  },
  { conversation: heldBot.conversation },
);
