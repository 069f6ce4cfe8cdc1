import { randomBytes } from 'node:crypto';
import { encryptResource, SIGNTEST_PREFIX, wechatpayNonce, wechatpaySignedHeaders, wechatpayTime } from '../gateways/wechat-pay-notify';
import type { Clock } from '../lib/clock';
import type { SandboxCredentials } from '../wechat-settings';
import type { SandboxRefundOutcome } from './wxpay-answers';

/**
 * WeChat Pay's side of notifications, for the WeChat Pay sandbox (wxpay.sandbox.ts): each one signed by the
 * platform key, its resource encrypted with the APIv3 key, POSTed to the merchant and retried on WeChat's
 * schedule until the merchant answers 2xx; every attempt logged; a notification sent once can be sent again
 * (`redeliver`), and test knobs (NotifyOptions) make it one a correct merchant must refuse.
 */

/**
 * Test knobs for one payment's notification (all off by default). The signature knobs (staleTimestamp …
 * wrongSerial) make a correct merchant reject it on verification; the resource knobs (amountFen, mchid, appid)
 * give a validly signed notification that a correct merchant rejects because it does not match the order.
 */
export interface NotifyOptions {
  /** The order is paid but no notification goes out: the merchant can only find out by querying. */
  silent?: boolean;
  /** The resource's `amount.total` and `amount.payer_total` (the order keeps its real amount). */
  amountFen?: number;
  /** The resource's `mchid` (the order keeps the real one). */
  mchid?: string;
  /** The resource's `appid` (the order keeps the real one). */
  appid?: string;
  /** Send the same notification (same id) this many more times after it was accepted. */
  duplicates?: number;
  /** Wechatpay-Timestamp ten minutes in the past (the signature is valid for it). */
  staleTimestamp?: boolean;
  /** Sign the body, then change it. */
  tamperBody?: boolean;
  /** Corrupt the GCM tag of the resource (the body signature is valid). */
  tamperTag?: boolean;
  /** A `WECHATPAY/SIGNTEST/…` probe signature. */
  signtest?: boolean;
  /** A Wechatpay-Serial that is not the merchant's configured public key id. */
  wrongSerial?: boolean;
}

export interface NotificationAttempt {
  notificationId: string;
  eventType: 'TRANSACTION.SUCCESS' | `REFUND.${SandboxRefundOutcome}`;
  outTradeNo: string;
  outRefundNo?: string;
  url: string;
  /** 1, 2, … across every delivery of this notification, duplicates included. */
  attempt: number;
  duplicate: boolean;
  at: Date;
  /** The merchant's HTTP status; absent when the request failed (see `error`). */
  status?: number;
  error?: string;
  accepted: boolean;
}

/** What a notification carries apart from its body, and what its log entries name. */
interface NotificationHead {
  id: string;
  eventType: NotificationAttempt['eventType'];
  summary: string;
  originalType: 'transaction' | 'refund';
  outTradeNo: string;
  outRefundNo?: string;
}

/** A notification as first sent, kept so that `redeliver` can send exactly it again. */
interface SentNotification {
  head: NotificationHead;
  url: string;
  /** What was signed. */
  body: string;
  /** What goes on the wire (differs from `body` only with `tamperBody`). */
  sent: string;
  opts: NotifyOptions;
  /** Delivery attempts so far, across the first delivery, duplicates and redeliveries. */
  attempts: number;
}

const MAX_LOG = 1000;

export interface NotifierOptions {
  creds: SandboxCredentials;
  clock: Clock;
  /** Wait before each delivery attempt (see WxpaySandboxOptions.retryDelaysMs). */
  retryDelaysMs: number[];
  fetchImpl: typeof fetch;
}

export class WxpayNotifier {
  private readonly log: NotificationAttempt[] = [];
  private readonly sentNotifications = new Map<string, SentNotification>();
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private stopped = false;

  constructor(private readonly opts: NotifierOptions) {}

  /** Whether `stop()` was called: nothing more goes out. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** The headers WeChat Pay signs a response (or notification) body with. */
  signedHeaders(body: string, at: Date = this.opts.clock.now()): Record<string, string> {
    return wechatpaySignedHeaders({
      privateKeyPem: this.opts.creds.pay.platformPrivateKeyPem,
      publicKeyId: this.opts.creds.pay.platformPublicKeyId,
      now: at,
      body,
    });
  }

