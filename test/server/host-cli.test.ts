import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBox, newSecretsKey, parseSecretsKey, secretsKeyId } from '../../server/auth/secret-box.ts';
import { TEST_ADMIN, adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * `npm run host -- <command>` as the host runs it: a separate process with the server's
 * settings, against PostgreSQL, and against the embedded database with and without a
 * server running on it (PGlite is one process's: the command then goes through the
 * running server's own database socket).
 */

const SLOW = 90_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command in its own process; only the settings given (none inherited from this test run). */
function runHost(args: string[], env: Record<string, string>): Promise<Run> {
  const { DATABASE_URL: _url, DATA_DIR: _dir, SECRETS_KEY: _key, PUBLIC_URL: _public, PORT: _port, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/host.ts', ...args], { env: { ...inherited, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function linkIn(stdout: string): URL {
  const match = /(https?:\/\/\S+\/setup\?token=[A-Za-z0-9_-]+)/.exec(stdout);
  if (!match) throw new Error(`no link in: ${stdout}`);
  return new URL(match[1]!);
}

/** One sentence on stderr after "barback: ", and a failure exit. */
function expectRefusal(run: Run, pattern: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^barback: [^\n]+\.\n$/);
  expect(run.stderr).toMatch(pattern);
}

const temporaryDirs: string[] = [];
async function temporaryDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-cli-'));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of temporaryDirs) await fs.rm(dir, { recursive: true, force: true });
});

const keyFileKeys = async (dataDir: string) =>
  (await fs.readFile(path.join(dataDir, 'secrets.key'), 'utf8'))
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => parseSecretsKey(line));

async function sealedKeyIds(server: TestServer): Promise<string[]> {
  const { rows } = await server.db.query<{ private_jwk: unknown }>('SELECT private_jwk FROM signing_keys');
  return rows.map((row) => (typeof row.private_jwk === 'string' ? (SecretBox.keyIdOf(row.private_jwk) ?? 'plain') : 'plain'));
}

