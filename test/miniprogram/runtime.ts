import { createVerify } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import simulate, { type Component, type RootComponent } from 'miniprogram-simulate';
import { setApiBase } from '../../miniprogram/config';
import type { Harness } from '../helpers/harness';
import { withinRealTime } from '../helpers/real-time';

/*
 * A stand-in for the WeChat client around the real pages, for jest (jsdom) with miniprogram-simulate:
 * - pages are the real .ts/.wxml/.wxss/.json under miniprogram/ (jest's swc transform compiles the TypeScript);
 * - wx.request goes over real HTTP to the Mulin server the harness started in this process;
 * - wx.login gives `demo:<openid>`, which the sandbox's jscode2session accepts;
 * - wx.requestPayment checks paySign with the merchant's public key, as WeChat does, then pays the order at the
 *   sandbox cashier (/sandbox/wxpay/sandbox/orders/:no/pay) and waits for WeChat Pay's notification to land;
 * - wx.requestSubscribeMessage answers what the test says (default: accept all), wx.scanCode returns the code the
 *   test sets, wx.getLocation where the test puts the phone, wx.chooseMedia the photos the test "takes" (read back by
 *   the file system manager, sent raw by wx.request when its data is an ArrayBuffer), wx.downloadFile fetches over
 *   HTTP into a temporary file of the phone, wx.previewImage records what was shown; toasts, modals, navigation, vibration and phone calls are recorded for assertions;
 * - navigateTo / redirectTo / navigateBack run the page stack the way the client does (onLoad, onShow).
 */

export const MP_ROOT = path.resolve(__dirname, '../../miniprogram');

type Comp = RootComponent<any, any, any>;
type Child = Component<any, any, any>;
type Query = Record<string, string>;
type Callbacks = { success?: (r: unknown) => void; fail?: (e: { errMsg: string }) => void; complete?: (r: unknown) => void };

const loaded = new Map<string, string>();

/*
 * miniprogram-simulate runs a component's .js on every load and expects it to call Component() each time; it
 * empties require.cache for that, which jest's module registry ignores. A page is loaded once (ids are kept
 * below); a component used by several pages is loaded with each, so from its second load on it runs in an isolated
 * registry (components here import only constants).
 */
const simulateUtils = require('miniprogram-simulate/src/utils') as { runJs: (file: string) => void };
const ran = new Set<string>();
simulateUtils.runJs = (file) => {
  if (!ran.has(file)) {
    ran.add(file);
    require(file);
  } else {
    jest.isolateModules(() => require(file));
  }
};

/** miniprogram-simulate registers a page's definition once per module registry: keep the id per path. */
function pageId(pagePath: string): string {
  let id = loaded.get(pagePath);
  if (!id) {
    id = simulate.load(path.join(MP_ROOT, pagePath), { compiler: 'simulate', rootPath: MP_ROOT });
    loaded.set(pagePath, id);
  }
  return id;
}

export class PageHandle {
  constructor(
    readonly path: string,
    readonly query: Query,
    readonly comp: Comp,
    private readonly rt: MiniProgramRuntime,
  ) {}

  get instance(): Record<string, (...args: unknown[]) => unknown> & { data: Record<string, unknown> } {
    return this.comp.instance as never;
  }

  get data(): Record<string, unknown> {
    return this.instance.data;
  }

  /** Everything the page shows, as one string with whitespace collapsed. */
  text(selector?: string): string {
    const el = selector ? this.el(selector) : (this.comp.dom as Element);
    return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
  }

  has(selector: string): boolean {
    return this.comp.querySelector(selector) !== undefined && this.comp.querySelector(selector) !== null;
  }

  all(selector: string): Child[] {
    return this.comp.querySelectorAll(selector);
  }

  texts(selector: string): string[] {
    return this.all(selector).map((c) => (c.dom!.textContent ?? '').replace(/\s+/g, ' ').trim());
  }

  el(selector: string): HTMLElement {
    const c = this.comp.querySelector(selector);
    if (!c) throw new Error(`${this.path}: nothing matches ${selector}. The page shows: ${this.text()}`);
    return c.dom as HTMLElement;
  }

