import type { MenuButton } from '../../gateways/wechat-messenger.gateway';
import { MENU_BUTTONS } from '../../words/bot';

/** The event keys the public account's menu sends to `/wechat` (a CLICK event's EventKey, or location_select's). */
export const MENU_KEYS = { bookMeal: 'BOOK_MEAL', myBookings: 'MY_BOOKINGS', help: 'HELP', sos: 'SOS', nearby: 'NEARBY' } as const;

export type MenuKey = (typeof MENU_KEYS)[keyof typeof MENU_KEYS];

/**
 * The public account's custom menu, for seniors: few buttons, big simple words. "附近站点" asks WeChat to let the
 * user pick a location and push it (a location_select event, then a location message) so the bot can name the
 * nearest centre. Published with `npm run wechat:menu`.
 */
export const MP_MENU: { button: MenuButton[] } = {
  button: [
    { type: 'click', name: MENU_BUTTONS.bookMeal, key: MENU_KEYS.bookMeal },
    { type: 'click', name: MENU_BUTTONS.myBookings, key: MENU_KEYS.myBookings },
    {
      name: MENU_BUTTONS.help,
      sub_button: [
        { type: 'click', name: MENU_BUTTONS.sos, key: MENU_KEYS.sos },
        { type: 'location_select', name: MENU_BUTTONS.nearby, key: MENU_KEYS.nearby },
        { type: 'click', name: MENU_BUTTONS.howTo, key: MENU_KEYS.help },
      ],
    },
  ],
};

/** Publishes MP_MENU and returns one line per top button ("帮助：紧急求助 / 附近站点 / 使用帮助"). */
export async function publishMenu(messenger: { createMenu(menu: { button: MenuButton[] }): Promise<void> }): Promise<string[]> {
  await messenger.createMenu(MP_MENU);
  return MP_MENU.button.map((b) => (b.sub_button ? `${b.name}：${b.sub_button.map((s) => s.name).join(' / ')}` : b.name));
}
