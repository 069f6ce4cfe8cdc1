import { cdata } from './wechat-message-crypto';

/**
 * The XML of WeChat's message push, both directions: a strict reader for what WeChat posts and the writer of
 * passive replies.
 *
 * WeChat sends one `<xml>` element whose children are text elements (CDATA or plain, with the five XML entities
 * and character references) and, for a few events, one more level of elements (ScanCodeInfo, SendPicsInfo with
 * repeated items, SendLocationInfo). The reader turns that into plain values: an element with children becomes an
 * object, an element with text its trimmed text, a repeated element an array. Anything that is not well-formed
 * XML is a WechatXmlError (the endpoint answers 400); so are a DOCTYPE (no entity expansion, ever) and nesting
 * deeper than WeChat ever sends.
 */
export type XmlValue = string | XmlElement | XmlValue[];
export interface XmlElement {
  [name: string]: XmlValue;
}

export class WechatXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

const MAX_DEPTH = 8;
const NAME = /[A-Za-z_][\w.:-]*/y;
const SPACE = /\s*/y;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Open {
  name: string;
  text: string;
  children: XmlElement | null;
}

/** The children of the root `<xml>` element, as values (see above). */
export function parseWechatXml(xml: string): XmlElement {
  let pos = skipProlog(xml);
  if (!xml.startsWith('<xml', pos) || !/[\s/>]/.test(xml[pos + 4] ?? '')) throw new WechatXmlError('the root element is not <xml>');
  const stack: Open[] = [];
  let root: XmlValue | undefined;
  pos = openTag(xml, pos, stack);
  if (stack.length === 0) root = '';
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const lt = xml.indexOf('<', pos);
    if (lt < 0) throw new WechatXmlError(`<${top.name}> is not closed`);
    if (lt > pos) top.text += decodeText(xml.slice(pos, lt));
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new WechatXmlError('a CDATA section is not closed');
      top.text += xml.slice(lt + 9, end);
      pos = end + 3;
    } else if (xml.startsWith('<!--', lt)) {
      pos = skipComment(xml, lt);
    } else if (xml[lt + 1] === '/') {
      const name = readName(xml, lt + 2);
      if (name !== top.name) throw new WechatXmlError(`</${name}> closes <${top.name}>`);
      SPACE.lastIndex = lt + 2 + name.length;
      SPACE.test(xml);
      if (xml[SPACE.lastIndex] !== '>') throw new WechatXmlError(`</${name}> is not closed`);
      pos = SPACE.lastIndex + 1;
      stack.pop();
      const value = top.children ?? top.text.trim();
      if (stack.length === 0) root = value;
      else add(stack[stack.length - 1], name, value);
    } else if (xml[lt + 1] === '!' || xml[lt + 1] === '?') {
      throw new WechatXmlError('declarations and processing instructions are not allowed inside <xml>');
    } else {
      if (stack.length >= MAX_DEPTH) throw new WechatXmlError('elements nested too deeply');
      const depth = stack.length;
      pos = openTag(xml, lt, stack);
      // A self-closing element is an empty text.
      if (stack.length === depth) add(top, readName(xml, lt + 1), '');
    }
  }
  for (;;) {
    SPACE.lastIndex = pos;
    SPACE.test(xml);
    pos = SPACE.lastIndex;
    if (pos >= xml.length) break;
    if (!xml.startsWith('<!--', pos)) throw new WechatXmlError('content after the </xml> element');
    pos = skipComment(xml, pos);
  }
  return typeof root === 'object' && !Array.isArray(root) ? root : {};
}

/** Past an optional byte-order mark, XML declaration, whitespace and comments. */
function skipProlog(xml: string): number {
  let pos = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    SPACE.lastIndex = pos;
    SPACE.test(xml);
    pos = SPACE.lastIndex;
    if (xml.startsWith('<?xml', pos)) {
      const end = xml.indexOf('?>', pos);
      if (end < 0) throw new WechatXmlError('the XML declaration is not closed');
      pos = end + 2;
    } else if (xml.startsWith('<!--', pos)) {
      pos = skipComment(xml, pos);
    } else {
      return pos;
    }
  }
}