  /** Taps the element (the index-th match) and waits until the page has nothing in flight. */
  async tap(selector: string, index = 0): Promise<void> {
    const matches = this.all(selector);
    if (!matches[index]) throw new Error(`${this.path}: no ${selector}[${index}] to tap. The page shows: ${this.text()}`);
    matches[index].dispatchEvent('tap');
    await this.rt.idle();
  }

  /** Taps the first element matching `selector` whose text contains `text`. */
  async tapText(selector: string, text: string): Promise<void> {
    const i = this.texts(selector).findIndex((t) => t.includes(text));
    if (i < 0) throw new Error(`${this.path}: no ${selector} showing "${text}" (found: ${this.texts(selector).join(' | ')})`);
    await this.tap(selector, i);
  }

  /** Taps inside a custom component (e.g. the retry button of <state-view>), whose inside is its own tree. */
  async tapIn(component: string, selector: string): Promise<void> {
    const inner = this.comp.querySelector(component)?.querySelector(selector);
    if (!inner) throw new Error(`${this.path}: no ${selector} inside ${component}. The page shows: ${this.text()}`);
    inner.dispatchEvent('tap');
    await this.rt.idle();
  }

  async input(selector: string, value: string): Promise<void> {
    const c = this.comp.querySelector(selector);
    if (!c) throw new Error(`${this.path}: no ${selector} to type into`);
    c.dispatchEvent('input', { detail: { value } });
    await this.rt.idle();
  }
}

export interface ModalCall {
  title?: string;
  content?: string;
  editable?: boolean;
}

export class MiniProgramRuntime {
  readonly toasts: string[] = [];
  readonly modals: ModalCall[] = [];
  readonly navigations: string[] = [];
  readonly payments: Array<{ outTradeNo: string; amountFen: number; outcome: string }> = [];
  readonly subscribeCalls: Array<{ tmplIds: string[]; answer: Record<string, string> }> = [];
  readonly requests: Array<{ method: string; path: string; status: number | 'network-failure' }> = [];
  readonly calls: string[] = [];
  readonly stack: PageHandle[] = [];

  private storage = new Map<string, unknown>();
  private disposed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private modalAnswers: Array<{ confirm: boolean; content?: string }> = [];
  private scanQueue: Array<string | null> = [];
  /** Where wx.getLocation says the phone is (null: location refused). */
  location: { latitude: number; longitude: number } | null = null;
  private failRequests = 0;
  payBehaviour: 'pay' | 'cancel' = 'pay';
  /** The phone's files: photos taken (wx.chooseMedia) and downloads (wx.downloadFile), by temporary path. */
  readonly files = new Map<string, Buffer>();
  /** What wx.previewImage showed, one list per call. */
  readonly previews: string[][] = [];
  private mediaQueue: Array<Array<{ path: string; bytes: Buffer }> | null> = [];
  private tempFiles = 0;
  subscribeAnswer: 'accept' | 'reject' = 'accept';

  constructor(
    private readonly h: Harness,
    readonly openid: string,
  ) {
    setApiBase(h.baseUrl);
    Object.assign((globalThis as unknown as { wx: object }).wx, this.bridge());
  }

  /** The test is over: pages go, and whatever they still send is never answered (the server is going away). */
  dispose(): void {
    this.disposed = true;
    this.stack.splice(0).forEach((p) => p.comp.detach());
  }

  get page(): PageHandle {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new Error('no page is open');
    return top;
  }

  /** Starts the app on a page, as tapping a subscribe message or the app icon does. */
  async launch(url: string): Promise<PageHandle> {
    this.stack.splice(0).forEach((p) => p.comp.detach());
    const page = this.openPage(url);
    await this.idle();
    return page;
  }

  setLargeText(on: boolean): void {
    this.storage.set('mulin.largeText', on);
  }

  /** What the app finds in wx storage when it starts (e.g. a session kept from last week). */
  setStorage(key: string, value: unknown): void {
    this.storage.set(key, structuredClone(value));
  }

  answerModal(confirm: boolean, content?: string): void {
    this.modalAnswers.push({ confirm, content });
  }

  nextScan(code: string | null): void {
    this.scanQueue.push(code);
  }

  /** What the next wx.chooseMedia gives: photos as bytes with a file name (null: the person cancels). */
  nextPhotos(photos: Array<{ name: string; bytes: Buffer }> | null): void {
    this.mediaQueue.push(photos && photos.map((p) => ({ path: `http://tmp/${++this.tempFiles}-${p.name}`, bytes: p.bytes })));
  }

