import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer } from '../support/server.ts';
import { createTestDatabase } from '../support/database.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { withoutPostgres } from '../support/skips.ts';

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the embedded database', () => {
  it('keeps what was written across a restart on the same DATA_DIR', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-data-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    try {
      const first = await startTestServer(env);
      const token = await adminToken(first);
      const section = await api(first, 'POST', '/api/admin/sections', { token, body: { name: 'Survives restarts' } });
      expect(section.status).toBe(201);
      const kid = (await api(first, 'GET', '/.well-known/jwks.json')).body.keys[0].kid;
      await first.stop();

      const second = await startTestServer(env);
      try {
        const sections = (await api(second, 'GET', '/api/sections')).body.sections;
        expect(sections.map((s: { name: string }) => s.name)).toContain('Survives restarts');
        expect((await api(second, 'GET', '/.well-known/jwks.json')).body.keys[0].kid).toBe(kid);
        // A token signed before the restart still works: the key pair was kept.
        expect((await api(second, 'GET', '/api/admin/sections', { token })).status).toBe(200);
        expect((await api(second, 'GET', '/api/drinks')).body.drinks.length).toBeGreaterThanOrEqual(20);
      } finally {
        await second.stop();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(withoutPostgres('database-resilience: a PostgreSQL that goes away'))('a PostgreSQL that goes away', () => {
  it('health answers 503 degraded while the database is unreachable and 200 again once it is back', async () => {
    const testDb = await createTestDatabase();
    const target = new URL(testDb.databaseUrl!);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const viaProxy = new URL(testDb.databaseUrl!);
    viaProxy.host = `127.0.0.1:${port}`;
    const server = await startTestServer({ DATABASE_URL: viaProxy.toString() }, { testDb });
    try {
      expect((await api(server, 'GET', '/api/health')).status).toBe(200);
      proxy.cut();
      const degraded = await waitFor(async () => {
        const res = await api(server, 'GET', '/api/health');
        return res.status === 503 ? res : undefined;
      });
      expect(degraded.body).toEqual({ status: 'degraded', database: 'postgres' });
      const during = await api(server, 'GET', '/api/admin/sections', { token: await server.ctx.tokens.signAdmin('x', 'h@x', 60) });
      expect(during.status).toBe(503);
      expect(during.body.error.code).toBe('service_unavailable');
      proxy.restore();
      const healthy = await waitFor(async () => {
        const res = await api(server, 'GET', '/api/health');
        return res.status === 200 ? res : undefined;
      });
      expect(healthy.body.status).toBe('ok');
      expect((await api(server, 'GET', '/api/sections')).status).toBe(200);
    } finally {
      await server.stop();
      await proxy.stop();
      await testDb.drop();
    }
  });
});
