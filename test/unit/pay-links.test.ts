import { createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../../server/errors';
import { FakeClock } from '../../server/lib/clock';
import { PayLinks } from '../../server/services/payment/pay-links';

const NOW = '2026-12-03T03:00:00Z';
const due = new Date('2026-12-03T03:15:00Z');

function setup(key = randomBytes(16).toString('hex')) {
  const clock = new FakeClock(NOW);
  return { clock, links: new PayLinks(key, 'https://mulin.example.cn/', clock), key };
}

const tokenOf = (link: string) => new URL(link).searchParams.get('t')!;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

describe('PayLinks (the pay links the bot sends in chat)', () => {
  test('a link opens the JSAPI pay page and reads back as the booking and account it was made for', () => {
    const { links } = setup();
    const link = links.link(42, { id: 1234, paymentDueAt: due });
    expect(link.startsWith('https://mulin.example.cn/pay/jsapi?t=')).toBe(true);
    expect(links.read(tokenOf(link))).toEqual({ bookingId: 1234, accountId: 42 });
  });

  test('a link stops working when the time to pay ends', () => {
    const { links, clock } = setup();
    const token = tokenOf(links.link(42, { id: 1234, paymentDueAt: due }));
    clock.set(new Date(due.getTime() - 1000));
    expect(links.read(token).bookingId).toBe(1234);
    clock.set(due);
    expect(codeOf(() => links.read(token))).toBe('PAY_LINK_INVALID');
  });

  test('a token changed to pay for another booking or account is refused', () => {
    const { links } = setup();
    const [, mac] = tokenOf(links.link(42, { id: 1234, paymentDueAt: due })).split('.');
    const until = Math.floor(due.getTime() / 1000);
    for (const body of [`v1.1235.42.${until}`, `v1.1234.43.${until}`, `v1.1234.42.${until + 86400}`, `v2.1234.42.${until}`]) {
      expect(codeOf(() => links.read(`${Buffer.from(body).toString('base64url')}.${mac}`))).toBe('PAY_LINK_INVALID');
    }
  });

  test('a link made with another merchant key, or a malformed token, is refused', () => {
    const a = setup();
    const b = setup();
    const token = tokenOf(a.links.link(42, { id: 1234, paymentDueAt: due }));
    expect(codeOf(() => b.links.read(token))).toBe('PAY_LINK_INVALID');
    for (const bad of ['', '.', 'abc', `${token}x`, token.split('.')[0], `.${token.split('.')[1]}`]) {
      expect(codeOf(() => a.links.read(bad))).toBe('PAY_LINK_INVALID');
    }
  });

  test('without WeChat Pay configured there are no links, and a booking with nothing to pay has none', () => {
    const { links: none } = setup('');
    expect(codeOf(() => none.link(42, { id: 1, paymentDueAt: due }))).toBe('PAYMENT_UNAVAILABLE');
    const { links } = setup();
    expect(codeOf(() => links.link(42, { id: 1, paymentDueAt: null }))).toBe('PAYMENT_UNAVAILABLE');
  });

  test("the link's MAC is not the APIv3 key's own HMAC (the key is derived)", () => {
    const { links, key } = setup();
    const [b64, mac] = tokenOf(links.link(42, { id: 1234, paymentDueAt: due })).split('.');
    const body = Buffer.from(b64, 'base64url').toString('utf8');
    const direct = createHmac('sha256', key).update(body).digest('base64url');
    expect(mac).not.toBe(direct);
  });
});
