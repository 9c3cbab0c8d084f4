import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { importJWK, type JWK } from 'jose';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { startServer } from '../../server/server.ts';
import { SecretBox, SecretBoxError, newSecretsKey, parseSecretsKey, secretsKeyId } from '../../server/auth/secret-box.ts';
import { SECRET_CONTEXT } from '../../server/auth/stored-secrets.ts';
import { createLogger } from '../../server/logger.ts';
import { createTestDatabase } from '../support/database.ts';
import { adminToken, api, startTestServer, type TestServer } from '../support/server.ts';
import { withoutPostgres } from '../support/skips.ts';

/**
 * The private keys in the database (token signing, Web Push) are sealed with a key kept
 * outside it: SECRETS_KEY, or the embedded mode's key file. Runs on PGlite and PostgreSQL;
 * the PostgreSQL-only behaviour (no SECRETS_KEY: stored as before) needs DATABASE_URL.
 */

const KEY = newSecretsKey();
const OTHER_KEY = newSecretsKey();
const keyId = (key: string) => secretsKeyId(parseSecretsKey(key));
// Push is offered only when a push service is reachable; naming one makes the VAPID key public in /api/config.
const PUSH_HOST = 'push.example.test';

/** One sentence: a single line ending in a full stop, with no second sentence in it. */
function expectOneSentence(message: string): void {
  expect(message).toMatch(/^[^\n]+\.$/);
  expect(message).not.toMatch(/\.\s+[A-Z]/);
}

const temporaryDirs: string[] = [];
async function temporaryDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'barback-secrets-'));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of temporaryDirs) await fs.rm(dir, { recursive: true, force: true });
});

/** Everything a dump of the key tables would hold, as text. */
async function dumpKeyTables(db: Database): Promise<string> {
  const signing = await db.query('SELECT * FROM signing_keys');
  const secrets = await db.query('SELECT * FROM server_secrets');
  return JSON.stringify([signing.rows, secrets.rows]);
}

/** The private keys as the server uses them, opened with `box`. */
async function openedPrivateKeys(db: Database, box: SecretBox): Promise<{ signing: JWK[]; vapid: string }> {
  const { rows } = await db.query<{ kid: string; private_jwk: string | JWK }>('SELECT kid, private_jwk FROM signing_keys');
  const signing = rows.map((row) =>
    typeof row.private_jwk === 'string' ? (JSON.parse(box.open(row.private_jwk, SECRET_CONTEXT.signingKey(row.kid))) as JWK) : row.private_jwk,
  );
  const vapidRow = await db.query<{ value: { privateKey: string } }>("SELECT value FROM server_secrets WHERE name = 'vapid'");
  return { signing, vapid: box.open(vapidRow.rows[0]!.value.privateKey, SECRET_CONTEXT.vapid) };
}

/** Starts a server expected to refuse; returns its error (and closes what it opened). */
async function startFailure(env: Record<string, string>): Promise<Error> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: createLogger('silent') });
  try {
    await startServer(config, { db, logger: createLogger('silent') });
  } catch (error) {
    return error as Error;
  } finally {
    await db.close();
  }
  throw new Error('the server started');
}

describe('the secret box', () => {
  const box = SecretBox.withKey(parseSecretsKey(KEY));

  it('seals with AES-256-GCM under a fresh IV: the same value twice gives two different sealed strings that both open', () => {
    const first = box.seal('the private key', 'ctx');
    const second = box.seal('the private key', 'ctx');
    expect(first).not.toBe(second);
    expect(first).toMatch(new RegExp(`^sb1\\.${keyId(KEY)}\\.`));
    expect(first).not.toContain('private');
    expect(box.open(first, 'ctx')).toBe('the private key');
    expect(box.open(second, 'ctx')).toBe('the private key');
  });

  it('refuses another context, an altered value and another key, each in one sentence naming what went wrong', () => {
    const sealed = box.seal('{"d":"secret"}', 'signing_keys:a');
    expect(() => box.open(sealed, 'signing_keys:b')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body.writeUInt8(body.readUInt8(0) ^ 1, 0);
    expect(() => box.open([...parts.slice(0, 3), body.toString('base64url')].join('.'), 'signing_keys:a')).toThrow(/altered/);
    const other = SecretBox.withKey(parseSecretsKey(OTHER_KEY));
    try {
      other.open(sealed, 'signing_keys:a');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SecretBoxError);
      expect((error as SecretBoxError).keyId).toBe(keyId(KEY));
      expectOneSentence((error as Error).message);
    }
    expect(() => SecretBox.none().open(sealed, 'signing_keys:a')).toThrow(/does not have/);
  });

  it('opens with an older key during a rotation and says the value is due for re-sealing', () => {
    const old = box.seal('v', 'ctx');
    const rotated = SecretBox.withKey(parseSecretsKey(OTHER_KEY), [parseSecretsKey(KEY)]);
    expect(rotated.open(old, 'ctx')).toBe('v');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('v', 'ctx'))).toBe(true);
  });

  it('without a key stores values as they are and passes stored plaintext through', () => {
    expect(SecretBox.none().seal('plain', 'ctx')).toBe('plain');
    expect(box.open('{"kty":"OKP"}', 'ctx')).toBe('{"kty":"OKP"}');
    expect(SecretBox.none().isCurrent('plain')).toBe(true);
    expect(box.isCurrent('plain')).toBe(false);
  });

  it('SECRETS_KEY is 32 bytes in base64 or base64url; anything else stops start-up with one sentence that does not repeat it', () => {
    expect(parseSecretsKey(KEY)).toHaveLength(32);
    expect(parseSecretsKey(parseSecretsKey(KEY).toString('base64url'))).toEqual(parseSecretsKey(KEY));
    for (const bad of ['hunter2-hunter2', 'a'.repeat(64), `${KEY}AAAA`, KEY.slice(0, 40), '!'.repeat(44)]) {
      try {
        loadConfig({ SECRETS_KEY: bad });
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toMatch(/^SECRETS_KEY must be 32 random bytes/);
        expect((error as Error).message).not.toContain(bad);
        expectOneSentence((error as Error).message);
      }
    }
    expect(loadConfig({ SECRETS_KEY: ` ${KEY}\n` }).secretsKey).toEqual(parseSecretsKey(KEY));
  });
});

