import 'reflect-metadata';
import supertest from 'supertest';
import { MP_MENU, publishMenu } from '../../server/services/chat/mp-menu';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import { WechatMessenger } from '../../server/gateways/wechat-messenger.gateway';
import { FakeClock } from '../../server/lib/clock';
import { WechatStateRepository } from '../../server/repositories/wechat-state.repository';
import { T0 } from '../helpers/harness';
import { rejection, startWxapiSandbox, type WxapiSandboxServer } from '../helpers/wxapi';

// What `npm run wechat:menu` does once it has a messenger; SQLite holds the access token.
describe('publishing the public account menu (npm run wechat:menu)', () => {
  let wx: WxapiSandboxServer;
  let db: Database;
  const clock = new FakeClock(T0);
  const messenger = () => new WechatMessenger({ settings: wx.settings, tokens: new WechatStateRepository(db), clock });

  beforeAll(async () => {
    wx = await startWxapiSandbox(clock);
    db = await openDatabase({ kind: 'sqlite', file: ':memory:' });
  });
  afterAll(async () => {
    await wx.close();
    await db.ds.destroy();
  });

  test('publishMenu stores MP_MENU, location_select included, and names what it published', async () => {
    wx.sandbox.reset();
    const lines = await publishMenu(messenger());
    expect(wx.sandbox.menu).toEqual(MP_MENU);
    expect(lines).toEqual(['订饭', '我的预约', '帮助：紧急求助 / 附近站点 / 使用帮助']);
    // What the CLI's user can check against the running server.
    expect((await supertest(wx.server).get('/sandbox/wxapi/sandbox/menu')).body).toEqual({ menu: MP_MENU });
  });

  test('the sandbox refuses buttons WeChat would: unknown types, a key-less location_select, a url-less view', async () => {
    const m = messenger();
    const cases: Array<[object, number]> = [
      [{ button: [{ type: 'shout', name: '喊', key: 'X' }] }, 40017],
      [{ button: [{ type: 'click', name: '订饭' }] }, 40019],
      [{ button: [{ type: 'view', name: '网页' }] }, 40020],
      [{ button: [{ name: '帮助', sub_button: [{ type: 'location_select', name: '附近站点' }] }] }, 40026],
      [{ button: [{ name: '帮助', sub_button: [{ type: 'teleport', name: '传送', key: 'T' }] }] }, 40024],
      [{ button: [{ name: '帮助', sub_button: [{ type: 'view', name: '网页', url: '' }] }] }, 40027],
      [{ button: [{ type: 'miniprogram', name: '小程序', url: 'https://mulin.example' }] }, 47001],
    ];
    for (const [menu, errcode] of cases) {
      expect(await rejection(m.createMenu(menu as typeof MP_MENU))).toMatchObject({ name: 'WechatApiError', errcode });
    }
    expect(wx.sandbox.menu).toEqual(MP_MENU);
  });
});
