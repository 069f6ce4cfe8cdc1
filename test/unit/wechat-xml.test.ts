import { parseStringPromise } from 'xml2js';
import { parseWechatXml, passiveReplyXml, WechatXmlError } from '../../server/lib/wechat-xml';

/** WeChat's push XML, read strictly; passive replies written so that any XML parser reads back what was meant. */
describe('parseWechatXml', () => {
  test('a text message: CDATA and plain elements become trimmed strings', () => {
    const xml = `<xml>
      <ToUserName><![CDATA[gh_mulin]]></ToUserName>
      <FromUserName><![CDATA[o_senior_01]]></FromUserName>
      <CreateTime>1764550000</CreateTime>
      <MsgType><![CDATA[text]]></MsgType>
      <Content><![CDATA[  明天中午订一份饭。 ]]></Content>
      <MsgId>  24512345678901234 </MsgId>
    </xml>`;
    expect(parseWechatXml(xml)).toEqual({
      ToUserName: 'gh_mulin',
      FromUserName: 'o_senior_01',
      CreateTime: '1764550000',
      MsgType: 'text',
      Content: '明天中午订一份饭。',
      MsgId: '24512345678901234',
    });
  });

  test('a declaration, a byte-order mark, comments and attributes are allowed around and in the message', () => {
    const xml = `\ufeff<?xml version="1.0" encoding="utf-8"?>\n<!-- push --><xml lang='zh'><MsgType kind="x">text</MsgType><!-- c --><Content/></xml>\n<!-- end -->`;
    expect(parseWechatXml(xml)).toEqual({ MsgType: 'text', Content: '' });
  });

  test('entities and character references are decoded in text, not in CDATA', () => {
    const doc = parseWechatXml(
      '<xml><Content>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#20320;&#x597D;</Content><Raw><![CDATA[&lt;as is&gt;]]></Raw></xml>',
    );
    expect(doc.Content).toBe(`a <b> & "c" 'd' 你好`);
    expect(doc.Raw).toBe('&lt;as is&gt;');
  });

  test('text split across CDATA sections is joined (how a "]]>" inside text is sent)', () => {
    expect(parseWechatXml('<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>').Content).toBe('a]]>b');
  });

  test('nested event payloads become objects, repeated elements arrays', () => {
    const xml = `<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[pic_weixin]]></Event>
      <SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[aaa]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[bbb]]></PicMd5Sum></item></PicList></SendPicsInfo>
      <ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>`;
    expect(parseWechatXml(xml)).toEqual({
      MsgType: 'event',
      Event: 'pic_weixin',
      SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'aaa' }, { PicMd5Sum: 'bbb' }] } },
      ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' },
    });
  });

  test('an element named __proto__ is data, not the prototype', () => {
    const doc = parseWechatXml('<xml><__proto__><polluted>yes</polluted></__proto__><MsgType>text</MsgType></xml>');
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.keys(doc)).toEqual(['__proto__', 'MsgType']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each([
    ['', 'the root element is not <xml>'],
    ['just words', 'the root element is not <xml>'],
    ['<foo><MsgType>text</MsgType></foo>', 'the root element is not <xml>'],
    ['<xmlx></xmlx>', 'the root element is not <xml>'],
    ['<xml><Content>unclosed', '<Content> is not closed'],
    ['<xml><Content>a</MsgType></xml>', '</MsgType> closes <Content>'],
    ['<xml><Content><![CDATA[open</Content></xml>', 'a CDATA section is not closed'],
    ['<xml><Content>fish & chips</Content></xml>', 'a bare & is not a valid character reference'],
    ['<xml><Content>&nbsp;</Content></xml>', 'a bare & is not a valid character reference'],
    ['<xml><Content>&#0;</Content></xml>', '&#0; is not a valid character reference'],
    ['<xml><Content>&#xD800;</Content></xml>', '&#xD800; is not a valid character reference'],
    ['<xml><MsgType>text</MsgType></xml><xml></xml>', 'content after the </xml> element'],
    ['<xml></xml> trailing', 'content after the </xml> element'],
    ['<!DOCTYPE x [<!ENTITY e "boom">]><xml>&e;</xml>', 'the root element is not <xml>'],
    ['<xml><!DOCTYPE x></xml>', 'declarations and processing instructions are not allowed inside <xml>'],
    ['<xml><1a>x</1a></xml>', 'an element without a valid name'],
    ['<xml><A b>x</A></xml>', 'attribute b of <A> has no value'],
    ['<xml><A b=c>x</A></xml>', 'attribute b of <A> is not quoted'],
    ['<xml><A"b">x</A></xml>', '<A> is not a well-formed tag'],
    ['<xml><a><b><c><d><e><f><g><h>deep</h></g></f></e></d></c></b></a></xml>', 'elements nested too deeply'],
    ['<?xml version="1.0"', 'the XML declaration is not closed'],
    ['<xml><!-- never closed </xml>', 'a comment is not closed'],
  ])('%j is refused: %s', (xml, reason) => {
    expect(() => parseWechatXml(xml)).toThrow(new WechatXmlError(reason));
  });
});

describe('passiveReplyXml', () => {
  const read = async (xml: string) => ((await parseStringPromise(xml)) as { xml: Record<string, string[]> }).xml;

  test('a text reply is addressed back, with CreateTime in seconds, and any text survives as written', async () => {
    const text = '您说：“<b>]]>&amp;”\n回复 1 确认';
    const xml = passiveReplyXml('o_senior_01', 'gh_mulin', 1764550000, text);
    const r = await read(xml);
    expect(r.ToUserName).toEqual(['o_senior_01']);
    expect(r.FromUserName).toEqual(['gh_mulin']);
    expect(r.CreateTime).toEqual(['1764550000']);
    expect(r.MsgType).toEqual(['text']);
    expect(r.Content).toEqual([text]);
    expect(parseWechatXml(xml).Content).toBe(text);
  });

  test('news articles: one <item> each, counted', async () => {
    const xml = passiveReplyXml('o_1', 'gh_mulin', 1, [
      { title: '附近的助餐点', description: '步行 5 分钟', url: 'https://mulin.example/c/1' },
      { title: '二', description: '', picurl: 'https://mulin.example/p.png', url: 'https://mulin.example/c/2' },
    ]);
    const doc = parseWechatXml(xml);
    expect(doc.MsgType).toBe('news');
    expect(doc.ArticleCount).toBe('2');
    expect(doc.Articles).toEqual({
      item: [
        { Title: '附近的助餐点', Description: '步行 5 分钟', PicUrl: '', Url: 'https://mulin.example/c/1' },
        { Title: '二', Description: '', PicUrl: 'https://mulin.example/p.png', Url: 'https://mulin.example/c/2' },
      ],
    });
    expect((await read(xml)).ArticleCount).toEqual(['2']);
  });
});
