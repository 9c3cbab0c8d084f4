import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { TestDnsServer } from '../support/dns-server.ts';
import { adminToken, api, startTestServer } from '../support/server.ts';

/**
 * Whether the server offers Web Push depends on reaching the browsers' push services, which it
 * finds out at start-up by resolving one of their names. PUSH_PROBE_DNS points that probe at a
 * DNS server; here it is one the test controls, so both outcomes run on any machine.
 */
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await TestDnsServer.start('nxdomain');
});
afterAll(async () => {
  await dns?.close();
});

async function pushAsOfferedWith(answer: TestDnsServer['answer']) {
  dns.answer = answer;
  dns.asked.length = 0;
  const server = await startTestServer({ PUSH_PROBE_DNS: dns.address });
  try {
    await server.ctx.push.ready;
    const config = await api(server, 'GET', '/api/config');
    const status = await api(server, 'GET', '/api/admin/push', { token: await adminToken(server) });
    return { config: config.body, status: status.body, asked: [...dns.asked] };
  } finally {
    await server.stop();
  }
}

describe('the push reachability probe', () => {
  it('offers push (the VAPID key in /api/config) when the push service name resolves', async () => {
    const { config, status, asked } = await pushAsOfferedWith({ address: '203.0.113.10' });
    expect(asked).toContain('fcm.googleapis.com');
    expect(status).toEqual({ available: true });
    expect(config.push.vapid_public_key).toMatch(/^[A-Za-z0-9_-]{80,}$/);
  });

  it('turns push off, with the reason, on a network whose DNS does not know the push services', async () => {
    const { config, status, asked } = await pushAsOfferedWith('nxdomain');
    expect(asked).toContain('fcm.googleapis.com');
    expect(status).toEqual({ available: false, reason: expect.stringMatching(/no internet access/) });
    expect(config.push).toBeUndefined();
  });

  it('turns push off when the DNS server does not answer at all', async () => {
    const { config, status, asked } = await pushAsOfferedWith('silence');
    expect(asked).toContain('fcm.googleapis.com');
    expect(status).toMatchObject({ available: false });
    expect(config.push).toBeUndefined();
  });

  it('refuses a PUSH_PROBE_DNS that is not a DNS server address', () => {
    for (const bad of ['dns.example.com', 'http://1.1.1.1', '1.1.1.1:port']) {
      expect(() => loadConfig({ PUSH_PROBE_DNS: bad }), bad).toThrow(/PUSH_PROBE_DNS/);
    }
    expect(loadConfig({ PUSH_PROBE_DNS: '127.0.0.1:5353' }).pushProbeDns).toBe('127.0.0.1:5353');
  });
});
