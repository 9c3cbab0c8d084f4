import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('smoke', () => {
  it('serves health, the default menu and admin login', async () => {
    expect((await api(server, 'GET', '/api/health')).body.status).toBe('ok');
    const drinks = await api(server, 'GET', '/api/drinks');
    expect(drinks.body.drinks.length).toBeGreaterThanOrEqual(20);
    const token = await adminToken(server);
    expect(token).toMatch(/^ey/);
    const cursor = await server.db.query('SELECT safe_order_cursor() AS c, take_order_version() AS v');
    expect(cursor.rows[0]).toBeTruthy();
  });
});
