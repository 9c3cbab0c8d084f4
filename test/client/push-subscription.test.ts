import 'fake-indexeddb/auto';
import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../client/lib/db.ts';
import { saveSession } from '../../client/lib/session.ts';
import { base64UrlToBytes, isIosBrowserTab, renewPushSubscription, subscribeToPush, unsubscribeFromPush } from '../../client/guest/push-subscription.ts';
import { createGuestDirect, type TestGuest } from '../support/guests.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { serveAppFrom, type SentRequest } from './app-origin.ts';

/**
 * The subscription request logic against a real barback. Headless Chromium cannot subscribe
 * (no push service reachable here), so the browser's PushManager is the one fake: it stands at
 * the true outside border and hands out subscriptions with real P-256 keys, as a browser does.
 */
const PUSH_HOST = 'push.barback.test';

class FakeSubscription {
  readonly keys = { p256dh: createECDH('prime256v1').generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  unsubscribed = false;
  constructor(
    readonly endpoint: string,
    private readonly manager: FakePushManager,
    readonly options: { userVisibleOnly: boolean; applicationServerKey: ArrayBuffer | null },
  ) {}
  toJSON() {
    return { endpoint: this.endpoint, expirationTime: null, keys: this.keys };
  }
  async unsubscribe(): Promise<boolean> {
    this.unsubscribed = true;
    if (this.manager.current === this) this.manager.current = null;
    return true;
  }
}

class FakePushManager {
  current: FakeSubscription | null = null;
  subscribeCalls: { userVisibleOnly?: boolean; applicationServerKey?: Uint8Array }[] = [];
  async getSubscription(): Promise<FakeSubscription | null> {
    return this.current;
  }
  async subscribe(options: { userVisibleOnly?: boolean; applicationServerKey?: Uint8Array }): Promise<FakeSubscription> {
    this.subscribeCalls.push(options);
    const key = options.applicationServerKey;
    const buffer = key ? key.buffer.slice(key.byteOffset, key.byteOffset + key.byteLength) : null;
    this.current = new FakeSubscription(`https://${PUSH_HOST}/send/${randomBytes(12).toString('hex')}`, this, {
      userVisibleOnly: options.userVisibleOnly ?? false,
      applicationServerKey: buffer as ArrayBuffer | null,
    });
    return this.current;
  }
}

function registrationWith(manager: FakePushManager): Pick<ServiceWorkerRegistration, 'pushManager'> {
  return { pushManager: manager as unknown as PushManager };
}

let server: TestServer;
let vapidKey: string;
let guest: TestGuest;
let posted: SentRequest[];

beforeAll(async () => {
  server = await startTestServer({ PUSH_ENDPOINT_HOSTS: PUSH_HOST });
  const config = (await (await fetch(`${server.url}/api/config`)).json()) as { push?: { vapid_public_key: string } };
  vapidKey = config.push!.vapid_public_key;
});
afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  guest = await createGuestDirect(server, 'Push Pat');
  await saveSession({ access_token: guest.access_token, refresh_token: 'not-used-here', expires_in: 3600 }, { user_key: guest.user_key, username: guest.username });
  posted = serveAppFrom(() => server.url);
});
afterEach(() => vi.unstubAllGlobals());

async function storedEndpoints(userKey: string): Promise<string[]> {
  const { rows } = await server.db.query<{ endpoint: string }>('SELECT endpoint FROM push_subscriptions WHERE user_key = $1', [userKey]);
  return rows.map((row) => row.endpoint);
}