  failNextRequests(n: number): void {
    this.failRequests = n;
  }

  /** The token the app signed in with (to ask the API what the page should show). */
  sessionToken(): string {
    return (this.storage.get('mulin.session') as { token: string }).token;
  }

  get lastToast(): string | undefined {
    return this.toasts[this.toasts.length - 1];
  }

  /**
   * Waits until nothing the phone started is in flight: every request, payment, navigation and wx callback is a
   * tracked promise, and a page's follow-up (its next request once the last one answered) starts in the promise
   * jobs that run before the next turn of the event loop, so it is tracked by then.
   */
  async idle(): Promise<void> {
    const settled = (async () => {
      do {
        await Promise.allSettled([...this.inFlight]);
        await new Promise((r) => setImmediate(r));
      } while (this.inFlight.size > 0);
    })();
    if ((await withinRealTime(20_000, settled)) === null) throw new Error('the mini-program never settled');
  }

  /**
   * Waits for a condition that needs the page's own timers (a retry's back-off, a poll) to pass: with the phone's
   * timers faked (see fakePhoneTimers), each of them is run in turn, and the page settles after it.
   */
  async waitFor(check: () => boolean, what = 'the condition', timeoutMs = 5000): Promise<void> {
    await this.idle();
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (jest.getTimerCount() === 0 || Date.now() > end)
        throw new Error(`${what} never came (no page timer left to wait for); the page shows: ${this.page.text()}`);
      await jest.advanceTimersToNextTimerAsync();
      await this.idle();
    }
  }

  private openPage(url: string): PageHandle {
    const [pathPart, search = ''] = url.replace(/^\//, '').split('?');
    const query: Query = {};
    for (const [k, v] of new URLSearchParams(search)) query[k] = v;
    const comp = simulate.render(pageId(pathPart)) as Comp;
    const parent = document.createElement('parent-wrapper');
    document.body.appendChild(parent);
    comp.attach(parent);
    const page = new PageHandle(pathPart, query, comp, this);
    this.stack.push(page);
    const inst = comp.instance as unknown as { onLoad?: (q: Query) => void; onShow?: () => void };
    inst.onLoad?.(query);
    inst.onShow?.();
    return page;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.finally(() => {
      this.inFlight.delete(tracked);
    });
    this.inFlight.add(tracked);
    return tracked;
  }

  /** A wx callback comes on a later turn of the event loop, as in the client (not on a timer: tests may fake those). */
  private later(fn: () => void): void {
    this.track(new Promise<void>((r) => setImmediate(() => (fn(), r()))));
  }

  private bridge() {
    const done = (o: Callbacks, result: unknown) => this.later(() => (o.success?.(result), o.complete?.(result)));
    const failed = (o: Callbacks, errMsg: string) => this.later(() => (o.fail?.({ errMsg }), o.complete?.({ errMsg })));
    const nav = (kind: string) => (o: { url: string } & Callbacks) => {
      this.navigations.push(`${kind} ${o.url}`);
      this.track(
        (async () => {
          await new Promise((r) => setImmediate(r));
          if (kind === 'redirectTo') this.stack.pop()?.comp.detach();
          if (kind === 'reLaunch') this.stack.splice(0).forEach((p) => p.comp.detach());
          this.openPage(o.url);
          o.success?.({ errMsg: `${kind}:ok` });
        })(),
      );
    };
    return {
      request: (o: { url: string; method?: string; data?: unknown; header?: Record<string, string> } & Callbacks) => {
        const url = new URL(o.url);
        const method = o.method ?? 'GET';
        if (this.disposed) return { abort() {} };
        if (this.failRequests > 0) {
          this.failRequests--;
          this.requests.push({ method, path: url.pathname + url.search, status: 'network-failure' });
          failed(o, 'request:fail timeout');
          return { abort() {} };
        }
        this.track(
          httpJson(method, o.url, o.header ?? {}, method === 'GET' ? undefined : o.data).then(
            (res) => {
              this.requests.push({ method, path: url.pathname + url.search, status: res.statusCode });
              o.success?.({ ...res, errMsg: 'request:ok' });
              o.complete?.(res);
            },
            (err: Error) => {
              o.fail?.({ errMsg: `request:fail ${err.message}` });
              o.complete?.({ errMsg: 'request:fail' });
            },
          ),
        );
        return { abort() {} };
      },
      chooseMedia: (o: Callbacks) => {
        const photos = this.mediaQueue.shift();
        if (!photos) return failed(o, 'chooseMedia:fail cancel');
        for (const p of photos) this.files.set(p.path, p.bytes);
        done(o, { type: 'image', tempFiles: photos.map((p) => ({ tempFilePath: p.path, size: p.bytes.length, fileType: 'image' })), errMsg: 'chooseMedia:ok' });
      },
      getFileSystemManager: () => ({
        readFile: (o: { filePath: string } & Callbacks) => {
          const bytes = this.files.get(o.filePath);
          if (!bytes) return failed(o, 'readFile:fail no such file');
          done(o, { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), errMsg: 'readFile:ok' });
        },
      }),
      downloadFile: (o: { url: string; header?: Record<string, string> } & Callbacks) => {
        const url = new URL(o.url);
        this.track(
          httpRaw('GET', o.url, o.header ?? {}).then(
            (res) => {
              this.requests.push({ method: 'GET', path: url.pathname + url.search, status: res.statusCode });
              const tempFilePath = `http://tmp/${++this.tempFiles}-download`;
              if (res.statusCode === 200) this.files.set(tempFilePath, res.body);
              o.success?.({ statusCode: res.statusCode, tempFilePath, errMsg: 'downloadFile:ok' });
              o.complete?.({});
            },
            (err: Error) => (o.fail?.({ errMsg: `downloadFile:fail ${err.message}` }), o.complete?.({})),
          ),
        );
      },
      previewImage: (o: { urls: string[]; current?: string } & Callbacks) => {
        this.previews.push(o.urls);
        done(o, { errMsg: 'previewImage:ok' });
      },
      login: (o: Callbacks) => done(o, { code: `demo:${this.openid}`, errMsg: 'login:ok' }),
      getStorageSync: (key: string) => (this.storage.has(key) ? structuredClone(this.storage.get(key)) : ''),
      setStorageSync: (key: string, value: unknown) => void this.storage.set(key, structuredClone(value)),
      removeStorageSync: (key: string) => void this.storage.delete(key),
      showToast: (o: { title: string } & Callbacks) => {
        this.toasts.push(o.title);
        done(o, { errMsg: 'showToast:ok' });
      },
      showLoading: (o: Callbacks) => done(o, {}),
      hideLoading: () => undefined,
      showModal: (o: ModalCall & Callbacks) => {
        this.modals.push({ title: o.title, content: o.content, editable: o.editable });
        const a = this.modalAnswers.shift() ?? { confirm: true };
        done(o, { confirm: a.confirm, cancel: !a.confirm, content: a.content ?? '', errMsg: 'showModal:ok' });
      },
      navigateTo: nav('navigateTo'),
      redirectTo: nav('redirectTo'),
      reLaunch: nav('reLaunch'),
      switchTab: nav('reLaunch'),
      navigateBack: (o: { delta?: number } & Callbacks = {}) => {
        this.navigations.push(`navigateBack ${o.delta ?? 1}`);
        this.track(
          (async () => {
            await new Promise((r) => setImmediate(r));
            for (let i = 0; i < (o.delta ?? 1) && this.stack.length > 1; i++) this.stack.pop()?.comp.detach();
            (this.page.comp.instance as unknown as { onShow?: () => void }).onShow?.();
          })(),
        );
      },
      stopPullDownRefresh: () => undefined,
      vibrateShort: (o: Callbacks) => (this.calls.push('vibrateShort'), done(o, {})),
      vibrateLong: (o: Callbacks) => (this.calls.push('vibrateLong'), done(o, {})),
      makePhoneCall: (o: { phoneNumber: string } & Callbacks) => (this.calls.push(`makePhoneCall ${o.phoneNumber}`), done(o, {})),
      getLocation: (o: Callbacks) =>
        this.location ? done(o, { ...this.location, accuracy: 20, errMsg: 'getLocation:ok' }) : failed(o, 'getLocation:fail auth deny'),
      scanCode: (o: Callbacks) => {
        const code = this.scanQueue.shift();
        if (code === undefined || code === null) failed(o, 'scanCode:fail cancel');
        else done(o, { result: code, scanType: 'QR_CODE', errMsg: 'scanCode:ok' });
      },
      requestSubscribeMessage: (o: { tmplIds: string[] } & Callbacks) => {
        const answer = Object.fromEntries(o.tmplIds.map((id) => [id, this.subscribeAnswer]));
        this.subscribeCalls.push({ tmplIds: o.tmplIds, answer });
        done(o, { ...answer, errMsg: 'requestSubscribeMessage:ok' });
      },
      requestPayment: (o: { timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string } & Callbacks) => {
        this.track(this.pay(o)).then(
          (r) => (r.ok ? o.success?.({ errMsg: 'requestPayment:ok' }) : o.fail?.({ errMsg: r.errMsg })),
          (err: Error) => o.fail?.({ errMsg: `requestPayment:fail ${err.message}` }),
        );
      },
    };
  }

  /** What the WeChat client does with wx.requestPayment, against the sandbox's WeChat Pay. */
  private async pay(o: { timeStamp: string; nonceStr: string; package: string; paySign: string }): Promise<{ ok: boolean; errMsg: string }> {
    const appId = this.h.wechat.mini.appId;
    const signed = `${appId}\n${o.timeStamp}\n${o.nonceStr}\n${o.package}\n`;
    const valid = createVerify('RSA-SHA256').update(signed).verify(this.h.sandbox.creds.pay.merchantPublicKeyPem, o.paySign, 'base64');
    if (!valid) return { ok: false, errMsg: 'requestPayment:fail 支付签名错误' };
    const prepayId = o.package.replace(/^prepay_id=/, '');
    const orders = (await httpJson('GET', `${this.h.baseUrl}/sandbox/wxpay/sandbox/orders`, {})).data as {
      orders: Array<{ outTradeNo: string; prepayId: string; amountFen: number }>;
    };
    const order = orders.orders.find((x) => x.prepayId === prepayId);
    if (!order) return { ok: false, errMsg: 'requestPayment:fail 订单不存在' };
    if (this.payBehaviour === 'cancel') {
      this.payments.push({ outTradeNo: order.outTradeNo, amountFen: order.amountFen, outcome: 'cancel' });
      return { ok: false, errMsg: 'requestPayment:fail cancel' };
    }
    const paid = await httpJson('POST', `${this.h.baseUrl}/sandbox/wxpay/sandbox/orders/${order.outTradeNo}/pay`, { 'content-type': 'application/json' }, {});
    this.payments.push({ outTradeNo: order.outTradeNo, amountFen: order.amountFen, outcome: paid.statusCode === 200 ? 'paid' : `failed ${paid.statusCode}` });
    if (paid.statusCode !== 200) return { ok: false, errMsg: 'requestPayment:fail' };
    await this.h.sandbox.wxpay.settled(); // WeChat Pay's notification (and any retry) has reached Mulin
    return { ok: true, errMsg: 'requestPayment:ok' };
  }
}

/** An HTTP exchange whose answer is kept as bytes (a download). */
function httpRaw(method: string, url: string, header: Record<string, string>): Promise<{ statusCode: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: header }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function httpJson(
  method: string,
  url: string,
  header: Record<string, string>,
  body?: unknown,
): Promise<{ statusCode: number; data: unknown; header: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    // An ArrayBuffer is sent as it is (a photo), as wx.request does; anything else as JSON.
    const payload =
      body === undefined
        ? undefined
        : Object.prototype.toString.call(body) === '[object ArrayBuffer]'
          ? Buffer.from(body as ArrayBuffer)
          : JSON.stringify(body);
    const req = http.request(url, { method, headers: { ...header, ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let data: unknown = text;
        try {
          data = text ? JSON.parse(text) : '';
        } catch {
          // not JSON: handed over as text, as wx.request does
        }
        resolve({ statusCode: res.statusCode ?? 0, data, header: res.headers });
      });
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** The font size an element's text is drawn at: its own computed size or, as CSS inheritance does, its parent's. */
export function effectiveFontSizePx(el: Element | null): number {
  for (let e = el; e; e = e.parentElement) {
    const v = getComputedStyle(e).fontSize;
    if (v) return parseFloat(v);
  }
  return 16; // the browser default
}