describe('with SECRETS_KEY', () => {
  let server: TestServer;
  afterAll(async () => {
    await server?.stop();
  });

  it('a dump of the key tables holds no usable private key', async () => {
    server = await startTestServer({ SECRETS_KEY: KEY, PUSH_ENDPOINT_HOSTS: PUSH_HOST });
    const dump = await dumpKeyTables(server.db);
    const opened = await openedPrivateKeys(server.db, SecretBox.withKey(parseSecretsKey(KEY)));
    expect(opened.signing.length).toBeGreaterThan(0);
    for (const jwk of opened.signing) {
      expect(jwk.d).toBeTruthy();
      expect(dump).not.toContain(jwk.d);
    }
    expect(opened.vapid.length).toBeGreaterThan(20);
    expect(dump).not.toContain(opened.vapid);
    // What the dump holds instead cannot be used as a key.
    const { rows } = await server.db.query<{ private_jwk: unknown; alg: string }>('SELECT private_jwk, alg FROM signing_keys');
    for (const row of rows) {
      expect(typeof row.private_jwk).toBe('string');
      await expect(importJWK(row.private_jwk as JWK, row.alg)).rejects.toThrow();
    }
    // And the server works as ever with the keys it opened.
    const token = await adminToken(server);
    expect((await api(server, 'GET', '/api/admin/sections', { token })).status).toBe(200);
    expect((await api(server, 'GET', '/api/config')).body.push.vapid_public_key).toMatch(/^[A-Za-z0-9_-]{80,}$/);
  });
});

