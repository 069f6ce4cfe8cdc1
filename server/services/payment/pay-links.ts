import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Booking } from '../../../entities';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';

const VERSION = 'v1';

/**
 * The pay links the bot sends in chat: `<base>/pay/jsapi?t=<token>` opens Mulin's JSAPI pay page for one booking,
 * as one account, until the booking's time to pay ends. The token is `base64url(v1.booking.account.until)` and an
 * HMAC-SHA256 of it, so a link cannot be turned into someone else's payment or kept past its time.
 * The key is derived from the APIv3 key (a secret only this merchant has; derived, so a link's MAC reveals
 * nothing of it): without WeChat Pay configured there are no links.
 */
export class PayLinks {
  private readonly key: Buffer | null;

  constructor(
    apiV3Key: string | undefined,
    private readonly publicBaseUrl: string,
    private readonly clock: Clock,
  ) {
    this.key = apiV3Key ? Buffer.from(hkdfSync('sha256', apiV3Key, 'mulin', 'chat pay link', 32)) : null;
  }

  /** Whether links can be made (WeChat Pay is configured). */
  get enabled(): boolean {
    return this.key !== null;
  }

  link(accountId: number, booking: Pick<Booking, 'id' | 'paymentDueAt'>): string {
    if (!this.key || !booking.paymentDueAt) throw new AppError('PAYMENT_UNAVAILABLE');
    const body = `${VERSION}.${booking.id}.${accountId}.${Math.floor(booking.paymentDueAt.getTime() / 1000)}`;
    const token = `${Buffer.from(body).toString('base64url')}.${this.mac(body)}`;
    return `${this.publicBaseUrl.replace(/\/+$/, '')}/pay/jsapi?t=${token}`;
  }

  /** The booking and account a token pays for; PAY_LINK_INVALID when it is forged, malformed or past its time. */
  read(token: string): { bookingId: number; accountId: number } {
    const [b64, mac] = token.split('.');
    if (!this.key || !b64 || !mac) throw new AppError('PAY_LINK_INVALID');
    const body = Buffer.from(b64, 'base64url').toString('utf8');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('PAY_LINK_INVALID');
    const [version, bookingId, accountId, until] = body.split('.');
    if (version !== VERSION || Number(until) * 1000 <= this.clock.now().getTime()) throw new AppError('PAY_LINK_INVALID');
    return { bookingId: Number(bookingId), accountId: Number(accountId) };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key!).update(body).digest('base64url');
  }
}