describe('npm run host', () => {
  it('explains itself, and refuses an unknown command in one sentence', async () => {
    const help = await runHost(['help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/reset-password/);
    expect(help.stdout).toMatch(/rotate-secrets-key/);
    expectRefusal(await runHost(['make-coffee'], {}), /Unknown command "make-coffee"/);
  });

  it('refuses a folder with no barback database in one sentence', async () => {
    const dataDir = await temporaryDataDir();
    expectRefusal(await runHost(['reset-password'], { DATA_DIR: dataDir }), /There is no barback database in /);
  });
});

describe.skipIf(withoutPostgres('host-cli: reset-password on PostgreSQL'))('reset-password on PostgreSQL (needs DATABASE_URL)', () => {
  it('prints a one-time link for the account; opening it sets a new password and signs the host out everywhere', { timeout: SLOW }, async () => {
    const server = await startTestServer();
    try {
      const before = await adminToken(server);
      const run = await runHost(['reset-password'], { DATABASE_URL: server.testDb.databaseUrl!, PUBLIC_URL: server.url });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(TEST_ADMIN.email);
      const link = linkIn(run.stdout);
      expect(link.origin).toBe(server.url);
      const token = link.searchParams.get('token')!;
      expect((await api(server, 'GET', `/api/admin/password-reset?token=${token}`)).body.valid).toBe(true);
      const reset = await api(server, 'POST', '/api/admin/password-reset', { body: { token, new_password: 'set from the terminal' } });
      expect(reset.status).toBe(200);
      expect((await api(server, 'GET', '/api/admin/sections', { token: before })).status).toBe(401);
      expect((await api(server, 'POST', '/api/admin/login', { body: { email: TEST_ADMIN.email, password: 'set from the terminal' } })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('with no host account yet, prints a link that creates it', { timeout: SLOW }, async () => {
    const server = await startTestServer({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    try {
      const run = await runHost(['reset-password'], { DATABASE_URL: server.testDb.databaseUrl!, PORT: String(server.port) });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/no host account yet/);
      const link = linkIn(run.stdout);
      expect(link.origin).toBe(`http://localhost:${server.port}`);
      const created = await api(server, 'POST', '/api/admin/setup', {
        body: { token: link.searchParams.get('token'), email: 'new@barback.test', password: 'first account here' },
      });
      expect(created.status).toBe(201);
    } finally {
      await server.stop();
    }
  });
});

describe('reset-password on the embedded database', () => {
  it('while the server runs, goes through its database and prints a link to it; the party is not interrupted', { timeout: SLOW }, async () => {
    const dataDir = await temporaryDataDir();
    const server = await startTestServer({ DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      const before = await adminToken(server);
      const run = await runHost(['reset-password'], { DATA_DIR: dataDir });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).not.toMatch(/not running/);
      const link = linkIn(run.stdout);
      expect(link.origin).toBe(`http://localhost:${server.port}`);
      expect((await api(server, 'GET', '/api/health')).status).toBe(200);
      expect((await api(server, 'GET', '/api/admin/sections', { token: before })).status).toBe(200);
      const reset = await api(server, 'POST', '/api/admin/password-reset', {
        body: { token: link.searchParams.get('token'), new_password: 'reset mid-party' },
      });
      expect(reset.status).toBe(200);
      expect((await api(server, 'GET', '/api/admin/sections', { token: before })).status).toBe(401);
      expect((await api(server, 'GET', '/api/admin/sections', { token: reset.body.access_token })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('with no server running, opens the folder itself; the link works once barback starts', { timeout: SLOW }, async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    await first.stop();
    const run = await runHost(['reset-password'], { DATA_DIR: dataDir, PORT: '4321' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/barback is not running: start it/);
    const link = linkIn(run.stdout);
    expect(link.origin).toBe('http://localhost:4321');
    // The command let go of the folder: the server starts on it.
    await expect(fs.stat(path.join(dataDir, 'barback.lock'))).rejects.toThrow(/ENOENT/);
    const server = await startTestServer(env);
    try {
      const reset = await api(server, 'POST', '/api/admin/password-reset', {
        body: { token: link.searchParams.get('token'), new_password: 'reset while closed' },
      });
      expect(reset.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('rotate-secrets-key', () => {
  it('on the embedded database: refused while the server runs; then re-seals every key with a new key file, and tokens live on', { timeout: SLOW }, async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    const token = await adminToken(first);
    const [oldKey] = await keyFileKeys(dataDir);
    try {
      expectRefusal(await runHost(['rotate-secrets-key'], { DATA_DIR: dataDir }), /barback is running on .* stop it first/);
    } finally {
      await first.stop();
    }
    const run = await runHost(['rotate-secrets-key'], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    const keys = await keyFileKeys(dataDir);
    expect(keys).toHaveLength(1);
    const newId = secretsKeyId(keys[0]!);
    expect(newId).not.toBe(secretsKeyId(oldKey!));
    expect(run.stdout).toContain(`encrypted with key id ${newId}`);
    // Nothing secret is printed when the key lives in the file.
    expect(run.stdout).not.toContain(keys[0]!.toString('base64'));

    const after = await startTestServer(env);
    try {
      expect(new Set(await sealedKeyIds(after))).toEqual(new Set([newId]));
      expect((await api(after, 'GET', '/api/admin/sections', { token })).status).toBe(200);
    } finally {
      await after.stop();
    }
  });

  it.skipIf(withoutPostgres('host-cli: rotate-secrets-key on PostgreSQL'))('on PostgreSQL: refused while an instance is connected; then NEW_SECRETS_KEY replaces SECRETS_KEY, and the old key no longer starts it', { timeout: SLOW }, async () => {
    const oldKey = newSecretsKey();
    const newKey = newSecretsKey();
    const server = await startTestServer({ SECRETS_KEY: oldKey });
    const url = server.testDb.databaseUrl!;
    const token = await adminToken(server);
    try {
      expectRefusal(
        await runHost(['rotate-secrets-key'], { DATABASE_URL: url, SECRETS_KEY: oldKey, NEW_SECRETS_KEY: newKey }),
        /connection\(s\) of running barback instances are open on this database: stop every instance first/,
      );
      await server.close();
      await server.db.close();
      const run = await runHost(['rotate-secrets-key'], { DATABASE_URL: url, SECRETS_KEY: oldKey, NEW_SECRETS_KEY: newKey });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Set SECRETS_KEY to the new key on every instance/);
      expect(run.stdout).not.toContain(newKey);

      const refused = await startTestServer({ SECRETS_KEY: oldKey }, { testDb: server.testDb }).then(
        async (s) => {
          await s.stop();
          return undefined;
        },
        (error: Error) => error,
      );
      expect(refused?.message).toMatch(/encrypted with key id .*, but SECRETS_KEY is key id/);
      const after = await startTestServer({ SECRETS_KEY: newKey }, { testDb: server.testDb });
      try {
        expect(new Set(await sealedKeyIds(after))).toEqual(new Set([secretsKeyId(parseSecretsKey(newKey))]));
        expect((await api(after, 'GET', '/api/admin/sections', { token })).status).toBe(200);
      } finally {
        await after.stop();
      }
    } finally {
      await server.testDb.drop();
    }
  });

  it.skipIf(withoutPostgres('host-cli: rotate-secrets-key without SECRETS_KEY on PostgreSQL'))('on PostgreSQL without SECRETS_KEY: makes a key, prints it once, and encrypts the keys with it', { timeout: SLOW }, async () => {
    const server = await startTestServer();
    const url = server.testDb.databaseUrl!;
    await server.close();
    await server.db.close();
    try {
      const run = await runHost(['rotate-secrets-key'], { DATABASE_URL: url });
      expect(run.code, run.stderr).toBe(0);
      const printed = /^ {4}([A-Za-z0-9+/]{43}=)$/m.exec(run.stdout)?.[1];
      expect(printed).toBeTruthy();
      const after = await startTestServer({ SECRETS_KEY: printed! }, { testDb: server.testDb });
      try {
        expect(new Set(await sealedKeyIds(after))).toEqual(new Set([secretsKeyId(parseSecretsKey(printed!))]));
      } finally {
        await after.stop();
      }
    } finally {
      await server.testDb.drop();
    }
  });
});

describe('discard-lost-keys', () => {
  it('refuses while the keys open; once the key file is lost, discards the keys so barback starts again with new ones', { timeout: SLOW }, async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    const token = await adminToken(first);
    const kid = (await api(first, 'GET', '/.well-known/jwks.json')).body.keys[0].kid;
    await first.stop();

    expectRefusal(await runHost(['discard-lost-keys'], { DATA_DIR: dataDir }), /nothing is lost, so nothing was discarded/);
    await fs.rm(path.join(dataDir, 'secrets.key'));
    const run = await runHost(['discard-lost-keys'], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Discarded the stored private keys \(lost key id /);

    const after = await startTestServer(env);
    try {
      const kids = (await api(after, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
      expect(kids).not.toContain(kid);
      expect((await api(after, 'GET', '/api/admin/sections', { token })).status).toBe(401);
      expect((await api(after, 'GET', '/api/admin/sections', { token: await adminToken(after) })).status).toBe(200);
      expect(new Set(await sealedKeyIds(after))).toEqual(new Set([secretsKeyId((await keyFileKeys(dataDir))[0]!)]));
    } finally {
      await after.stop();
    }
  });
});