describe('subscribing to push', () => {
  it('subscribes user-visible with the server VAPID key and registers subscription.toJSON() for the signed-in guest', async () => {
    const manager = new FakePushManager();
    const body = await subscribeToPush(vapidKey, registrationWith(manager));

    expect(manager.subscribeCalls).toHaveLength(1);
    expect(manager.subscribeCalls[0]!.userVisibleOnly).toBe(true);
    const key = manager.subscribeCalls[0]!.applicationServerKey!;
    // An uncompressed P-256 point: what PushManager accepts as applicationServerKey.
    expect(key.byteLength).toBe(65);
    expect(key[0]).toBe(4);
    expect(Buffer.from(key).toString('base64url')).toBe(vapidKey.replace(/=+$/, ''));

    expect(posted).toEqual([
      { method: 'POST', path: '/api/push/subscriptions', body: manager.current!.toJSON(), authorization: `Bearer ${guest.access_token}` },
    ]);
    expect(body).toEqual(manager.current!.toJSON());
    expect(await storedEndpoints(guest.user_key)).toEqual([manager.current!.endpoint]);
  });

  it('reuses the browser subscription made for the same server key instead of subscribing twice', async () => {
    const manager = new FakePushManager();
    await subscribeToPush(vapidKey, registrationWith(manager));
    const first = manager.current!;
    await subscribeToPush(vapidKey, registrationWith(manager));
    expect(manager.subscribeCalls).toHaveLength(1);
    expect(first.unsubscribed).toBe(false);
    expect(await storedEndpoints(guest.user_key)).toEqual([first.endpoint]);
  });

  it('replaces a subscription made for another server key (its pushes could never be delivered)', async () => {
    const manager = new FakePushManager();
    const otherKey = createECDH('prime256v1').generateKeys().toString('base64url');
    await manager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(otherKey) });
    const stale = manager.current!;
    await subscribeToPush(vapidKey, registrationWith(manager));
    expect(stale.unsubscribed).toBe(true);
    expect(manager.current).not.toBe(stale);
    expect(await storedEndpoints(guest.user_key)).toEqual([manager.current!.endpoint]);
  });

  it('on start-up re-registers an existing subscription with the server (which may have lost it), and never subscribes on its own', async () => {
    const none = new FakePushManager();
    expect(await renewPushSubscription({ resubscribe: false }, registrationWith(none))).toBe(false);
    expect(none.subscribeCalls).toHaveLength(0);
    expect(posted).toEqual([]);

    const manager = new FakePushManager();
    await subscribeToPush(vapidKey, registrationWith(manager));
    await server.db.query('DELETE FROM push_subscriptions WHERE user_key = $1', [guest.user_key]);
    expect(await renewPushSubscription({ resubscribe: false }, registrationWith(manager))).toBe(true);
    expect(manager.subscribeCalls).toHaveLength(1);
    expect(await storedEndpoints(guest.user_key)).toEqual([manager.current!.endpoint]);
  });

  it('when the browser replaces the subscription (pushsubscriptionchange) it subscribes again and registers the new endpoint', async () => {
    const manager = new FakePushManager();
    await subscribeToPush(vapidKey, registrationWith(manager));
    const old = manager.current!;
    manager.current = null; // the browser dropped it
    expect(await renewPushSubscription({ resubscribe: true }, registrationWith(manager))).toBe(true);
    expect(manager.current!.endpoint).not.toBe(old.endpoint);
    expect(await storedEndpoints(guest.user_key)).toContain(manager.current!.endpoint);
  });

  it('leaving deletes the subscription on the server and in the browser', async () => {
    const manager = new FakePushManager();
    await subscribeToPush(vapidKey, registrationWith(manager));
    const subscription = manager.current!;
    posted.length = 0;
    await unsubscribeFromPush(registrationWith(manager));
    expect(posted).toEqual([
      { method: 'DELETE', path: '/api/push/subscriptions', body: { endpoint: subscription.endpoint }, authorization: `Bearer ${guest.access_token}` },
    ]);
    expect(subscription.unsubscribed).toBe(true);
    expect(await storedEndpoints(guest.user_key)).toEqual([]);
  });

  it('leaving still drops the browser subscription when the server cannot be told', async () => {
    const manager = new FakePushManager();
    await subscribeToPush(vapidKey, registrationWith(manager));
    const subscription = manager.current!;
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await unsubscribeFromPush(registrationWith(manager));
    expect(subscription.unsubscribed).toBe(true);
    expect(warn).toHaveBeenCalledWith('push subscription not removed from the server', expect.objectContaining({ code: 'network_error' }));
    warn.mockRestore();
  });
});

describe('iOS detection (Web Push only in the installed app there)', () => {
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
  const ipadAsMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
  const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36';

  it('an iPhone or an iPad (which calls itself a Mac but has touch) in a browser tab must install the app', () => {
    expect(isIosBrowserTab({ userAgent: iphone, maxTouchPoints: 5, standaloneDisplay: false })).toBe(true);
    expect(isIosBrowserTab({ userAgent: ipadAsMac, maxTouchPoints: 5, standaloneDisplay: false })).toBe(true);
  });

  it('the installed app, a real Mac and Android are not told to install', () => {
    expect(isIosBrowserTab({ userAgent: iphone, maxTouchPoints: 5, standaloneDisplay: true })).toBe(false);
    expect(isIosBrowserTab({ userAgent: iphone, maxTouchPoints: 5, standalone: true, standaloneDisplay: false })).toBe(false);
    expect(isIosBrowserTab({ userAgent: ipadAsMac, maxTouchPoints: 0, standaloneDisplay: false })).toBe(false);
    expect(isIosBrowserTab({ userAgent: android, maxTouchPoints: 5, standaloneDisplay: false })).toBe(false);
  });
});
