import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { BARBACK_APPLICATION_NAME, openDatabase, type Database, type Queryable, type QueryResult } from '../db/database.ts';
import { DataDirBusyError, dataDirOwner, type DataDirOwner } from '../db/data-dir-lock.ts';
import { issueSetupToken } from '../admin/host-account.service.ts';
import { SecretBox, SecretBoxError, newSecretsKey, parseSecretsKey, secretsKeyId } from '../auth/secret-box.ts';
import { SecretsKeyError, keyFilePath, readKeyFile, writeKeyFile } from '../auth/secrets-key.ts';
import { discardStoredSecrets, sealStoredSecrets, storedSecretKeyIds } from '../auth/stored-secrets.ts';

/*
 * `npm run host -- <command>`: the host's maintenance commands. They run on the machine
 * barback runs on, with the same settings (DATABASE_URL or DATA_DIR, SECRETS_KEY,
 * PUBLIC_URL, PORT) as the server: having that machine is what proves it is the host.
 */

const USAGE = `Usage: npm run host -- <command>

  reset-password       print a one-time link that sets a new host password
                       (or creates the host account if there is none yet)
  rotate-secrets-key   encrypt the private keys in the database with a new key
                       (NEW_SECRETS_KEY, or one made for you); stop barback first
  discard-lost-keys    when the key that encrypts them is lost for good: delete the
                       stored private keys so barback makes new ones; stop barback first
`;

class CommandError extends Error {}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** The database to work on, and where the server answers when one runs on it. */
interface Target {
  db: Queryable;
  /** The embedded database's running server, when the command goes through it. */
  runningServer: DataDirOwner | undefined;
  /** Set when this command opened the database itself. */
  opened: Database | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database as the server would. PGlite is one process's: while a server runs on
 * DATA_DIR, `reset-password` works through that server's own database socket (private to
 * this OS user), so the party need not stop; without a server it opens the folder itself,
 * holding the same lock, so a server started meanwhile waits its turn with one sentence.
 */
async function openTarget(config: Config, options: { throughRunningServer: boolean }): Promise<Target> {
  const logger = createLogger('silent');
  if (config.databaseUrl) {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, poolSize: 1 });
    return { db, runningServer: undefined, opened: db, close: () => db.close() };
  }
  if (config.dataDir === 'memory://' || !fs.existsSync(path.join(config.dataDir, 'pglite'))) {
    throw new CommandError(`There is no barback database in ${config.dataDir}: start barback once (npm start), or set DATA_DIR or DATABASE_URL as the server has them.`);
  }
  const owner = await dataDirOwner(config.dataDir);
  if (owner && !options.throughRunningServer) {
    throw new CommandError(`barback is running on ${config.dataDir} (pid ${owner.pid}): stop it first (Ctrl-C), then run this again.`);
  }
  if (owner) {
    const client = new pg.Client({ host: owner.socket_dir, user: 'postgres', database: 'postgres', application_name: 'barback-host-command' });
    try {
      await client.connect();
    } catch (error) {
      throw new CommandError(
        `barback (pid ${owner.pid}) holds ${config.dataDir} but its database could not be reached (${(error as Error).message}): stop it, then run this again.`,
      );
    }
    const db: Queryable = {
      query: <T extends object>(sql: string, params?: unknown[]) => client.query(sql, params) as unknown as Promise<QueryResult<T>>,
    };
    return { db, runningServer: owner, opened: undefined, close: () => client.end() };
  }
  const db = await openDatabase({ databaseUrl: undefined, dataDir: config.dataDir, logger });
  return { db, runningServer: undefined, opened: db, close: () => db.close() };
}

async function resetPassword(config: Config): Promise<void> {
  const target = await openTarget(config, { throughRunningServer: true });
  try {
    const issued = await issueSetupToken(target.db);
    const origin = config.publicUrl ?? target.runningServer?.url ?? `${config.tlsCert ? 'https' : 'http'}://localhost:${config.port}`;
    const link = `${origin}/setup?token=${issued.token}`;
    say('');
    if (issued.resetFor) {
      const until = issued.resetFor.expiresAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      say(`  A one-time link to set a new password for ${issued.resetFor.email} (works until ${until}):`);
    } else {
      say('  There is no host account yet. A one-time link to create it:');
    }
    say('');
    say(`    ${link}`);
    say('');
    if (issued.resetFor) say('  Setting the new password signs the host out on every device. Any earlier link stops working.');
    if (!config.databaseUrl && !target.runningServer) say('  barback is not running: start it (npm start), then open the link.');
    say('');
  } finally {
    await target.close();
  }
}