describe.skipIf(withoutPostgres('secrets-encryption: stored keys on PostgreSQL'))('PostgreSQL (needs DATABASE_URL)', () => {
  it('without SECRETS_KEY, keys are stored as before, start-up says so in one line, and instances with their own DATA_DIR share them', async () => {
    const testDb = await createTestDatabase();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const dirs = [await temporaryDataDir(), await temporaryDataDir()];
    const base = { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: testDb.databaseUrl!, ADMIN_EMAIL: 'pg@barback.test', ADMIN_PASSWORD: 'postgres host password' };
    const a = await startServer(loadConfig({ ...base, DATA_DIR: dirs[0]! }), { logger });
    const b = await startServer(loadConfig({ ...base, DATA_DIR: dirs[1]! }), { logger: createLogger('silent') });
    try {
      const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => /SECRETS_KEY/.test(l.msg));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.level).toBe(40);
      expect(warnings[0]!.msg).toMatch(/^SECRETS_KEY is not set: the private keys in the database .* are stored unencrypted/);
      const { rows } = await a.ctx.db.query<{ private_jwk: JWK }>('SELECT private_jwk FROM signing_keys');
      expect(typeof rows[0]!.private_jwk).toBe('object');
      expect(rows[0]!.private_jwk.d).toBeTruthy();
      const vapid = await a.ctx.db.query<{ value: { privateKey: string } }>("SELECT value FROM server_secrets WHERE name = 'vapid'");
      expect(SecretBox.isSealed(vapid.rows[0]!.value.privateKey)).toBe(false);
      for (const dir of dirs) expect(await fs.readdir(dir)).toEqual([]);
      const login = await api(a, 'POST', '/api/admin/login', { body: { email: base.ADMIN_EMAIL, password: base.ADMIN_PASSWORD } });
      expect((await api(b, 'GET', '/api/admin/sections', { token: login.body.access_token })).status).toBe(200);
    } finally {
      await b.close();
      await a.close();
      await testDb.drop();
    }
  });

  it('an existing database is encrypted in place on the first start with SECRETS_KEY; tokens and push keys survive; without it, or with another key, start-up refuses in one sentence', async () => {
    const plain = await startTestServer({ PUSH_ENDPOINT_HOSTS: PUSH_HOST });
    const testDb = plain.testDb;
    const shared = { testDb };
    let withKey: TestServer | undefined;
    try {
      const token = await adminToken(plain);
      const vapidPublic = (await api(plain, 'GET', '/api/config')).body.push.vapid_public_key;
      const before = await openedPrivateKeys(plain.db, SecretBox.none());
      await plain.close();

      withKey = await startTestServer({ SECRETS_KEY: KEY, PUSH_ENDPOINT_HOSTS: PUSH_HOST }, shared);
      const dump = await dumpKeyTables(withKey.db);
      for (const jwk of before.signing) expect(dump).not.toContain(jwk.d);
      expect(dump).not.toContain(before.vapid);
      expect(await openedPrivateKeys(withKey.db, SecretBox.withKey(parseSecretsKey(KEY)))).toEqual(before);
      expect((await api(withKey, 'GET', '/api/admin/sections', { token })).status).toBe(200);
      expect((await api(withKey, 'GET', '/api/config')).body.push.vapid_public_key).toBe(vapidPublic);
      await withKey.stop();
      withKey = undefined;

      const missing = await startFailure({ DATABASE_URL: testDb.databaseUrl! });
      expect(missing.message).toBe(
        `The private keys in the database are encrypted (key id ${keyId(KEY)}), but SECRETS_KEY is not set: start barback with the SECRETS_KEY they were encrypted with.`,
      );
      expectOneSentence(missing.message);
      const wrong = await startFailure({ DATABASE_URL: testDb.databaseUrl!, SECRETS_KEY: OTHER_KEY });
      expect(wrong.message).toBe(
        `The private keys in the database are encrypted with key id ${keyId(KEY)}, but SECRETS_KEY is key id ${keyId(OTHER_KEY)}: set SECRETS_KEY to the key they were encrypted with.`,
      );
      expectOneSentence(wrong.message);
      // Nothing was changed by the refusals: the right key still starts.
      withKey = await startTestServer({ SECRETS_KEY: KEY }, shared);
      expect((await api(withKey, 'GET', '/api/admin/sections', { token })).status).toBe(200);
    } finally {
      await withKey?.stop();
      await plain.db.close().catch(() => undefined);
      await testDb.drop();
    }
  });

  it('two instances starting together with SECRETS_KEY encrypt an existing database once, and both serve', async () => {
    const plain = await startTestServer();
    const token = await adminToken(plain);
    await plain.close();
    const [a, b] = await Promise.all([
      startTestServer({ SECRETS_KEY: KEY }, { testDb: plain.testDb }),
      startTestServer({ SECRETS_KEY: KEY }, { testDb: plain.testDb }),
    ]);
    try {
      const { rows } = await a.db.query<{ private_jwk: unknown }>('SELECT private_jwk FROM signing_keys');
      for (const row of rows) expect(SecretBox.keyIdOf(row.private_jwk as string)).toBe(keyId(KEY));
      for (const server of [a, b]) expect((await api(server, 'GET', '/api/admin/sections', { token })).status).toBe(200);
    } finally {
      await a.stop();
      await b.stop();
      await plain.db.close();
      await plain.testDb.drop();
    }
  });
});

