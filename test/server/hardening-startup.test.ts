import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN } from '../support/server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { requestFrom } from '../support/http-from.ts';
import { freePort } from '../support/net.ts';

/**
 * The audit's start-up finding, reproduced: GET /api/health answered 200 while the
 * ADMIN_EMAIL/ADMIN_PASSWORD account was still being created, so a script that started
 * barback and signed in as soon as health answered got 401. barback runs here as `npm start`
 * runs it, and the test asks for health as fast as it can from the moment it is spawned.
 */

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb?.drop();
});

describe('start-up', () => {
  it('a login sent the moment /api/health first answers succeeds', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        BARBACK_NO_BUILD: '1',
        DATABASE_URL: testDb.databaseUrl ?? '',
        DATA_DIR: 'memory://',
        ADMIN_EMAIL: TEST_ADMIN.email,
        ADMIN_PASSWORD: TEST_ADMIN.password,
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 60_000;
      let health;
      while (!health) {
        if (child.exitCode !== null) throw new Error(`barback exited: ${output}`);
        if (Date.now() > deadline) throw new Error(`barback never answered: ${output}`);
        health = await requestFrom(url, '127.0.0.1', { method: 'GET', path: '/api/health' }, 2_000).catch(() => undefined);
      }
      const login = await requestFrom(url, '127.0.0.1', { method: 'POST', path: '/api/admin/login', body: TEST_ADMIN });
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok', database: testDb.databaseUrl ? 'postgres' : 'embedded' });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      expect(login.body.access_token).toEqual(expect.any(String));
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