function skipComment(xml: string, at: number): number {
  const end = xml.indexOf('-->', at + 4);
  if (end < 0) throw new WechatXmlError('a comment is not closed');
  return end + 3;
}

function readName(xml: string, at: number): string {
  NAME.lastIndex = at;
  const m = NAME.exec(xml);
  if (!m) throw new WechatXmlError('an element without a valid name');
  return m[0];
}

/** Reads `<name attr="…" …>` or `<name …/>` at `lt`; pushes the element unless it closes itself. Attributes are ignored. */
function openTag(xml: string, lt: number, stack: Open[]): number {
  const name = readName(xml, lt + 1);
  let pos = lt + 1 + name.length;
  for (;;) {
    SPACE.lastIndex = pos;
    SPACE.test(xml);
    const spaced = SPACE.lastIndex > pos;
    pos = SPACE.lastIndex;
    const c = xml[pos];
    if (c === '>') {
      stack.push({ name, text: '', children: null });
      return pos + 1;
    }
    if (c === '/' && xml[pos + 1] === '>') return pos + 2;
    if (!spaced) throw new WechatXmlError(`<${name}> is not a well-formed tag`);
    const attr = readName(xml, pos);
    pos += attr.length;
    SPACE.lastIndex = pos;
    SPACE.test(xml);
    pos = SPACE.lastIndex;
    if (xml[pos] !== '=') throw new WechatXmlError(`attribute ${attr} of <${name}> has no value`);
    SPACE.lastIndex = pos + 1;
    SPACE.test(xml);
    pos = SPACE.lastIndex;
    const quote = xml[pos];
    const end = quote === '"' || quote === "'" ? xml.indexOf(quote, pos + 1) : -1;
    if (end < 0 || xml.slice(pos + 1, end).includes('<')) throw new WechatXmlError(`attribute ${attr} of <${name}> is not quoted`);
    pos = end + 1;
  }
}

function add(parent: Open, name: string, value: XmlValue): void {
  const children = (parent.children ??= {});
  if (!Object.hasOwn(children, name)) {
    // defineProperty: an element called __proto__ is a key like any other, never the object's prototype.
    if (name === '__proto__') Object.defineProperty(children, name, { value, enumerable: true, writable: true, configurable: true });
    else children[name] = value;
    return;
  }
  const prior = children[name];
  if (Array.isArray(prior)) prior.push(value);
  else children[name] = [prior, value];
}

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(ENTITY, (whole, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return NAMED[named];
    const code = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : NaN;
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff))
      throw new WechatXmlError(`${whole === '&' ? 'a bare &' : whole} is not a valid character reference`);
    return String.fromCodePoint(code);
  });
}

export interface ReplyArticle {
  title: string;
  description: string;
  picurl?: string;
  url: string;
}

/**
 * A passive reply: text, or news articles. `createTime` is in seconds, as WeChat's own messages carry it.
 * Every text goes into CDATA, split where it contains `]]>` (a senior's own words may be quoted back).
 */
export function passiveReplyXml(toUser: string, fromUser: string, createTime: number, reply: string | ReplyArticle[]): string {
  const head = `<xml><ToUserName>${cdata(toUser)}</ToUserName><FromUserName>${cdata(fromUser)}</FromUserName><CreateTime>${createTime}</CreateTime>`;
  if (typeof reply === 'string') return `${head}<MsgType><![CDATA[text]]></MsgType><Content>${cdata(reply)}</Content></xml>`;
  const items = reply
    .map(
      (a) =>
        `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description><PicUrl>${cdata(a.picurl ?? '')}</PicUrl><Url>${cdata(a.url)}</Url></item>`,
    )
    .join('');
  return `${head}<MsgType><![CDATA[news]]></MsgType><ArticleCount>${reply.length}</ArticleCount><Articles>${items}</Articles></xml>`;
}