describe('the embedded database on disk', () => {
  it('makes a key file in DATA_DIR at first start (owner-only), seals the keys with it, and opens them again after a restart', async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    const token = await adminToken(first);
    const file = path.join(dataDir, 'secrets.key');
    try {
      const stat = await fs.stat(file);
      expect(stat.mode & 0o777).toBe(0o600);
      const keys = (await fs.readFile(file, 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));
      expect(keys).toHaveLength(1);
      const box = SecretBox.withKey(parseSecretsKey(keys[0]!));
      const dump = await dumpKeyTables(first.db);
      const opened = await openedPrivateKeys(first.db, box);
      for (const jwk of opened.signing) expect(dump).not.toContain(jwk.d);
      expect(dump).not.toContain(opened.vapid);
    } finally {
      await first.stop();
    }
    const again = await startTestServer(env);
    try {
      expect((await api(again, 'GET', '/api/admin/sections', { token })).status).toBe(200);
    } finally {
      await again.stop();
    }
  });

  it('an older database with plaintext keys and no key file is upgraded in place: a key file appears and the same keys get sealed', async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    const file = path.join(dataDir, 'secrets.key');
    const token = await adminToken(first);
    // Turn it into what an installation from before encryption looks like.
    const box = SecretBox.withKey(parseSecretsKey((await fs.readFile(file, 'utf8')).split('\n').find((l) => l && !l.startsWith('#'))!));
    const before = await openedPrivateKeys(first.db, box);
    const { rows } = await first.db.query<{ kid: string }>('SELECT kid FROM signing_keys ORDER BY kid');
    for (const [index, row] of rows.entries()) {
      await first.db.query('UPDATE signing_keys SET private_jwk = $2 WHERE kid = $1', [row.kid, JSON.stringify(before.signing[index])]);
    }
    await first.db.query("UPDATE server_secrets SET value = jsonb_set(value, '{privateKey}', to_jsonb($1::text)) WHERE name = 'vapid'", [before.vapid]);
    await first.stop();
    await fs.rm(file);

    const upgraded = await startTestServer(env);
    try {
      const newKey = parseSecretsKey((await fs.readFile(file, 'utf8')).split('\n').find((l) => l && !l.startsWith('#'))!);
      const sealed = await upgraded.db.query<{ private_jwk: string }>('SELECT private_jwk FROM signing_keys');
      for (const row of sealed.rows) expect(SecretBox.keyIdOf(row.private_jwk)).toBe(secretsKeyId(newKey));
      expect(await openedPrivateKeys(upgraded.db, SecretBox.withKey(newKey))).toEqual(before);
      expect((await api(upgraded, 'GET', '/api/admin/sections', { token })).status).toBe(200);
    } finally {
      await upgraded.stop();
    }
  });

  it('with the key file gone or replaced, start-up refuses in one sentence and makes no new key', async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    await first.stop();
    const file = path.join(dataDir, 'secrets.key');
    const original = await fs.readFile(file, 'utf8');
    const id = secretsKeyId(parseSecretsKey(original.split('\n').find((l) => l && !l.startsWith('#'))!));
    await fs.rm(file);

    const missing = await startFailure({ DATA_DIR: dataDir });
    expect(missing.message).toBe(
      `The private keys in the database are encrypted (key id ${id}), but ${file} is missing: restore it from your backup, or set SECRETS_KEY to that key.`,
    );
    expectOneSentence(missing.message);
    await expect(fs.stat(file)).rejects.toThrow(/ENOENT/);

    await fs.writeFile(file, `${OTHER_KEY}\n`, { mode: 0o600 });
    const replaced = await startFailure({ DATA_DIR: dataDir });
    expect(replaced.message).toBe(
      `The private keys in the database are encrypted with key id ${id}, which is not in ${file}: restore that file from your backup, or set SECRETS_KEY to that key.`,
    );
    expectOneSentence(replaced.message);

    // Restored from the backup, it starts again.
    await fs.writeFile(file, original, { mode: 0o600 });
    const restored = await startTestServer(env);
    await restored.stop();
  });

  it('moving to SECRETS_KEY re-seals what the key file sealed, and then only SECRETS_KEY is needed', async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    const token = await adminToken(first);
    await first.stop();
    const moved = await startTestServer({ ...env, SECRETS_KEY: KEY });
    try {
      const { rows } = await moved.db.query<{ private_jwk: string }>('SELECT private_jwk FROM signing_keys');
      for (const row of rows) expect(SecretBox.keyIdOf(row.private_jwk)).toBe(keyId(KEY));
    } finally {
      await moved.stop();
    }
    await fs.rm(path.join(dataDir, 'secrets.key'));
    const envOnly = await startTestServer({ ...env, SECRETS_KEY: KEY });
    try {
      expect((await api(envOnly, 'GET', '/api/admin/sections', { token })).status).toBe(200);
    } finally {
      await envOnly.stop();
    }
  });

  it('a second server on the same DATA_DIR refuses in one sentence (PGlite is one process), and a lock left by a dead process is taken over', async () => {
    const dataDir = await temporaryDataDir();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await startTestServer(env);
    try {
      const config = loadConfig({ PORT: '0', DATA_DIR: dataDir });
      const error = await openDatabase({ databaseUrl: undefined, dataDir: config.dataDir, logger: createLogger('silent') }).then(
        () => new Error('opened twice'),
        (e: Error) => e,
      );
      expect(error.message).toBe(
        `${dataDir} is in use by another barback process (pid ${process.pid}); its embedded database allows one process at a time, so stop that one first or give this one its own DATA_DIR.`,
      );
      expectOneSentence(error.message);
    } finally {
      await first.stop();
    }
    // A process that died without cleaning up (kill -9): pid 2^22 + 1 is above Linux's pid_max.
    await fs.writeFile(path.join(dataDir, 'barback.lock'), JSON.stringify({ pid: 4_194_305, socket_dir: '/nonexistent' }));
    const next = await startTestServer(env);
    await next.stop();
  });
});