  /**
   * Sends a notification that already went out once more, as WeChat does when it believes a delivery failed:
   * same id and body, signed afresh, to the same URL, retried like the first; logged as `duplicate`.
   * False when no notification has that id.
   */
  redeliver(notificationId: string): boolean {
    const n = this.sentNotifications.get(notificationId);
    if (!n) return false;
    this.track(this.deliver(n, true).then(() => undefined));
    return true;
  }

  /** Every delivery attempt, oldest first (the last 1000). */
  attempts(): NotificationAttempt[] {
    return this.log.map((a) => ({ ...a }));
  }

  /** Resolves when no notification is waiting or in flight (retries included). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Cancels every pending redelivery (the server is going away). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.done();
    }
    this.timers.clear();
  }

  /** Keeps `work` among what `settled()` waits for. */
  track(work: Promise<void>): void {
    const p = work.catch(() => undefined).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  // Real timers, unref'd: the delays are intervals, not instants, so they don't go through the Clock, and a
  // pending redelivery must never keep the process alive.
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      entry.timer.unref();
      this.timers.add(entry);
    });
  }

  /**
   * Sends one notification as WeChat does: POST, signed by the platform key, resource encrypted with the
   * APIv3 key; anything but 2xx (or no answer) is retried on `retryDelaysMs`. The body (and id) stays the same
   * across attempts; each attempt is signed afresh.
   */
  async send(head: NotificationHead, url: string, plaintext: Record<string, unknown>, opts: NotifyOptions): Promise<void> {
    const resource = encryptResource(plaintext, {
      apiV3Key: this.opts.creds.pay.apiV3Key,
      associatedData: head.originalType,
      originalType: head.originalType,
    });
    if (opts.tamperTag) {
      const bytes = Buffer.from(resource.ciphertext, 'base64');
      bytes[bytes.length - 1] ^= 0x01;
      resource.ciphertext = bytes.toString('base64');
    }
    const envelope = {
      id: head.id,
      create_time: wechatpayTime(this.opts.clock.now()),
      resource_type: 'encrypt-resource',
      event_type: head.eventType,
      summary: head.summary,
      resource,
    };
    const body = JSON.stringify(envelope);
    const sent = opts.tamperBody ? JSON.stringify({ ...envelope, summary: `${head.summary}（已篡改）` }) : body;
    const n: SentNotification = { head, url, body, sent, opts, attempts: 0 };
    this.sentNotifications.set(head.id, n);
    const copies = 1 + Math.max(0, Math.min(20, Math.floor(opts.duplicates ?? 0)));
    for (let copy = 0; copy < copies; copy++) {
      // WeChat gives up after its last retry; duplicates only follow an accepted delivery.
      if (!(await this.deliver(n, copy > 0))) return;
    }
  }

  /** One delivery of a notification, with its retries; resolves to whether the merchant accepted it. */
  private async deliver(n: SentNotification, duplicate: boolean): Promise<boolean> {
    const { head, url, body, sent, opts } = n;
    for (const delay of this.opts.retryDelaysMs) {
      await this.sleep(delay);
      if (this.stopped) return false;
      const at = this.opts.clock.now();
      const headers = this.signedHeaders(body, opts.staleTimestamp ? new Date(at.getTime() - 10 * 60_000) : at);
      if (opts.wrongSerial) headers['Wechatpay-Serial'] = `PUB_KEY_ID_${randomBytes(16).toString('hex').toUpperCase()}`;
      if (opts.signtest) headers['Wechatpay-Signature'] = `${SIGNTEST_PREFIX}${randomBytes(128).toString('base64')}`;
      const entry: NotificationAttempt = {
        notificationId: head.id,
        eventType: head.eventType,
        outTradeNo: head.outTradeNo,
        ...(head.outRefundNo ? { outRefundNo: head.outRefundNo } : {}),
        url,
        attempt: ++n.attempts,
        duplicate,
        at,
        accepted: false,
      };
      try {
        const res = await this.opts.fetchImpl(url, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json', 'Request-ID': wechatpayNonce() },
          body: sent,
          signal: AbortSignal.timeout(5000),
        });
        await res.arrayBuffer();
        entry.status = res.status;
        entry.accepted = res.status >= 200 && res.status < 300;
      } catch (err) {
        entry.error = (err as Error).message;
      }
      this.record(entry);
      if (entry.accepted) return true;
    }
    return false;
  }

  private record(entry: NotificationAttempt): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }
}
