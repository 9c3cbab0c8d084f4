import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcmeTestbed, type AcmeTestbed } from '../support/acme-testbed.ts';
import { startDuckDnsStandIn, type DuckDnsStandIn } from '../support/dns-stand-ins.ts';
import { browserAvailable } from './support/chromium.ts';
import { E2eServer } from './support/e2e-server.ts';
import { GuestPage } from './support/guest-page.ts';
import { menuDrinks, until } from './support/guest-fixtures.ts';
import { launchTrustingPhone } from './support/trusting-phone.ts';

const NAME = 'party.duckdns.org';

/**
 * The whole point of automatic HTTPS: a phone on the party's Wi-Fi opens the join link on
 * https://NAME:PORT and gets what only a secure origin gets (a service worker, an installable
 * app, the offline outbox). The phone trusts Pebble's root as real phones trust Let's Encrypt,
 * and resolves the name to the laptop as the party's router would.
 */
describe.skipIf(!browserAvailable())('a phone on the Wi-Fi, over the certificate barback obtained', () => {
  let testbed: AcmeTestbed;
  let duckdns: DuckDnsStandIn;
  let server: E2eServer;
  let phone: Awaited<ReturnType<typeof launchTrustingPhone>>;

  beforeAll(async () => {
    testbed = await startAcmeTestbed();
    duckdns = await startDuckDnsStandIn(testbed);
    server = await E2eServer.start({ ...testbed.env, ...duckdns.env(NAME) });
    await until(async () => (await server.admin('GET', '/api/admin/https')).body.status === 'active', 'the certificate', 60_000);
    phone = await launchTrustingPhone({ rootPem: testbed.rootPem, resolve: { [NAME]: '127.0.0.1' } });
  });

  afterAll(async () => {
    await phone?.close();
    await server?.dispose();
    await duckdns?.stop();
    await testbed?.stop();
  });

  it('opens https://NAME:PORT/join, is controlled by the service worker, can install the app, and an order placed offline is sent exactly once', async () => {
    const joinUrl = await server.newJoinUrl();
    expect(joinUrl).toMatch(new RegExp(`^https://party\\.duckdns\\.org:${new URL(joinUrl).port}/join\\?code=`));
    const guest = await GuestPage.open(phone.context, server.guestOrigin);
    await guest.join(joinUrl, 'Secure Sam');
    expect(await guest.page.evaluate(() => [window.isSecureContext, location.origin])).toEqual([true, server.guestOrigin]);
    await guest.waitForServiceWorker();

    const cdp = await phone.context.newCDPSession(guest.page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toBe(`${server.guestOrigin}/manifest.webmanifest`);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    const [drink] = await menuDrinks(server);
    await server.down();
    const id = await guest.order(drink!.name);
    await guest.waitForStatus(id, 'queued');
    await server.up();
    await guest.waitForStatus(id, 'pending', 30_000);
    const { rows } = await server.instance.db.query<{ id: string }>('SELECT id FROM orders');
    expect(rows.map((row) => row.id)).toEqual([id]);
  });
});
