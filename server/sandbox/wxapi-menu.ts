import { bytes, fail, isObject, nonEmpty, type WxReply } from './wxapi-answers';

/** Menu button types by what they must carry (https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html). */
const KEY_BUTTONS = new Set(['click', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select']);
const URL_BUTTONS = new Set(['view', 'miniprogram']);
const MEDIA_BUTTONS = new Set(['media_id', 'view_limited', 'article_id', 'article_view_limited']);
const MENU_KEY_MAX = 128;
const MENU_URL_MAX = 1024;

/**
 * WeChat's verdict on a menu for menu/create: null when it would take it. 1–3 buttons, each either a sub-menu of 1–5
 * buttons or a button of a known type carrying what that type needs (a key, a url, …). Name lengths are not checked.
 */
export function menuError(body: Record<string, unknown>): WxReply | null {
  const buttons = body.button;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return fail(40016);
  for (const b of buttons) {
    if (!isObject(b) || !nonEmpty(b.name)) return fail(47001, 'button.name');
    if (b.sub_button === undefined || (Array.isArray(b.sub_button) && b.sub_button.length === 0)) {
      const leaf = leafButtonError(b, false);
      if (leaf) return leaf;
      continue;
    }
    if (!Array.isArray(b.sub_button) || b.sub_button.length > 5) return fail(40016);
    for (const sb of b.sub_button) {
      if (!isObject(sb) || !nonEmpty(sb.name)) return fail(47001, 'sub_button.name');
      const leaf = leafButtonError(sb, true);
      if (leaf) return leaf;
    }
  }
  return null;
}

/** WeChat's verdict on a button that opens no sub-menu: null when it would take it. */
function leafButtonError(b: Record<string, unknown>, sub: boolean): WxReply | null {
  const type = typeof b.type === 'string' ? b.type : '';
  if (KEY_BUTTONS.has(type)) return nonEmpty(b.key) && bytes(b.key) <= MENU_KEY_MAX ? null : fail(sub ? 40026 : 40019);
  if (URL_BUTTONS.has(type)) {
    if (!nonEmpty(b.url) || bytes(b.url) > MENU_URL_MAX) return fail(sub ? 40027 : 40020);
    return type === 'miniprogram' && (!nonEmpty(b.appid) || !nonEmpty(b.pagepath)) ? fail(47001, 'button.appid/pagepath') : null;
  }
  if (MEDIA_BUTTONS.has(type)) return nonEmpty(b.media_id) || nonEmpty(b.article_id) ? null : fail(47001, 'button.media_id');
  return fail(sub ? 40024 : 40017);
}
