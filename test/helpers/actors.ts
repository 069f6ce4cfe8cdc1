import { Account, Centre, Senior, Slot, ServiceItem } from '../../entities';
import { CONSOLE_PASSWORD, type Harness } from './harness';

/** Signs in through the real login endpoints and returns an Authorization header value. */
export async function loginWechat(h: Harness, openid: string): Promise<string> {
  const res = await h.http
    .post('/api/v1/auth/login')
    .send({ code: `demo:${openid}` })
    .expect(200);
  return `Bearer ${res.body.token}`;
}

export async function loginConsole(h: Harness, username: string): Promise<string> {
  const res = await h.http.post('/api/v1/auth/password-login').send({ username, password: CONSOLE_PASSWORD }).expect(200);
  return `Bearer ${res.body.token}`;
}

/** Demo people by the names the seed gives them. */
export async function seniorNamed(h: Harness, name: string): Promise<Senior> {
  return h.db.manager.findOneByOrFail(Senior, { name });
}

export async function centreNamed(h: Harness, name: string): Promise<Centre> {
  return h.db.manager.findOneByOrFail(Centre, { name });
}

export async function accountNamed(h: Harness, displayName: string): Promise<Account> {
  return h.db.manager.findOneByOrFail(Account, { displayName });
}

/** The slot of a centre's service kind on a date (the first one, for kinds with several a day). */
export async function slotOf(h: Harness, centreName: string, kind: ServiceItem['kind'], date: string): Promise<Slot> {
  const centre = await centreNamed(h, centreName);
  const item = await h.db.manager.findOneByOrFail(ServiceItem, { centreId: centre.id, kind });
  const slots = await h.db.manager.find(Slot, { where: { serviceItemId: item.id, date }, order: { startsAt: 'ASC' } });
  if (slots.length === 0) throw new Error(`no ${kind} slot at ${centreName} on ${date}`);
  return slots[0];
}

export const JIAXIN = '嘉新社区居家养老服务照料中心';
export const DONGYUAN = '嘉新东园睦邻点';
export const MAIYUQIAO = '卖鱼桥社区居家养老服务照料中心';
export const STREET_CENTRE = '米市巷街道综合养老服务中心';
export const CANTEEN = '湖墅老年食堂';

/** What `auth`'s user is shown at GET /api/v1`path` (the body of a 200): state checked as a user would see it. */

export async function seen<T = any>(h: Harness, auth: string, path: string): Promise<T> {
  return (await h.http.get(`/api/v1${path}`).set('authorization', auth).expect(200)).body as T;
}