/**
 * The database with no server on it: keys must not change under a running server (it
 * would keep using, and writing with, the old one). On PostgreSQL, instances are seen by
 * their connections' application_name.
 */
async function openStopped(config: Config): Promise<Database> {
  const target = await openTarget(config, { throughRunningServer: false });
  const db = target.opened!;
  if (db.kind !== 'postgres') return db;
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
    [BARBACK_APPLICATION_NAME],
  );
  const running = rows[0]?.n ?? 0;
  if (running > 0) {
    await db.close();
    throw new CommandError(
      `${running} connection(s) of running barback instances are open on this database: stop every instance first, then run this again.`,
    );
  }
  return db;
}

/** The keys this installation has now: SECRETS_KEY, then the embedded key file's. */
async function currentKeys(config: Config, db: Database): Promise<Buffer[]> {
  const fileKeys = db.kind === 'embedded' ? ((await readKeyFile(keyFilePath(config.dataDir))) ?? []) : [];
  return [...(config.secretsKey ? [config.secretsKey] : []), ...fileKeys];
}

/**
 * Re-seals every stored private key with a new key. The new key is recorded before the
 * database changes (printed, or written to the key file next to the old one), so no crash
 * can leave keys encrypted with a key nobody has.
 */
async function rotateSecretsKey(config: Config): Promise<void> {
  const db = await openStopped(config);
  try {
    const file = db.kind === 'embedded' && !config.secretsKey ? keyFilePath(config.dataDir) : undefined;
    const oldKeys = await currentKeys(config, db);
    const givenKey = process.env.NEW_SECRETS_KEY?.trim();
    let newKey: Buffer;
    try {
      newKey = parseSecretsKey(givenKey || newSecretsKey(), 'NEW_SECRETS_KEY');
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    const newId = secretsKeyId(newKey);
    if (oldKeys.some((key) => secretsKeyId(key) === newId)) throw new CommandError('NEW_SECRETS_KEY is the key in use already: give a new one.');

    if (file) {
      await writeKeyFile(file, [newKey, ...oldKeys]);
    } else if (!givenKey) {
      say('');
      say('  The new SECRETS_KEY (shown once; store it where your settings live before going on):');
      say('');
      say(`    ${newKey.toString('base64')}`);
      say('');
    }
    const report = await sealStoredSecrets(db, SecretBox.withKey(newKey, oldKeys));
    if (file) await writeKeyFile(file, [newKey]);
    say(`  ${report.total} stored private key(s) are now encrypted with key id ${newId}.`);
    say(
      file
        ? `  ${file} holds only the new key: back it up with the database.`
        : '  Set SECRETS_KEY to the new key on every instance, then start them; the old key no longer opens anything.',
    );
  } finally {
    await db.close();
  }
}

/**
 * The way out when the key is gone for good (no backup of the key file, a forgotten
 * SECRETS_KEY): the keys it sealed are useless, so they are deleted and barback makes new
 * ones. Refused while every stored key still opens, so it cannot destroy anything usable.
 */
async function discardLostKeys(config: Config): Promise<void> {
  const db = await openStopped(config);
  try {
    const held = new Set((await currentKeys(config, db)).map(secretsKeyId));
    const lost = [...(await storedSecretKeyIds(db))].filter((id) => !held.has(id));
    if (lost.length === 0) throw new CommandError('Every stored private key opens with the key at hand: nothing is lost, so nothing was discarded.');
    await discardStoredSecrets(db);
    say(`  Discarded the stored private keys (lost key id ${lost.join(', ')}) and the push subscriptions tied to them.`);
    say('  Start barback: it makes new keys. Access tokens signed before stopped working: guests\' apps');
    say('  refresh by themselves, the host signs in again, and guests turn notifications on again.');
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'reset-password':
      return resetPassword(config);
    case 'rotate-secrets-key':
      return rotateSecretsKey(config);
    case 'discard-lost-keys':
      return discardLostKeys(config);
    default:
      throw new CommandError(`Unknown command "${command}": npm run host -- help lists the commands.`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const known = [CommandError, ConfigError, DataDirBusyError, SecretBoxError, SecretsKeyError].some((type) => error instanceof type);
    const code = (error as { code?: string }).code;
    const message =
      code === '42P01'
        ? 'This database has no barback tables yet: start barback on it once first.'
        : known || code
          ? (error as Error).message
          : `unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    process.stderr.write(`barback: ${message}\n`);
    process.exit(1);
  },
);
