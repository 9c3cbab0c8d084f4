import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN, adminToken, startTestServer, type TestServer } from '../support/server.ts';
import { requestFrom, type Answer } from '../support/http-from.ts';
import { createCode } from './guests-support.ts';

/**
 * The audit's guessing finding, reproduced: login checked the limit, spent ~300 ms on
 * scrypt and only then counted the failure, so 80 wrong passwords sent at once were all
 * evaluated against a limit of 10 a minute; and the hashing starved the app shell (8.6 s).
 * Each client below is its own loopback source address.
 */

const LIMIT = 10;
// The app shell, served from a client folder of the test's own (no build needed).
const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'barback-shell-'));
fs.writeFileSync(path.join(clientDir, 'index.html'), `<!doctype html><title>barback</title><div id="root">${'<p>menu</p>'.repeat(200)}</div>`);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CLIENT_DIR: clientDir });
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(clientDir, { recursive: true, force: true });
});

const shell = (from: string) => requestFrom(server.url, from, { method: 'GET', path: '/', headers: { accept: 'text/html' } });
const login = (from: string, password: string) =>
  requestFrom(server.url, from, { method: 'POST', path: '/api/admin/login', body: { email: TEST_ADMIN.email, password } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Loads the shell again and again (from an address of its own) until `work` settles. */
async function shellTimesDuring<T>(work: Promise<T>): Promise<{ result: T; times: number[] }> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  const times: number[] = [];
  while (!done) {
    const answer = await shell('127.0.0.91');
    expect(answer.status).toBe(200);
    times.push(answer.ms);
    await sleep(50);
  }
  return { result: await settled, times };
}

function expectRateLimited(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
}

describe('guesses are counted before the work that judges them', () => {
  it('80 concurrent wrong logins: at most 10 are evaluated, the rest are 429, and the app shell still answers within its usual time', async () => {
    const usual: number[] = [];
    for (let i = 0; i < 5; i++) usual.push((await shell('127.0.0.91')).ms);

    const burst = Promise.all(Array.from({ length: 80 }, () => login('127.0.0.90', 'wrong password')));
    const { result: answers, times } = await shellTimesDuring(burst);

    const evaluated = answers.filter((answer) => answer.status === 401);
    expect(evaluated.length).toBeGreaterThan(0);
    expect(evaluated.length).toBeLessThanOrEqual(LIMIT);
    for (const answer of evaluated) expect(answer.body).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    const refused = answers.filter((answer) => answer.status !== 401);
    expect(refused).toHaveLength(80 - evaluated.length);
    refused.forEach(expectRateLimited);

    // Before the fix the shell took 8.6 s during such a burst; a generous bound, noisy machine.
    expect(times.length).toBeGreaterThan(0);
    expect(Math.max(...times), `usual ${usual.map(Math.round).join('/')} ms, during ${times.map(Math.round).join('/')} ms`).toBeLessThan(
      Math.max(2_000, 10 * Math.max(...usual)),
    );

    // Nothing else disturbed: the host signs in from another address, and the guesser stays limited.
    const host = await login('127.0.0.92', TEST_ADMIN.password);
    expect(host.status).toBe(200);
    expect(host.body.access_token).toEqual(expect.any(String));
    expectRateLimited(await login('127.0.0.90', TEST_ADMIN.password));
  });

  it('wrong logins from 100 addresses at once queue for the hash: every answer is 401 or 503 server_busy, and the shell answers', async () => {
    const burst = Promise.all(Array.from({ length: 100 }, (_, i) => login(`127.0.1.${i + 1}`, 'wrong password')));
    const { result: answers, times } = await shellTimesDuring(burst);
    for (const answer of answers) {
      if (answer.status === 401) continue;
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: { code: 'server_busy', message: expect.any(String) } });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(Math.max(...times)).toBeLessThan(2_000);
    expect((await login('127.0.0.93', TEST_ADMIN.password)).status).toBe(200);
  });

  it('80 concurrent bad invite codes: at most 10 are looked up, while 40 guests behind one address joining at once all get in', async () => {
    const register = (from: string, code: string, username: string) =>
      requestFrom(server.url, from, { method: 'POST', path: '/api/register', headers: { 'x-registration-code': code }, body: { username } });
    const answers = await Promise.all(Array.from({ length: 80 }, () => register('127.0.0.94', crypto.randomUUID(), 'Eve')));
    const evaluated = answers.filter((answer) => answer.status === 401);
    expect(evaluated.length).toBeGreaterThan(0);
    expect(evaluated.length).toBeLessThanOrEqual(LIMIT);
    for (const answer of evaluated) expect(answer.body.error.code).toBe('invalid_registration_code');
    answers.filter((answer) => answer.status !== 401).forEach(expectRateLimited);

    // Only failures count, and right answers arriving together only queue: a NAT'd party joins.
    const code = await createCode(server, await adminToken(server), { max_uses: 40 });
    const party = await Promise.all(Array.from({ length: 40 }, (_, i) => register('127.0.0.95', code, `Guest ${i}`)));
    expect(party.map((answer) => answer.status)).toEqual(Array(40).fill(201));
  });
});

describe('the setup link', () => {
  it('30 concurrent wrong setup tokens: at most 10 are evaluated, the rest 429; the right one still works', async () => {
    const fresh = await startTestServer({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    try {
      const setup = (from: string, token: string) =>
        requestFrom(fresh.url, from, { method: 'POST', path: '/api/admin/setup', body: { token, email: 'host@party.test', password: 'a long enough password' } });
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => setup('127.0.0.96', `guess-${i}`)));
      const evaluated = answers.filter((answer) => answer.status === 401);
      expect(evaluated.length).toBeGreaterThan(0);
      expect(evaluated.length).toBeLessThanOrEqual(LIMIT);
      for (const answer of evaluated) expect(answer.body.error.code).toBe('invalid_setup_token');
      answers.filter((answer) => answer.status !== 401).forEach(expectRateLimited);

      const created = await setup('127.0.0.97', fresh.setupToken!);
      expect(created.status).toBe(201);
      expect(created.body.access_token).toEqual(expect.any(String));
    } finally {
      await fresh.stop();
    }
  });
});
