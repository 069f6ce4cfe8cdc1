import type { MenuButton } from '../../server/gateways/wechat-messenger.gateway';
import { MENU_KEYS, MP_MENU } from '../../server/services/chat/mp-menu';

/** WeChat's documented limits, with a Chinese character counted as one. */
const TOP_MAX = 3;
const SUB_MAX = 5;
const TOP_NAME_MAX = 4;
const SUB_NAME_MAX = 8;
const KEY_BYTES_MAX = 128;
const chars = (s: string) => [...s].length;
const leaves = (buttons: MenuButton[]): MenuButton[] => buttons.flatMap((b) => (b.sub_button ? b.sub_button : [b]));

describe('the public account menu (MP_MENU)', () => {
  test('stays within WeChat limits: 1–3 top buttons, 1–5 sub-buttons, names of at most 4 / 8 characters', () => {
    expect(MP_MENU.button.length).toBeGreaterThanOrEqual(1);
    expect(MP_MENU.button.length).toBeLessThanOrEqual(TOP_MAX);
    for (const top of MP_MENU.button) {
      expect(chars(top.name)).toBeGreaterThan(0);
      expect(chars(top.name)).toBeLessThanOrEqual(TOP_NAME_MAX);
      if (!top.sub_button) continue;
      expect(top.type).toBeUndefined(); // a button that opens a sub-menu does nothing itself
      expect(top.sub_button.length).toBeGreaterThanOrEqual(1);
      expect(top.sub_button.length).toBeLessThanOrEqual(SUB_MAX);
      for (const sub of top.sub_button) {
        expect(chars(sub.name)).toBeGreaterThan(0);
        expect(chars(sub.name)).toBeLessThanOrEqual(SUB_NAME_MAX);
        expect(sub.sub_button).toBeUndefined(); // two levels at most
      }
    }
  });

  test('every button sends a key of MENU_KEYS, each key is used exactly once', () => {
    const used = leaves(MP_MENU.button).map((b) => {
      expect(['click', 'location_select']).toContain(b.type);
      expect(Buffer.byteLength(b.key ?? '')).toBeLessThanOrEqual(KEY_BYTES_MAX);
      return b.key;
    });
    expect([...used].sort()).toEqual(Object.values(MENU_KEYS).sort());
  });

  test('big simple words for seniors: 订饭, 我的预约, and 帮助 holding 紧急求助 / 附近站点 (a location pick) / 使用帮助', () => {
    expect(MP_MENU).toEqual({
      button: [
        { type: 'click', name: '订饭', key: 'BOOK_MEAL' },
        { type: 'click', name: '我的预约', key: 'MY_BOOKINGS' },
        {
          name: '帮助',
          sub_button: [
            { type: 'click', name: '紧急求助', key: 'SOS' },
            { type: 'location_select', name: '附近站点', key: 'NEARBY' },
            { type: 'click', name: '使用帮助', key: 'HELP' },
          ],
        },
      ],
    });
  });
});
